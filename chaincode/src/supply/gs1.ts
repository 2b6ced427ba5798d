/**
 * GS1 identifiers of the drug supply chain, as a pure module: the chaincode validates its
 * arguments with it and the gateway parses scanned input with it, so both sides agree on what
 * a well-formed identifier is.
 *
 * - GTIN-14 and SSCC-18 with their mod-10 check digit;
 * - serial (AI 21) and lot (AI 10): 1-20 characters of GS1 AI encodable character set 82;
 * - expiry (AI 17): YYMMDD, DD = 00 meaning the last day of the month, years 2000-2099;
 * - element strings, bracketed `(01)…(17)…(10)…(21)…` or raw as a scanner sends them
 *   (optional symbology identifier such as `]d2`, variable-length fields ended by GS, U+001D);
 * - GS1 Digital Link URIs `https://id.gs1.org/01/{gtin}/10/{lot}/21/{serial}?17={expiry}` and
 *   `https://id.gs1.org/00/{sscc}` (any host and path prefix, as Digital Link allows).
 *
 * Only AIs 00, 01, 10, 17 and 21 are understood; any other AI is rejected by name rather than
 * silently dropped, so a caller never believes an attribute was recorded when it was not.
 */

/** Which part of an identifier is wrong; the contract prefixes it with the argument's name. */
export type Gs1Field = 'gtin' | 'sscc' | 'serial' | 'lot' | 'expiry' | 'identifier';

export class Gs1Error extends Error {
    constructor(
        readonly field: Gs1Field,
        readonly rule: string,
    ) {
        super(`${field}: ${rule}`);
        this.name = 'Gs1Error';
    }
}

/** The GS1 application identifiers CareLedger reads, with their fixed length or maximum. */
const applicationIdentifiers = {
    '00': { field: 'sscc', fixed: 18 },
    '01': { field: 'gtin', fixed: 14 },
    '10': { field: 'lot', max: 20 },
    '17': { field: 'expiry', fixed: 6 },
    '21': { field: 'serial', max: 20 },
} as const satisfies Record<string, { field: Exclude<Gs1Field, 'identifier'>; fixed?: number; max?: number }>;
type Ai = keyof typeof applicationIdentifiers;

/** GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1). */
const charset82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** The identifying elements found in one element string or Digital Link URI. */
export interface Gs1Elements {
    sscc?: string;
    gtin?: string;
    lot?: string;
    /** YYMMDD as encoded. */
    expiry?: string;
    serial?: string;
}

/** A serialised unit: SGTIN plus, when the source carried them, lot and expiry. */
export interface UnitIdentifier {
    kind: 'unit';
    gtin: string;
    serial: string;
    lot?: string;
    expiry?: string;
}

/** A logistic unit (case, pallet). */
export interface ContainerIdentifier {
    kind: 'container';
    sscc: string;
}

export type ItemIdentifier = UnitIdentifier | ContainerIdentifier;

/** The mod-10 check digit of the data digits (all digits of the key except the check digit). */
export function gs1CheckDigit(dataDigits: string): number {
    if (!/^\d+$/.test(dataDigits)) {
        throw new Gs1Error('identifier', 'check digit input must be digits');
    }
    let sum = 0;
    for (let i = 0; i < dataDigits.length; i += 1) {
        const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
        sum += digit * (i % 2 === 0 ? 3 : 1);
    }
    return (10 - (sum % 10)) % 10;
}

function requireKey(value: unknown, field: 'gtin' | 'sscc', length: number, name: string): string {
    if (typeof value !== 'string' || !new RegExp(`^\\d{${length}}$`).test(value)) {
        throw new Gs1Error(field, `must be a ${name} of exactly ${length} digits`);
    }
    const expected = gs1CheckDigit(value.slice(0, -1));
    const actual = Number(value.slice(-1));
    if (expected !== actual) {
        throw new Gs1Error(field, `${name} check digit must be ${expected}, got ${actual}`);
    }
    return value;
}

/** A GTIN-14 with a correct check digit. */
export function validateGtin(value: unknown): string {
    return requireKey(value, 'gtin', 14, 'GTIN-14');
}

/** A GTIN-8, -12, -13 or -14, returned as GTIN-14 (left-padded with zeros), check digit validated. */
export function normaliseGtin(value: unknown): string {
    if (typeof value !== 'string' || !/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) {
        throw new Gs1Error('gtin', 'must be a GTIN of 8, 12, 13 or 14 digits');
    }
    return validateGtin(value.padStart(14, '0'));
}

/** An SSCC-18 with a correct check digit. */
export function validateSscc(value: unknown): string {
    return requireKey(value, 'sscc', 18, 'SSCC-18');
}

function requireAttribute(value: unknown, field: 'serial' | 'lot', ai: Ai): string {
    if (typeof value !== 'string' || value.length === 0) {
        throw new Gs1Error(field, 'is required');
    }
    if (value.length > 20) {
        throw new Gs1Error(field, `must be at most 20 characters (AI ${ai}), got ${value.length}`);
    }
    if (!charset82.test(value)) {
        throw new Gs1Error(
            field,
            'must use only GS1 AI encodable character set 82 (letters, digits and !"%&\'()*+,-./:;<=>?_)',
        );
    }
    return value;
}

/** A serial number (AI 21): 1-20 characters of set 82. */
export function validateSerial(value: unknown): string {
    return requireAttribute(value, 'serial', '21');
}

/** A lot or batch number (AI 10): 1-20 characters of set 82. */
export function validateLot(value: unknown): string {
    return requireAttribute(value, 'lot', '10');
}

/** An expiry date (AI 17) YYMMDD; DD = 00 stands for the last day of the month. */
export function validateExpiry(value: unknown): string {
    if (typeof value !== 'string' || !/^\d{6}$/.test(value)) {
        throw new Gs1Error('expiry', 'must be a GS1 date YYMMDD');
    }
    const month = Number(value.slice(2, 4));
    const day = Number(value.slice(4, 6));
    if (month < 1 || month > 12) {
        throw new Gs1Error('expiry', `month must be 01-12, got ${value.slice(2, 4)}`);
    }
    const lastDay = daysInMonth(2000 + Number(value.slice(0, 2)), month);
    if (day > lastDay) {
        throw new Gs1Error('expiry', `day must be 00-${lastDay} for that month, got ${value.slice(4, 6)}`);
    }
    return value;
}

function daysInMonth(year: number, month: number): number {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The calendar date an expiry YYMMDD stands for, as `YYYY-MM-DD`; DD = 00 resolves to the
 * month's last day. Years are 2000-2099: GS1's sliding century window gives the same answer
 * for every date a medicine in commerce can carry until 2049.
 */
export function expiryToIsoDate(yymmdd: string): string {
    const valid = validateExpiry(yymmdd);
    const year = 2000 + Number(valid.slice(0, 2));
    const month = Number(valid.slice(2, 4));
    const day = Number(valid.slice(4, 6)) || daysInMonth(year, month);
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True when the product is past its expiry date at `at` (it may be used through its expiry day, UTC). */
export function isExpired(yymmdd: string, at: Date): boolean {
    return expiryToIsoDate(yymmdd) < at.toISOString().slice(0, 10);
}

/** Validates a value found under an AI and stores it in `elements`, refusing repeats. */
function assign(elements: Gs1Elements, ai: string, raw: string): void {
    if (!(ai in applicationIdentifiers)) {
        throw new Gs1Error('identifier', `AI (${ai}) is not supported; only (00), (01), (10), (17) and (21) are`);
    }
    const { field } = applicationIdentifiers[ai as Ai];
    if (elements[field] !== undefined) {
        throw new Gs1Error('identifier', `AI (${ai}) appears more than once`);
    }
    const validators: Record<typeof field, (value: string) => string> = {
        sscc: validateSscc,
        gtin: validateGtin,
        lot: validateLot,
        expiry: validateExpiry,
        serial: validateSerial,
    };
    elements[field] = validators[field](raw);
}

/**
 * A bracketed element string: `(01)09506000134352(17)261231(10)A1(21)S1`. As in GS1's
 * Barcode Syntax Engine, a `(` inside a value is written `\(` (the HRI escape) and never starts
 * an AI. For compatibility an unescaped bracket that does not open a known AI `(NN)` stays part
 * of the value (the Syntax Engine would reject it).
 */
export function parseBracketedElementString(text: string): Gs1Elements {
    const elements: Gs1Elements = {};
    let rest = text;
    if (!rest.startsWith('(')) {
        throw new Gs1Error('identifier', 'element string must start with an AI in brackets, e.g. (01)');
    }
    while (rest.length > 0) {
        const head = /^\((\d{2,4})\)/.exec(rest);
        if (!head) {
            throw new Gs1Error('identifier', `expected an AI in brackets at "${rest.slice(0, 10)}"`);
        }
        const ai = head[1];
        rest = rest.slice(head[0].length);
        const spec = applicationIdentifiers[ai as Ai] as { fixed?: number; max?: number } | undefined;
        let value = '';
        let consumed = 0;
        if (spec?.fixed !== undefined) {
            value = rest.slice(0, spec.fixed);
            consumed = value.length;
        } else {
            while (consumed < rest.length) {
                if (rest.startsWith('\\(', consumed)) {
                    value += '(';
                    consumed += 2;
                } else if (/^\((00|01|10|17|21)\)/.test(rest.slice(consumed))) {
                    break;
                } else {
                    value += rest[consumed];
                    consumed += 1;
                }
            }
        }
        rest = rest.slice(consumed);
        assign(elements, ai, value);
    }
    return elements;
}

/** A value as written in a bracketed element string: `(` escaped as `\(`. */
function escapeBracketed(value: string): string {
    return value.replace(/\(/g, '\\(');
}

const groupSeparator = '\u001d';

/**
 * A raw element string as a barcode scanner sends it: an optional symbology identifier
 * (`]d2` DataMatrix, `]C1` GS1-128, `]Q3` QR, `]e0` DataBar), fixed-length fields back to
 * back, variable-length fields ended by GS (U+001D) unless last.
 */
export function parseRawElementString(text: string): Gs1Elements {
    let rest = text.replace(/^\][A-Za-z]\d/, '');
    if (rest.startsWith(groupSeparator)) {
        rest = rest.slice(1);
    }
    const elements: Gs1Elements = {};
    if (rest.length === 0) {
        throw new Gs1Error('identifier', 'element string is empty');
    }
    while (rest.length > 0) {
        const ai = rest.slice(0, 2);
        if (!(ai in applicationIdentifiers)) {
            throw new Gs1Error('identifier', `AI (${ai}) is not supported; only (00), (01), (10), (17) and (21) are`);
        }
        rest = rest.slice(2);
        const spec = applicationIdentifiers[ai as Ai] as { fixed?: number; max?: number };
        let value: string;
        if (spec.fixed !== undefined) {
            value = rest.slice(0, spec.fixed);
            rest = rest.slice(value.length);
        } else {
            const end = rest.indexOf(groupSeparator);
            value = end === -1 ? rest : rest.slice(0, end);
            rest = end === -1 ? '' : rest.slice(end + 1);
        }
        assign(elements, ai, value);
    }
    return elements;
}

/**
 * A GS1 Digital Link URI. The path holds the primary key and its qualifiers in order
 * (`/01/{gtin}/10/{lot}/21/{serial}` or `/00/{sscc}`), after any path prefix; the query may
 * carry data attributes (`17`). Non-numeric query parameters (linkType, context…) are ignored.
 */
export function parseDigitalLink(uri: string): Gs1Elements {
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        throw new Gs1Error('identifier', 'is not a valid URI');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Gs1Error('identifier', 'Digital Link URI must use https or http');
    }
    const segments = url.pathname.split('/').filter((s) => s.length > 0);
    const start = segments.findIndex((s) => s === '01' || s === '00');
    if (start === -1) {
        throw new Gs1Error('identifier', 'Digital Link URI has no /01/{gtin} or /00/{sscc} in its path');
    }
    const pairs = segments.slice(start);
    if (pairs.length % 2 !== 0) {
        throw new Gs1Error('identifier', 'Digital Link path must be AI/value pairs');
    }
    const order = pairs[0] === '01' ? ['01', '10', '21'] : ['00'];
    const elements: Gs1Elements = {};
    let position = 0;
    for (let i = 0; i < pairs.length; i += 2) {
        const ai = pairs[i];
        if (!(ai in applicationIdentifiers)) {
            throw new Gs1Error(
                'identifier',
                `AI ${ai} is not supported in a Digital Link path; only 00, 01, 10 and 21 are`,
            );
        }
        const at = order.indexOf(ai, position);
        if (at === -1) {
            throw new Gs1Error(
                'identifier',
                `AI ${ai} cannot appear at this place of the Digital Link path; expected ${order.slice(position).join(', ') || 'nothing more'}`,
            );
        }
        position = at + 1;
        let value: string;
        try {
            value = decodeURIComponent(pairs[i + 1]);
        } catch {
            throw new Gs1Error('identifier', `value of AI ${ai} is not valid percent-encoding`);
        }
        if (ai === '01') {
            elements.gtin = normaliseGtin(value);
        } else {
            assign(elements, ai, value);
        }
    }
    for (const [key, value] of url.searchParams) {
        if (!/^\d+$/.test(key)) {
            continue;
        }
        if (key !== '17') {
            throw new Gs1Error(
                'identifier',
                `AI ${key} is not supported as a Digital Link attribute; only 17 (expiry) is`,
            );
        }
        assign(elements, key, value);
    }
    return elements;
}

/** Elements from any of the three textual forms, recognised by their first characters. */
export function parseGs1(text: string): Gs1Elements {
    if (typeof text !== 'string' || text.trim().length === 0) {
        throw new Gs1Error('identifier', 'is required');
    }
    const trimmed = text.trim();
    if (/^https?:\/\//i.test(trimmed)) {
        return parseDigitalLink(trimmed);
    }
    if (trimmed.startsWith('(')) {
        return parseBracketedElementString(trimmed);
    }
    const unprefixed = trimmed.replace(/^\][A-Za-z]\d/, '');
    if (/^\d{2}/.test(unprefixed.startsWith(groupSeparator) ? unprefixed.slice(1) : unprefixed)) {
        return parseRawElementString(trimmed);
    }
    throw new Gs1Error('identifier', 'must be a GS1 element string or a GS1 Digital Link URI');
}

/** A unit or container named by a GS1 element string or Digital Link URI. */
export function parseItemIdentifier(text: string): ItemIdentifier {
    return classify(parseGs1(text));
}

/** Classifies elements as a unit (GTIN + serial) or a container (SSCC alone). */
export function classify(elements: Gs1Elements): ItemIdentifier {
    if (elements.sscc !== undefined) {
        if (elements.gtin ?? elements.serial ?? elements.lot ?? elements.expiry) {
            throw new Gs1Error('identifier', 'an SSCC (00) identifies a logistic unit on its own; drop the other AIs');
        }
        return { kind: 'container', sscc: elements.sscc };
    }
    if (elements.gtin === undefined) {
        throw new Gs1Error('identifier', 'must carry a GTIN (01) with a serial (21), or an SSCC (00)');
    }
    if (elements.serial === undefined) {
        throw new Gs1Error('serial', 'is required: a unit is identified by GTIN (01) and serial (21)');
    }
    const unit: UnitIdentifier = { kind: 'unit', gtin: elements.gtin, serial: elements.serial };
    if (elements.lot !== undefined) unit.lot = elements.lot;
    if (elements.expiry !== undefined) unit.expiry = elements.expiry;
    return unit;
}

const resolver = 'https://id.gs1.org';

/** Percent-encodes a set-82 value for a Digital Link path segment or query value. */
function encodeValue(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The unit's EPC as used in EPCIS 2.0 events: `https://id.gs1.org/01/{gtin}/21/{serial}`. */
export function sgtinUri(gtin: string, serial: string): string {
    return `${resolver}/01/${gtin}/21/${encodeValue(serial)}`;
}

/** A lot as an EPCIS class (LGTIN): `https://id.gs1.org/01/{gtin}/10/{lot}`. */
export function lgtinUri(gtin: string, lot: string): string {
    return `${resolver}/01/${gtin}/10/${encodeValue(lot)}`;
}

/** A logistic unit's EPC: `https://id.gs1.org/00/{sscc}`. */
export function ssccUri(sscc: string): string {
    return `${resolver}/00/${sscc}`;
}

/** The EPC of a unit or container. */
export function itemUri(item: ItemIdentifier): string {
    return item.kind === 'unit' ? sgtinUri(item.gtin, item.serial) : ssccUri(item.sscc);
}

/** The DSCSA product identifier as a Digital Link URI, as printed in a 2D barcode's HRI. */
export function productDigitalLink(id: { gtin: string; serial: string; lot?: string; expiry?: string }): string {
    const lot = id.lot !== undefined ? `/10/${encodeValue(id.lot)}` : '';
    const expiry = id.expiry !== undefined ? `?17=${id.expiry}` : '';
    return `${resolver}/01/${id.gtin}${lot}/21/${encodeValue(id.serial)}${expiry}`;
}

/** The bracketed element string `(01)…(17)…(10)…(21)…` of a product identifier. */
export function productElementString(id: { gtin: string; serial: string; lot?: string; expiry?: string }): string {
    return [
        `(01)${id.gtin}`,
        id.expiry !== undefined ? `(17)${id.expiry}` : '',
        id.lot !== undefined ? `(10)${escapeBracketed(id.lot)}` : '',
        `(21)${escapeBracketed(id.serial)}`,
    ].join('');
}
