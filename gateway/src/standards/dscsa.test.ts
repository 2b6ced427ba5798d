import { lightweightVerificationResponse } from './dscsa';
import { gs1DateToIso, parseProductIdentifierUri, productIdentifierUri } from './gs1';

const request = { gtin: '09506000134352', serial: 'S1', lot: 'L42', expiry: '270300' };

describe('DSCSA Lightweight Messaging verification response', () => {
    it('wraps a verdict with the timestamp, responder and the requester correlation id', () => {
        const response = lightweightVerificationResponse(
            { request, verified: true, verificationTimestamp: '2026-06-01T12:00:00.000Z' },
            { responderGLN: '0614141000005', corrUUID: 'c0ffee' },
        );
        expect(response).toEqual({
            verificationTimestamp: '2026-06-01T12:00:00.000Z',
            responderGLN: '0614141000005',
            data: { verified: true },
            corrUUID: 'c0ffee',
        });
    });

    it('carries the failure reason and additional information, and omits what is absent', () => {
        const options = { responderGLN: '0614141000005', corrUUID: 'c0ffee' };
        const response = lightweightVerificationResponse(
            {
                request,
                verified: false,
                verificationFailureReason: 'No_match_GTIN_Serial_Lot',
                additionalInfo: 'Recalled',
                verificationTimestamp: '2026-06-01T12:00:00.000Z',
            },
            options,
        );
        expect(response).toEqual({
            verificationTimestamp: '2026-06-01T12:00:00.000Z',
            responderGLN: '0614141000005',
            data: {
                verified: false,
                verificationFailureReason: 'No_match_GTIN_Serial_Lot',
                additionalInfo: 'Recalled',
            },
            corrUUID: 'c0ffee',
        });
        const noReason = lightweightVerificationResponse(
            { request, verified: false, verificationTimestamp: '2026-06-01T12:00:00.000Z' },
            options,
        );
        // verificationFailureReason is required when verified is false: the standard's own "no reason" code.
        expect(noReason.data).toEqual({ verified: false, verificationFailureReason: 'No_reason_provided' });
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
