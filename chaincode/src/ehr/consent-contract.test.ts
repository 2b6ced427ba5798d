import { ContractHarness } from '@careledger/testing';
import {
    consentInput,
    ehrCast,
    expectRejected,
    grantConsent,
    Hospital,
    registerRecord,
    type EhrCast,
} from '../../../test/fixtures/ehr';
import { MaxLiveConsentsPerGrantee } from './consent-store';
import type { Consent } from './types';

type Page = { items: Consent[]; bookmark: string };

describe('ehr-consent contract', () => {
    let h: ContractHarness;
    let cast: EhrCast;

    const grant = (who: Parameters<ContractHarness['submit']>[0], input: unknown) =>
        h.submit(who, 'ehr-consent:GrantConsent', [typeof input === 'string' ? input : JSON.stringify(input)]);

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
        await registerRecord(h, cast.physician, cast.patientId, 'rec-1');
        await registerRecord(h, cast.physician, cast.patient2Id, 'rec-other');
    });

    describe('GrantConsent', () => {
        it('takes the patient from the certificate, stores the consent with both indexes and emits ehr.ConsentGranted', async () => {
            const result = await grant(cast.patient, consentInput('c-1'));
            const expected: Consent = {
                id: 'c-1',
                patientId: cast.patientId,
                status: 'active',
                grantee: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                scope: { kind: 'all' },
                purposes: ['TREAT'],
                period: { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z' },
                dateTime: '2026-01-01T00:00:00.000Z',
                grantedBy: { mspId: Hospital, actorId: cast.patientId, asDelegate: false },
            };
            expect(result.json()).toEqual(expected);
            expect(h.getState(h.key('ehr.consent', 'c-1'))).toEqual(expected);
            expect(h.getState(h.key('ehr.consent.byPatient', cast.patientId, 'c-1'))).toEqual({ consentId: 'c-1' });
            expect(
                h.getState(h.key('ehr.consent.byGrantee', Hospital, 'prac-hosp-0001', cast.patientId, 'c-1')),
            ).toEqual({
                consentId: 'c-1',
            });
            expect(result.event).toEqual({
                name: 'ehr.ConsentGranted',
                payload: {
                    consentId: 'c-1',
                    patientId: cast.patientId,
                    status: 'active',
                    grantee: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                    scopeKind: 'all',
                    purposes: ['TREAT'],
                    periodEnd: '2026-02-01T00:00:00.000Z',
                    by: { mspId: Hospital, actorId: cast.patientId, asDelegate: false },
                },
            });
        });

        it('indexes an org-wide grant under the org', async () => {
            await grant(cast.patient, consentInput('c-org', { grantee: { mspId: 'ClinicMSP' } }));
            expect(h.getState(h.key('ehr.consent.byGrantee', 'ClinicMSP', '*', cast.patientId, 'c-org'))).toEqual({
                consentId: 'c-org',
            });
        });

        it('refuses a patient granting on another patient behalf', async () => {
            await expectRejected(h, () => grant(cast.patient, consentInput('c-1', { patientId: cast.patient2Id })), {
                code: 'FORBIDDEN',
            });
        });

        it('refuses non-patients, unenrolled patients and a patient id enrolled by another org CA', async () => {
            for (const who of [cast.physician, cast.hospitalAdmin, cast.inspector, cast.impostor]) {
                await expectRejected(h, () => grant(who, consentInput('c-1')), { code: 'FORBIDDEN' });
            }
            await expectRejected(h, () => grant(cast.physician, consentInput('c-1', { patientId: cast.patientId })), {
                code: 'FORBIDDEN',
            });
            const unenrolled = h.identity({ mspId: Hospital, role: 'patient', actorId: 'pat-unenrolled' });
            await expectRejected(h, () => grant(unenrolled, consentInput('c-1')), { code: 'NOT_FOUND' });
        });

        it('lets an active delegate grant for the patient, and no longer after the delegation ends', async () => {
            await h.submit(cast.patient, 'ehr:NameDelegate', [
                JSON.stringify({ mspId: Hospital, actorId: 'prac-hosp-0002', until: '2026-01-05T00:00:00Z' }),
            ]);
            const result = await grant(cast.physician2, consentInput('c-1', { patientId: cast.patientId }));
            expect(result.json<Consent>()).toMatchObject({
                patientId: cast.patientId,
                grantedBy: { mspId: Hospital, actorId: 'prac-hosp-0002', asDelegate: true },
            });
            await expectRejected(h, () => grant(cast.physician2, consentInput('c-2')), { code: 'FORBIDDEN' });
            h.setTime('2026-01-05T00:00:00Z');
            await expectRejected(h, () => grant(cast.physician2, consentInput('c-3', { patientId: cast.patientId })), {
                code: 'FORBIDDEN',
            });
        });

        it('rejects invalid input naming the field, and a reused id', async () => {
            await expectRejected(h, () => grant(cast.patient, '[]'), { code: 'INVALID_ARGUMENT', field: 'consent' });
            await expectRejected(h, () => grant(cast.patient, consentInput('c-1', { purposes: ['BTG'] })), {
                code: 'INVALID_ARGUMENT',
                field: 'consent.purposes[0]',
            });
            await expectRejected(
                h,
                () => grant(cast.patient, consentInput('c-1', { period: { end: '2025-12-01T00:00:00Z' } })),
                {
                    code: 'INVALID_ARGUMENT',
                    field: 'consent.period.end',
                },
            );
            await grant(cast.patient, consentInput('c-1'));
            await expectRejected(h, () => grant(cast.patient, consentInput('c-1')), {
                code: 'CONFLICT',
                field: 'consent.id',
            });
        });

        it('lists only live records of the granting patient', async () => {
            const listing = (recordIds: string[]) => consentInput('c-1', { scope: { kind: 'records', recordIds } });
            await expectRejected(h, () => grant(cast.patient, listing(['rec-1', 'rec-other'])), {
                code: 'INVALID_ARGUMENT',
                field: 'consent.scope.recordIds[1]',
            });
            await expectRejected(h, () => grant(cast.patient, listing(['rec-missing'])), {
                code: 'INVALID_ARGUMENT',
                field: 'consent.scope.recordIds[0]',
            });
            expect((await grant(cast.patient, listing(['rec-1']))).json<Consent>().scope).toEqual({
                kind: 'records',
                recordIds: ['rec-1'],
            });
        });

        it(`keeps at most ${MaxLiveConsentsPerGrantee} live consents per grantee and patient, pruning expired ones`, async () => {
            for (let i = 0; i < MaxLiveConsentsPerGrantee - 1; i++) {
                await grant(cast.patient, consentInput(`c-${i}`));
            }
            await grant(cast.patient, consentInput('c-short', { period: { end: '2026-01-02T00:00:00Z' } }));
            await expectRejected(h, () => grant(cast.patient, consentInput('c-over')), {
                code: 'CONFLICT',
                field: 'consent.grantee',
            });
            // Another grantee has its own allowance.
            await grant(
                cast.patient,
                consentInput('c-nurse', { grantee: { mspId: Hospital, actorId: 'prac-hosp-0101' } }),
            );
            h.setTime('2026-01-03T00:00:00Z');
            await grant(cast.patient, consentInput('c-after'));
            expect(
                h.getState(h.key('ehr.consent.byGrantee', Hospital, 'prac-hosp-0001', cast.patientId, 'c-short')),
            ).toBeUndefined();
            expect(h.getState(h.key('ehr.consent', 'c-short'))).toMatchObject({ id: 'c-short', status: 'active' });
        });
    });

    describe('RevokeConsent', () => {
        beforeEach(async () => {
            await grantConsent(h, cast.patient, 'c-1');
            h.advance(1000);
        });

        it('lets the patient revoke at once, keeping the consent and its history, and emits ehr.ConsentRevoked', async () => {
            const result = await h.submit(cast.patient, 'ehr-consent:RevokeConsent', ['c-1']);
            expect(result.json<Consent>()).toMatchObject({
                status: 'inactive',
                revokedAt: '2026-01-01T00:00:01.000Z',
                revokedBy: { mspId: Hospital, actorId: cast.patientId, asDelegate: false },
            });
            expect(result.event?.name).toBe('ehr.ConsentRevoked');
            expect(
                h.getState(h.key('ehr.consent.byGrantee', Hospital, 'prac-hosp-0001', cast.patientId, 'c-1')),
            ).toBeUndefined();
            expect(h.getState(h.key('ehr.consent.byPatient', cast.patientId, 'c-1'))).toEqual({ consentId: 'c-1' });
            expect(h.history(h.key('ehr.consent', 'c-1')).map((item) => (item.value as Consent).status)).toEqual([
                'inactive',
                'active',
            ]);
        });

        it('refuses the grantee, another patient and strangers', async () => {
            for (const who of [cast.physician, cast.patient2, cast.inspector, cast.hospitalAdmin]) {
                await expectRejected(h, () => h.submit(who, 'ehr-consent:RevokeConsent', ['c-1']), {
                    code: 'FORBIDDEN',
                });
            }
        });

        it('lets a delegate revoke; a second revoke is a conflict; unknown ids are not found', async () => {
            await h.submit(cast.patient, 'ehr:NameDelegate', [
                JSON.stringify({ mspId: Hospital, actorId: 'pat-2b9d51f0' }),
            ]);
            const result = await h.submit(cast.patient2, 'ehr-consent:RevokeConsent', ['c-1']);
            expect(result.json<Consent>().revokedBy).toEqual({
                mspId: Hospital,
                actorId: 'pat-2b9d51f0',
                asDelegate: true,
            });
            await expectRejected(h, () => h.submit(cast.patient, 'ehr-consent:RevokeConsent', ['c-1']), {
                code: 'CONFLICT',
                field: 'consentId',
            });
            await expectRejected(h, () => h.submit(cast.patient, 'ehr-consent:RevokeConsent', ['c-none']), {
                code: 'NOT_FOUND',
            });
            await expectRejected(h, () => h.submit(cast.patient, 'ehr-consent:RevokeConsent', ['']), {
                code: 'INVALID_ARGUMENT',
                field: 'consentId',
            });
        });
    });

    describe('queries', () => {
        beforeEach(async () => {
            await grantConsent(h, cast.patient, 'c-1');
            await grantConsent(h, cast.patient, 'c-2', { grantee: { mspId: 'ClinicMSP' }, purposes: ['HRESCH'] });
            await grantConsent(h, cast.patient, 'c-3', { period: { end: '2026-01-02T00:00:00Z' } });
            await h.submit(cast.patient, 'ehr-consent:RevokeConsent', ['c-1']);
        });

        const ids = (page: Page) => page.items.map((consent) => consent.id);

        it('gets a consent for its patient, grantee and regulators only', async () => {
            for (const who of [cast.patient, cast.physician, cast.inspector]) {
                expect((await h.evaluate(who, 'ehr-consent:GetConsent', ['c-1'])).json<Consent>().id).toBe('c-1');
            }
            expect((await h.evaluate(cast.clinicPhysician, 'ehr-consent:GetConsent', ['c-2'])).json<Consent>().id).toBe(
                'c-2',
            );
            for (const who of [cast.patient2, cast.physician2, cast.distributor]) {
                await expect(h.evaluate(who, 'ehr-consent:GetConsent', ['c-1'])).rejects.toMatchObject({
                    code: 'FORBIDDEN',
                });
            }
            await expect(h.evaluate(cast.patient, 'ehr-consent:GetConsent', ['c-9'])).rejects.toMatchObject({
                code: 'NOT_FOUND',
            });
        });

        it('lists the consent history of a patient, revoked included, for the patient and regulators', async () => {
            const mine = (
                await h.evaluate(cast.patient, 'ehr-consent:ListConsentsByPatient', ['', '2', ''])
            ).json<Page>();
            expect(ids(mine)).toEqual(['c-1', 'c-2']);
            const rest = (
                await h.evaluate(cast.patient, 'ehr-consent:ListConsentsByPatient', ['', '2', mine.bookmark])
            ).json<Page>();
            expect(ids(rest)).toEqual(['c-3']);
            const asInspector = (
                await h.evaluate(cast.inspector, 'ehr-consent:ListConsentsByPatient', [cast.patientId, '10', ''])
            ).json<Page>();
            expect(asInspector.items.map((consent) => [consent.id, consent.status])).toEqual([
                ['c-1', 'inactive'],
                ['c-2', 'active'],
                ['c-3', 'active'],
            ]);
            for (const who of [cast.patient2, cast.physician]) {
                await expect(
                    h.evaluate(who, 'ehr-consent:ListConsentsByPatient', [cast.patientId, '10', '']),
                ).rejects.toMatchObject({ code: 'FORBIDDEN' });
            }
        });

        it('lists live, unexpired consents by grantee for that grantee and regulators', async () => {
            const mine = { mspId: Hospital, actorId: 'prac-hosp-0001' };
            const before = (
                await h.evaluate(cast.physician, 'ehr-consent:ListConsentsByGrantee', [JSON.stringify(mine), '10', ''])
            ).json<Page>();
            expect(ids(before)).toEqual(['c-3']);
            h.setTime('2026-01-02T00:00:00Z');
            const after = (
                await h.evaluate(cast.inspector, 'ehr-consent:ListConsentsByGrantee', [JSON.stringify(mine), '10', ''])
            ).json<Page>();
            expect(ids(after)).toEqual([]);
            const clinic = (
                await h.evaluate(cast.clinicPhysician, 'ehr-consent:ListConsentsByGrantee', [
                    JSON.stringify({ mspId: 'ClinicMSP' }),
                    '10',
                    '',
                ])
            ).json<Page>();
            expect(ids(clinic)).toEqual(['c-2']);
            await expect(
                h.evaluate(cast.physician2, 'ehr-consent:ListConsentsByGrantee', [JSON.stringify(mine), '10', '']),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(
                h.evaluate(cast.physician, 'ehr-consent:ListConsentsByGrantee', [
                    JSON.stringify({ mspId: 'ClinicMSP' }),
                    '10',
                    '',
                ]),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(
                h.evaluate(cast.physician, 'ehr-consent:ListConsentsByGrantee', ['{}', '10', '']),
            ).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'grantee.mspId',
            });
        });
    });
});
