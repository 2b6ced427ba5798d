import { verifyProductIdentifier, type UnitOnRecord } from './dscsa';
import { gs1DateToIso, parseProductIdentifierUri, productIdentifierUri } from './gs1';

const now = new Date('2026-06-01T12:00:00Z');
const unit: UnitOnRecord = { lot: 'L42', expiry: '2027-03-31' };
const scanned = { gtin: '09506000134352', serial: 'S1', lot: 'L42', expiry: '270300', corrUUID: 'c0ffee' };

describe('DSCSA verification response', () => {
    it('verifies a unit whose identifier matches the ledger, echoing corrUUID and the responder', () => {
        expect(verifyProductIdentifier(scanned, unit, { now, responderGLN: '0614141000005' })).toEqual({
            verificationTimestamp: '2026-06-01T12:00:00.000Z',
            responderGLN: '0614141000005',
            corrUUID: 'c0ffee',
            data: { verified: true },
        });
    });

    it('names which part did not match', () => {
        const reason = (request: object, record: UnitOnRecord | undefined) =>
            verifyProductIdentifier({ ...scanned, ...request }, record, { now }).data.verificationFailureReason;
        expect(reason({}, undefined)).toBe('No_match_GTIN_Serial');
        expect(reason({ lot: 'L43' }, unit)).toBe('No_match_GTIN_Serial_Lot');
        expect(reason({ expiry: '270228' }, unit)).toBe('No_match_GTIN_Serial_Expiry');
        expect(reason({ lot: 'X', expiry: '270228' }, unit)).toBe('No_match_GTIN_Serial_Lot_Expiry');
    });

    it('refuses re-distribution of a dispensed unit and flags recalls, suspects and expiry', () => {
        const data = (record: Partial<UnitOnRecord>) =>
            verifyProductIdentifier(scanned, { ...unit, ...record }, { now }).data;
        expect(data({ outOfCommerce: true })).toEqual({
            verified: false,
            verificationFailureReason: 'Not_for_re-distribution',
        });
        expect(data({ recalled: true })).toEqual({ verified: true, additionalInfo: 'Recalled' });
        expect(data({ recalled: true, illegitimate: true }).additionalInfo).toBe('Illegitimate');
        expect(
            verifyProductIdentifier({ ...scanned, expiry: '260430' }, { ...unit, expiry: '260430' }, { now }).data,
        ).toEqual({ verified: true, additionalInfo: 'Expired' });
    });
});

describe('GS1 Digital Link product identifiers', () => {
    it('round-trips GTIN, lot, serial and expiry', () => {
        const uri = productIdentifierUri({ gtin: '09506000134352', lot: 'L/42', serial: 'S 1', expiry: '270300' });
        expect(uri).toBe('https://id.gs1.org/01/09506000134352/10/L%2F42/21/S%201?17=270300');
        expect(parseProductIdentifierUri(uri)).toEqual({
            gtin: '09506000134352',
            lot: 'L/42',
            serial: 'S 1',
            expiry: '270300',
        });
        expect(parseProductIdentifierUri('https://id.gs1.org/00/123')).toBeUndefined();
    });

    it('reads day 00 as the end of the month', () => {
        expect(gs1DateToIso('280200')).toBe('2028-02-29');
        expect(gs1DateToIso('270315')).toBe('2027-03-15');
    });
});
