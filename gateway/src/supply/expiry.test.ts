import { gs1Expiry, lotExpiryPattern } from './expiry';

describe('lot expiry: ISO 8601 or GS1 YYMMDD (issue #20, problem 6)', () => {
    it('turns an ISO date of 2000-2099 into GS1 YYMMDD and leaves YYMMDD as it is', () => {
        expect(gs1Expiry('2027-12-31')).toBe('271231');
        expect(gs1Expiry('2030-02-01')).toBe('300201');
        expect(gs1Expiry('271231')).toBe('271231');
    });

    it('passes anything else through for the contract to reject with its rule', () => {
        expect(gs1Expiry('1999-12-31')).toBe('1999-12-31');
        expect(gs1Expiry('2027-12-31T00:00:00Z')).toBe('2027-12-31T00:00:00Z');
    });

    it('documents both forms in one pattern', () => {
        const pattern = new RegExp(lotExpiryPattern);
        expect(['271231', '2027-12-31'].every((v) => pattern.test(v))).toBe(true);
        expect(['27-12-31', '2027/12/31', ''].some((v) => pattern.test(v))).toBe(false);
    });
});
