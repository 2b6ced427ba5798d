import {
    classify,
    expiryToIsoDate,
    gs1CheckDigit,
    Gs1Error,
    isExpired,
    itemUri,
    lgtinUri,
    normaliseGtin,
    parseBracketedElementString,
    parseDigitalLink,
    parseGs1,
    parseItemIdentifier,
    parseRawElementString,
    productDigitalLink,
    productElementString,
    sgtinUri,
    ssccUri,
    validateExpiry,
    validateGtin,
    validateLot,
    validateSerial,
    validateSscc,
} from './gs1';

const gtin = '09506000134352';
const sscc = '106141412345678908';

function gs1Error(fn: () => unknown): Gs1Error {
    try {
        fn();
    } catch (error) {
        if (error instanceof Gs1Error) {
            return error;
        }
        throw error;
    }
    throw new Error('expected a Gs1Error');
}

describe('check digits', () => {
    it('computes the mod-10 check digit of GS1 keys', () => {
        expect(gs1CheckDigit('0950600013435')).toBe(2);
        expect(gs1CheckDigit('10614141234567890')).toBe(8);
        expect(gs1CheckDigit('1234567')).toBe(0);
        expect(gs1CheckDigit('0003600029145')).toBe(2);
    });

    it('accepts a GTIN-14 and an SSCC-18 whose check digit is right', () => {
        expect(validateGtin(gtin)).toBe(gtin);
        expect(validateSscc(sscc)).toBe(sscc);
    });

    it('names the expected digit when a GTIN check digit is wrong', () => {
        const error = gs1Error(() => validateGtin('09506000134353'));
        expect(error.field).toBe('gtin');
        expect(error.rule).toBe('GTIN-14 check digit must be 2, got 3');
    });

    it('names the expected digit when an SSCC check digit is wrong', () => {
        const error = gs1Error(() => validateSscc('106141412345678901'));
        expect(error.field).toBe('sscc');
        expect(error.rule).toBe('SSCC-18 check digit must be 8, got 1');
    });

    it.each([['0950600013435'], ['095060001343521'], ['0950600013435A'], [''], [9506000134352]])(
        'rejects %p as a GTIN-14 by its length or characters',
        (value) => {
            expect(gs1Error(() => validateGtin(value)).rule).toBe('must be a GTIN-14 of exactly 14 digits');
        },
    );

    it('rejects an SSCC of the wrong length', () => {
        expect(gs1Error(() => validateSscc('10614141234567890')).rule).toBe('must be a SSCC-18 of exactly 18 digits');
    });

    it('pads GTIN-8, -12 and -13 to GTIN-14 and checks the digit', () => {
        expect(normaliseGtin('12345670')).toBe('00000012345670');
        expect(normaliseGtin('036000291452')).toBe('00036000291452');
        expect(normaliseGtin('9506000134352')).toBe(gtin);
        expect(gs1Error(() => normaliseGtin('036000291453')).rule).toBe('GTIN-14 check digit must be 2, got 3');
        expect(gs1Error(() => normaliseGtin('1234567890')).rule).toBe('must be a GTIN of 8, 12, 13 or 14 digits');
    });
});

describe('serial and lot', () => {
    it('accepts 1-20 characters of set 82', () => {
        expect(validateSerial('ABCdef123')).toBe('ABCdef123');
        expect(validateSerial('12345678901234567890')).toBe('12345678901234567890');
        expect(validateLot(`A-1/2.3_x%"'(*)+,:;<=>?!&`.slice(0, 20))).toHaveLength(20);
    });

    it('rejects empty, too long and characters outside set 82', () => {
        expect(gs1Error(() => validateSerial('')).rule).toBe('is required');
        expect(gs1Error(() => validateSerial('123456789012345678901')).rule).toBe(
            'must be at most 20 characters (AI 21), got 21',
        );
        expect(gs1Error(() => validateLot('LOT 1')).field).toBe('lot');
        expect(gs1Error(() => validateLot('LOT#1')).rule).toMatch(/character set 82/);
        expect(gs1Error(() => validateSerial('é1')).field).toBe('serial');
        expect(gs1Error(() => validateSerial(42)).rule).toBe('is required');
    });
});

describe('expiry dates', () => {
    it('accepts YYMMDD and resolves DD = 00 to the end of the month', () => {
        expect(validateExpiry('261231')).toBe('261231');
        expect(expiryToIsoDate('261231')).toBe('2026-12-31');
        expect(expiryToIsoDate('270200')).toBe('2027-02-28');
        expect(expiryToIsoDate('280200')).toBe('2028-02-29');
        expect(expiryToIsoDate('280229')).toBe('2028-02-29');
    });

    it('rejects impossible months and days', () => {
        expect(gs1Error(() => validateExpiry('261301')).rule).toBe('month must be 01-12, got 13');
        expect(gs1Error(() => validateExpiry('260001')).rule).toBe('month must be 01-12, got 00');
        expect(gs1Error(() => validateExpiry('270229')).rule).toBe('day must be 00-28 for that month, got 29');
        expect(gs1Error(() => validateExpiry('260431')).rule).toBe('day must be 00-30 for that month, got 31');
        expect(gs1Error(() => validateExpiry('2026-12-31')).rule).toBe('must be a GS1 date YYMMDD');
    });

    it('treats a product as usable through its expiry day (UTC) and expired the day after', () => {
        expect(isExpired('261231', new Date('2026-12-31T23:59:59Z'))).toBe(false);
        expect(isExpired('261231', new Date('2027-01-01T00:00:00Z'))).toBe(true);
        expect(isExpired('261100', new Date('2026-11-30T12:00:00Z'))).toBe(false);
        expect(isExpired('261100', new Date('2026-12-01T00:00:00Z'))).toBe(true);
    });
});

describe('element strings', () => {
    it('parses a bracketed DSCSA product identifier in any AI order', () => {
        expect(parseBracketedElementString(`(01)${gtin}(17)261231(10)LOT-7(21)SER123`)).toEqual({
            gtin,
            expiry: '261231',
            lot: 'LOT-7',
            serial: 'SER123',
        });
        expect(parseBracketedElementString(`(21)S(01)${gtin}`)).toEqual({ gtin, serial: 'S' });
    });

    it('reads an escaped bracket inside a value as GS1 Barcode Syntax Engine does', () => {
        expect(parseBracketedElementString(`(01)${gtin}(21)AB\\(01)C(10)L\\(1`)).toEqual({
            gtin,
            serial: 'AB(01)C',
            lot: 'L(1',
        });
        expect(parseBracketedElementString(`(01)${gtin}(21)\\(21)`)).toEqual({ gtin, serial: '(21)' });
        const written = productElementString({ gtin, serial: 'S(21)1', lot: 'L(10)' });
        expect(written).toBe(`(01)${gtin}(10)L\\(10)(21)S\\(21)1`);
        expect(parseBracketedElementString(written)).toEqual({ gtin, serial: 'S(21)1', lot: 'L(10)' });
    });

    it('keeps brackets inside a value that are not a known AI', () => {
        expect(parseBracketedElementString(`(01)${gtin}(21)A(B)C`)).toEqual({ gtin, serial: 'A(B)C' });
    });

    it('parses an SSCC element string', () => {
        expect(parseBracketedElementString(`(00)${sscc}`)).toEqual({ sscc });
    });

    it('parses a raw scanner string with symbology identifier and GS separators', () => {
        const raw = `]d201${gtin}17261231` + `10LOT-7\u001d21SER123`;
        expect(parseRawElementString(raw)).toEqual({ gtin, expiry: '261231', lot: 'LOT-7', serial: 'SER123' });
        expect(parseRawElementString(`\u001d00${sscc}`)).toEqual({ sscc });
        expect(parseRawElementString(`01${gtin}21SER\u001d10L1`)).toEqual({ gtin, serial: 'SER', lot: 'L1' });
    });

    it('rejects unsupported or repeated AIs and malformed strings by name', () => {
        expect(gs1Error(() => parseBracketedElementString(`(01)${gtin}(11)260101`)).rule).toBe(
            'AI (11) is not supported; only (00), (01), (10), (17) and (21) are',
        );
        expect(gs1Error(() => parseBracketedElementString(`(01)${gtin}(01)${gtin}`)).rule).toBe(
            'AI (01) appears more than once',
        );
        expect(gs1Error(() => parseBracketedElementString(`01${gtin}`)).field).toBe('identifier');
        expect(gs1Error(() => parseBracketedElementString(`(01)${gtin}x(21)1`)).rule).toBe(
            'expected an AI in brackets at "x(21)1"',
        );
        expect(gs1Error(() => parseBracketedElementString('(01)0950600013435(21)1')).field).toBe('gtin');
        expect(gs1Error(() => parseRawElementString(`99${gtin}`)).rule).toMatch(/AI \(99\) is not supported/);
        expect(gs1Error(() => parseRawElementString(`01${gtin}21`)).rule).toBe('is required');
        expect(gs1Error(() => parseRawElementString(']d2')).rule).toBe('element string is empty');
    });

    it('rejects a wrong check digit inside an element string', () => {
        const error = gs1Error(() => parseGs1(`(01)09506000134353(21)1`));
        expect(error.field).toBe('gtin');
        expect(error.rule).toBe('GTIN-14 check digit must be 2, got 3');
    });
});

describe('Digital Link URIs', () => {
    it('parses the DSCSA product identifier form', () => {
        expect(parseDigitalLink(`https://id.gs1.org/01/${gtin}/10/LOT-7/21/SER123?17=261231`)).toEqual({
            gtin,
            lot: 'LOT-7',
            serial: 'SER123',
            expiry: '261231',
        });
    });

    it('accepts other hosts, a path prefix, GTIN-13, percent-encoding and non-AI parameters', () => {
        expect(
            parseDigitalLink('https://example.com/dl/01/9506000134352/21/A%2FB%25C?linkType=gs1:verificationService'),
        ).toEqual({ gtin, serial: 'A/B%C' });
    });

    it('parses an SSCC link', () => {
        expect(parseDigitalLink(`https://id.gs1.org/00/${sscc}`)).toEqual({ sscc });
    });

    it('rejects qualifiers out of order, unsupported AIs and broken links', () => {
        expect(gs1Error(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}/21/S/10/L`)).rule).toMatch(
            /AI 10 cannot appear at this place/,
        );
        expect(gs1Error(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}/22/V/21/S`)).rule).toMatch(
            /AI 22 is not supported/,
        );
        expect(gs1Error(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}/21/S?11=260101`)).rule).toMatch(
            /AI 11 is not supported/,
        );
        expect(gs1Error(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}/21`)).rule).toBe(
            'Digital Link path must be AI/value pairs',
        );
        expect(gs1Error(() => parseDigitalLink('https://id.gs1.org/414/9506000134352')).rule).toMatch(/no \/01/);
        expect(gs1Error(() => parseDigitalLink('ftp://id.gs1.org/01/1')).rule).toMatch(/https or http/);
        expect(gs1Error(() => parseDigitalLink('not a uri')).rule).toBe('is not a valid URI');
        expect(gs1Error(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}/21/%E0%A4%A`)).rule).toMatch(
            /percent-encoding/,
        );
        expect(gs1Error(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}/21/S?17=261301`)).field).toBe('expiry');
    });
});

describe('identifiers of units and containers', () => {
    it('recognises each textual form', () => {
        const unit = { kind: 'unit', gtin, serial: 'S1', lot: 'L1', expiry: '261231' };
        expect(parseItemIdentifier(`(01)${gtin}(17)261231(10)L1(21)S1`)).toEqual(unit);
        expect(parseItemIdentifier(`01${gtin}17261231` + `10L1\u001d21S1`)).toEqual(unit);
        expect(parseItemIdentifier(`https://id.gs1.org/01/${gtin}/10/L1/21/S1?17=261231`)).toEqual(unit);
        expect(parseItemIdentifier(` (00)${sscc} `)).toEqual({ kind: 'container', sscc });
    });

    it('demands a serial for a unit and a lone SSCC for a container', () => {
        expect(gs1Error(() => classify({ gtin, lot: 'L1' })).field).toBe('serial');
        expect(gs1Error(() => classify({ lot: 'L1' })).rule).toMatch(/must carry a GTIN/);
        expect(gs1Error(() => classify({ sscc, gtin })).rule).toMatch(
            /SSCC \(00\) identifies a logistic unit on its own/,
        );
        expect(gs1Error(() => parseGs1('   ')).rule).toBe('is required');
        expect(gs1Error(() => parseGs1('hello')).rule).toBe('must be a GS1 element string or a GS1 Digital Link URI');
    });

    it('formats EPCIS URIs and product identifiers that parse back to the same values', () => {
        expect(sgtinUri(gtin, 'A/B')).toBe(`https://id.gs1.org/01/${gtin}/21/A%2FB`);
        expect(lgtinUri(gtin, "L(1)'")).toBe(`https://id.gs1.org/01/${gtin}/10/L%281%29%27`);
        expect(ssccUri(sscc)).toBe(`https://id.gs1.org/00/${sscc}`);
        expect(itemUri({ kind: 'container', sscc })).toBe(ssccUri(sscc));
        const id = { gtin, serial: "S/1'(x)", lot: 'L%2', expiry: '270200' };
        expect(parseItemIdentifier(productDigitalLink(id))).toEqual({ kind: 'unit', ...id });
        expect(productElementString({ gtin, serial: 'S1', lot: 'L1', expiry: '261231' })).toBe(
            `(01)${gtin}(17)261231(10)L1(21)S1`,
        );
        expect(parseItemIdentifier(itemUri({ kind: 'unit', gtin, serial: 'S1' }))).toEqual({
            kind: 'unit',
            gtin,
            serial: 'S1',
        });
    });
});
