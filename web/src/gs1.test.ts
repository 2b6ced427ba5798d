import { describe, expect, it } from 'vitest';
import { Gs1InputError, parsePackId, verdictOf, verificationPath } from './gs1';

const gtin = '09506000134352';

describe('reading a pack code', () => {
    it('reads element strings with parentheses, with GS separators, and Digital Link URIs alike', () => {
        const expected = { gtin, expiry: '301231', lot: 'L1', serial: 'S1' };
        expect(parsePackId(`(01)${gtin}(17)301231(10)L1(21)S1`)).toEqual(expected);
        expect(parsePackId(`01${gtin}17301231${'10L1'}\u001d21S1`)).toEqual(expected);
        expect(parsePackId(`https://id.gs1.org/01/${gtin}/10/L1/21/S1?17=301231`)).toEqual(expected);
    });

    it('names the field at fault', () => {
        const fieldOf = (text: string) => {
            try {
                parsePackId(text);
                return 'accepted';
            } catch (error) {
                return (error as Gs1InputError).field;
            }
        };
        expect(fieldOf('(01)09506000134353(21)S1')).toBe('gtin');
        expect(fieldOf(`(01)${gtin}(10)L1`)).toBe('serial');
        expect(fieldOf(`(01)${gtin}(17)3012(21)S1`)).toBe('expiry');
        expect(fieldOf('')).toBe('identifier');
        expect(fieldOf('hello')).toBe('identifier');
    });

    it('builds the DSCSA verification path', () => {
        expect(verificationPath({ gtin, lot: 'L 1', serial: 'S1', expiry: '301231' })).toBe(
            `/verify/01/${gtin}/10/L%201/21/S1?17=301231`,
        );
        expect(verificationPath({ gtin, serial: 'S1' })).toBe(`/verify/01/${gtin}/21/S1`);
    });

    it('refuses recalled, suspect and unknown packs; allows a clean one', () => {
        expect(verdictOf({ verified: true, additionalInfo: 'Recalled' })).toEqual({
            dispense: false,
            text: 'Refused: do not dispense — recalled',
        });
        expect(verdictOf({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' }).text).toBe(
            'Refused: No match GTIN Serial',
        );
        expect(verdictOf({ verified: true }).dispense).toBe(true);
    });
});
