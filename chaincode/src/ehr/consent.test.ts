import { ContractError } from '../common';
import { decideAccess, parseGrantInput, scopeCovers } from './consent';
import type { Consent, RecordPointer } from './types';

const now = new Date('2026-01-10T00:00:00Z');

const record: RecordPointer = {
    id: 'rec-1-v2',
    seriesId: 'rec-1',
    version: 2,
    patientId: 'pat-1',
    custodianMsp: 'HospitalMSP',
    authorId: 'prac-1',
    type: { system: 'http://loinc.org', code: '11506-3' },
    status: 'current',
    contentHash: 'a'.repeat(64),
    size: 10,
    mediaType: 'application/pdf',
    locationDigest: 'b'.repeat(64),
    date: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
};

function consent(overrides: Partial<Consent> = {}): Consent {
    return {
        id: 'c-1',
        patientId: 'pat-1',
        status: 'active',
        grantee: { mspId: 'HospitalMSP', actorId: 'prac-1' },
        scope: { kind: 'all' },
        purposes: ['TREAT'],
        period: { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' },
        dateTime: '2026-01-01T00:00:00.000Z',
        grantedBy: { mspId: 'HospitalMSP', actorId: 'pat-1', asDelegate: false },
        ...overrides,
    };
}

describe('consent rules', () => {
    describe('scopeCovers', () => {
        it('covers all records, one LOINC type, or listed records and the series of a listed first version', () => {
            expect(scopeCovers({ kind: 'all' }, record)).toBe(true);
            expect(scopeCovers({ kind: 'type', typeCode: '11506-3' }, record)).toBe(true);
            expect(scopeCovers({ kind: 'type', typeCode: '18842-5' }, record)).toBe(false);
            expect(scopeCovers({ kind: 'records', recordIds: ['rec-1-v2'] }, record)).toBe(true);
            expect(scopeCovers({ kind: 'records', recordIds: ['rec-1'] }, record)).toBe(true);
            expect(scopeCovers({ kind: 'records', recordIds: ['rec-2'] }, record)).toBe(false);
        });
    });

    describe('decideAccess', () => {
        it('allows within the period, for a granted purpose, naming the first admitting consent', () => {
            expect(
                decideAccess([consent({ id: 'c-0', purposes: ['HRESCH'] }), consent()], record, 'TREAT', now),
            ).toEqual({
                allowed: true,
                consentId: 'c-1',
            });
        });

        it('treats the period as start inclusive, end exclusive', () => {
            expect(decideAccess([consent()], record, 'TREAT', new Date('2026-01-01T00:00:00.000Z')).allowed).toBe(true);
            expect(decideAccess([consent()], record, 'TREAT', new Date('2026-01-31T23:59:59.999Z')).allowed).toBe(true);
            expect(decideAccess([consent()], record, 'TREAT', new Date('2026-02-01T00:00:00.000Z'))).toEqual({
                allowed: false,
                reason: 'consent-expired',
            });
            expect(decideAccess([consent()], record, 'TREAT', new Date('2025-12-31T23:59:59.999Z'))).toEqual({
                allowed: false,
                reason: 'consent-not-yet-valid',
            });
        });

        it('names the nearest miss: purpose, then no consent', () => {
            expect(decideAccess([consent()], record, 'HRESCH', now)).toEqual({
                allowed: false,
                reason: 'purpose-not-permitted',
            });
            expect(
                decideAccess([consent({ scope: { kind: 'type', typeCode: '18842-5' } })], record, 'TREAT', now),
            ).toEqual({
                allowed: false,
                reason: 'no-consent',
            });
            expect(decideAccess([], record, 'TREAT', now)).toEqual({ allowed: false, reason: 'no-consent' });
        });

        it('ignores revoked consents and consents of another patient', () => {
            expect(decideAccess([consent({ status: 'inactive' })], record, 'TREAT', now).allowed).toBe(false);
            expect(decideAccess([consent({ patientId: 'pat-2' })], record, 'TREAT', now).allowed).toBe(false);
        });
    });

    describe('parseGrantInput', () => {
        const valid = {
            id: 'c-1',
            grantee: { mspId: 'HospitalMSP' },
            scope: { kind: 'records', recordIds: ['rec-1'] },
            purposes: ['TREAT', 'CAREMGT'],
            period: { end: '2026-02-01T00:00:00Z' },
        };

        it('defaults the start to the transaction time and normalises dates', () => {
            expect(parseGrantInput(valid, now)).toEqual({
                id: 'c-1',
                patientId: undefined,
                grantee: { mspId: 'HospitalMSP' },
                scope: { kind: 'records', recordIds: ['rec-1'] },
                purposes: ['TREAT', 'CAREMGT'],
                period: { start: '2026-01-10T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' },
            });
        });

        it.each([
            ['consent.id', { id: '' }],
            ['consent.patientId', { patientId: 'bad id' }],
            ['consent.grantee', { grantee: 'HospitalMSP' }],
            ['consent.grantee.mspId', { grantee: { mspId: '' } }],
            ['consent.grantee.actorId', { grantee: { mspId: 'HospitalMSP', actorId: 'no spaces' } }],
            ['consent.scope', { scope: null }],
            ['consent.scope.kind', { scope: { kind: 'everything' } }],
            ['consent.scope.typeCode', { scope: { kind: 'type', typeCode: 'notes' } }],
            ['consent.scope.recordIds', { scope: { kind: 'records', recordIds: [] } }],
            [
                'consent.scope.recordIds',
                { scope: { kind: 'records', recordIds: Array.from({ length: 51 }, (_, i) => `r-${i}`) } },
            ],
            ['consent.scope.recordIds[1]', { scope: { kind: 'records', recordIds: ['r-1', 'r-1'] } }],
            ['consent.scope.recordIds[0]', { scope: { kind: 'records', recordIds: [''] } }],
            ['consent.purposes', { purposes: [] }],
            ['consent.purposes[0]', { purposes: ['MARKETING'] }],
            ['consent.purposes[0]', { purposes: ['BTG'] }],
            ['consent.purposes[1]', { purposes: ['TREAT', 'TREAT'] }],
            ['consent.period', { period: '30 days' }],
            ['consent.period.end', { period: {} }],
            ['consent.period.end', { period: { end: 'next month' } }],
            ['consent.period.start', { period: { start: 'now', end: '2026-02-01T00:00:00Z' } }],
            ['consent.period.end', { period: { start: '2026-03-01T00:00:00Z', end: '2026-02-01T00:00:00Z' } }],
            ['consent.period.end', { period: { start: '2025-01-01T00:00:00Z', end: '2026-01-09T00:00:00Z' } }],
        ])('rejects %s', (field, override) => {
            let error: unknown;
            try {
                parseGrantInput({ ...valid, ...override }, now);
            } catch (caught) {
                error = caught;
            }
            expect(error).toBeInstanceOf(ContractError);
            expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field });
        });
    });
});
