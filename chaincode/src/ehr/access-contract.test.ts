import { ContractHarness, type HarnessIdentity } from '@careledger/testing';
import {
    documentOf,
    ehrCast,
    expectRejected,
    grantConsent,
    Hospital,
    registerRecord,
    storeLocation,
    type EhrCast,
} from '../../../test/fixtures/ehr';
import { saltedDigest } from './location';
import type { AccessResult, AuditEntry, LocationGrant } from './types';

type Page = { items: AuditEntry[]; bookmark: string };

describe('ehr-access contract', () => {
    let h: ContractHarness;
    let cast: EhrCast;

    const access = async (who: HarnessIdentity, recordId = 'rec-1', purpose = 'TREAT') => {
        const result = await h.submit(who, 'ehr-access:AccessRecord', [recordId, purpose]);
        return { result, access: result.json<AccessResult>() };
    };
    const reason = 'Unresponsive on arrival; allergy history needed before anaesthesia.';
    const salt = 'ab'.repeat(16);
    const breakGlass = (
        who: HarnessIdentity,
        transient: Record<string, string> = { reason, salt },
        code = 'unconscious',
    ) => h.submit(who, 'ehr-access:BreakGlassAccess', ['rec-1', code], { transient });
    const location = (who: HarnessIdentity, auditId: string, endorsers?: string[]) =>
        h.evaluate(who, 'ehr-access:GetRecordLocation', ['rec-1', auditId], endorsers ? { endorsers } : {});

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
        await registerRecord(h, cast.physician2, cast.patientId, 'rec-1');
    });

    describe('AccessRecord', () => {
        it('allows a consented, licensed physician, records an AuditEvent under three keys and emits ehr.RecordAccessed', async () => {
            await grantConsent(h, cast.patient, 'c-1');
            h.advance(5000);
            const { result, access: outcome } = await access(cast.physician);
            const expected: AuditEntry = {
                id: result.txId,
                type: {
                    system: 'http://dicom.nema.org/resources/ontology/DCM',
                    code: '110110',
                    display: 'Patient Record',
                },
                action: 'R',
                recorded: '2026-01-01T00:00:05.000Z',
                outcome: '0',
                purposeOfEvent: 'TREAT',
                agent: { mspId: Hospital, actorId: 'prac-hosp-0001', role: 'physician', requestor: true },
                entity: { recordId: 'rec-1', patientId: cast.patientId, custodianMsp: Hospital },
                consentId: 'c-1',
                emergency: false,
            };
            expect(outcome.allowed).toBe(true);
            expect(outcome.audit).toEqual(expected);
            expect(outcome.record).toMatchObject({ id: 'rec-1', locationDigest: documentOf('rec-1').locationDigest });
            expect(h.getState(h.key('ehr.audit', result.txId))).toEqual(expected);
            expect(h.getState(h.key('ehr.audit.byRecord', 'rec-1', expected.recorded, result.txId))).toEqual(expected);
            expect(h.getState(h.key('ehr.audit.byPatient', cast.patientId, expected.recorded, result.txId))).toEqual(
                expected,
            );
            expect(result.event).toEqual({
                name: 'ehr.RecordAccessed',
                payload: {
                    auditId: result.txId,
                    recordId: 'rec-1',
                    patientId: cast.patientId,
                    custodianMsp: Hospital,
                    agent: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                    purpose: 'TREAT',
                    outcome: '0',
                    emergency: false,
                },
            });
        });

        it('denies after the consent expires by transaction time, and records the denial', async () => {
            await grantConsent(h, cast.patient, 'c-1', { period: { end: '2026-01-01T01:00:00Z' } });
            h.setTime('2026-01-01T00:59:59.999Z');
            expect((await access(cast.physician)).access.allowed).toBe(true);
            h.setTime('2026-01-01T01:00:00Z');
            const { result, access: outcome } = await access(cast.physician);
            expect(outcome).toEqual({
                allowed: false,
                audit: expect.objectContaining({ outcome: '4', outcomeDesc: 'consent-expired' }),
            });
            expect(outcome.record).toBeUndefined();
            expect(h.getState(h.key('ehr.audit', result.txId))).toMatchObject({
                outcome: '4',
                outcomeDesc: 'consent-expired',
            });
            expect(result.event).toMatchObject({
                name: 'ehr.AccessDenied',
                payload: { outcome: '4', reason: 'consent-expired' },
            });
        });

        it('denies before the consent starts', async () => {
            await grantConsent(h, cast.patient, 'c-1', {
                period: { start: '2026-01-02T00:00:00Z', end: '2026-02-01T00:00:00Z' },
            });
            expect((await access(cast.physician)).access.audit.outcomeDesc).toBe('consent-not-yet-valid');
        });

        it('denies once the consent is revoked', async () => {
            await grantConsent(h, cast.patient, 'c-1');
            expect((await access(cast.physician)).access.allowed).toBe(true);
            await h.submit(cast.patient, 'ehr-consent:RevokeConsent', ['c-1']);
            expect((await access(cast.physician)).access.audit).toMatchObject({
                outcome: '4',
                outcomeDesc: 'no-consent',
            });
        });

        it('denies a purpose the consent does not permit', async () => {
            await grantConsent(h, cast.patient, 'c-1', { purposes: ['HRESCH'] });
            expect((await access(cast.physician, 'rec-1', 'TREAT')).access.audit.outcomeDesc).toBe(
                'purpose-not-permitted',
            );
            expect((await access(cast.physician, 'rec-1', 'HRESCH')).access.allowed).toBe(true);
        });

        it('admits any licensed clinician of a consented org, and nobody of another org', async () => {
            await grantConsent(h, cast.patient, 'c-org', { grantee: { mspId: Hospital } });
            expect((await access(cast.nurse)).access).toMatchObject({ allowed: true, audit: { consentId: 'c-org' } });
            expect((await access(cast.clinicPhysician)).access.audit.outcomeDesc).toBe('no-consent');
        });

        it('follows the scope: a LOINC type, or a listed series that later versions join', async () => {
            await grantConsent(h, cast.patient, 'c-type', { scope: { kind: 'type', typeCode: '18842-5' } });
            expect((await access(cast.physician)).access.audit.outcomeDesc).toBe('no-consent');
            await grantConsent(h, cast.patient, 'c-list', { scope: { kind: 'records', recordIds: ['rec-1'] } });
            const document = documentOf('rec-1-v2');
            await h.submit(cast.physician2, 'ehr:AmendRecord', [
                JSON.stringify({
                    id: 'rec-1-v2',
                    previousId: 'rec-1',
                    type: { system: 'http://loinc.org', code: '11506-3' },
                    contentHash: document.contentHash,
                    size: document.content.length,
                    mediaType: 'application/pdf',
                    locationDigest: document.locationDigest,
                }),
            ]);
            await storeLocation(h, cast.physician2, 'rec-1-v2');
            expect((await access(cast.physician, 'rec-1-v2')).access).toMatchObject({
                allowed: true,
                audit: { consentId: 'c-list' },
            });
            expect((await access(cast.physician, 'rec-1')).access.allowed).toBe(true);
        });

        it('lets the patient read their own records, and their location, without consent', async () => {
            const { access: outcome } = await access(cast.patient, 'rec-1', 'PATRQT');
            expect(outcome).toMatchObject({
                allowed: true,
                audit: { agent: { actorId: cast.patientId, role: 'patient' } },
            });
            expect(outcome.audit.consentId).toBeUndefined();
            const grant = (await location(cast.patient, outcome.audit.id)).json<LocationGrant>();
            expect(grant.location).toBe(documentOf('rec-1').location);
        });

        it('records denials for non-clinicians, regulators, other patients and unlicensed clinicians', async () => {
            await grantConsent(h, cast.patient, 'c-all-org', { grantee: { mspId: 'DistributorMSP' } });
            await grantConsent(h, cast.patient, 'c-reg', { grantee: { mspId: 'RegulatorMSP' } });
            await grantConsent(h, cast.patient, 'c-hosp', { grantee: { mspId: Hospital } });
            const cases: Array<[HarnessIdentity, string]> = [
                [cast.distributor, 'not-a-clinician'],
                [cast.inspector, 'regulator'],
                [cast.regulatorPhysician, 'regulator'],
                [cast.patient2, 'not-a-clinician'],
                [cast.impostor, 'not-a-clinician'],
                [cast.hospitalAdmin, 'not-a-clinician'],
                [cast.pharmacist, 'not-a-clinician'],
                [cast.unlicensedPhysician, 'credential-invalid'],
            ];
            for (const [who, reasonCode] of cases) {
                const { result, access: outcome } = await access(who);
                expect([who.name, outcome.allowed, outcome.audit.outcomeDesc]).toEqual([who.name, false, reasonCode]);
                expect(h.getState(h.key('ehr.audit', result.txId))).toEqual(outcome.audit);
            }
        });

        it('rejects invalid input, unknown records and unattributable callers without recording anything', async () => {
            await expectRejected(h, () => h.submit(cast.physician, 'ehr-access:AccessRecord', ['', 'TREAT']), {
                code: 'INVALID_ARGUMENT',
                field: 'recordId',
            });
            await expectRejected(h, () => h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-1', 'BTG']), {
                code: 'INVALID_ARGUMENT',
                field: 'purpose',
            });
            await expectRejected(h, () => h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-1', 'curiosity']), {
                code: 'INVALID_ARGUMENT',
                field: 'purpose',
            });
            await expectRejected(h, () => h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-none', 'TREAT']), {
                code: 'NOT_FOUND',
            });
            await expectRejected(h, () => h.submit(cast.noActorId, 'ehr-access:AccessRecord', ['rec-1', 'TREAT']), {
                code: 'FORBIDDEN',
            });
        });
    });

    describe('BreakGlassAccess', () => {
        it('allows a licensed clinician without consent, flags the entry and emits ehr.EmergencyAccess', async () => {
            const result = await breakGlass(cast.physician);
            const outcome = result.json<AccessResult>();
            expect(outcome.allowed).toBe(true);
            expect(outcome.audit).toEqual({
                id: result.txId,
                type: {
                    system: 'http://dicom.nema.org/resources/ontology/DCM',
                    code: '110113',
                    display: 'Security Alert',
                },
                subtype: {
                    system: 'http://dicom.nema.org/resources/ontology/DCM',
                    code: '110127',
                    display: 'Emergency Override Started',
                },
                action: 'R',
                recorded: '2026-01-01T00:00:00.000Z',
                outcome: '0',
                purposeOfEvent: 'BTG',
                agent: { mspId: Hospital, actorId: 'prac-hosp-0001', role: 'physician', requestor: true },
                entity: { recordId: 'rec-1', patientId: cast.patientId, custodianMsp: Hospital },
                emergency: true,
                reasonCode: 'unconscious',
                reasonDigest: saltedDigest(salt, reason),
                careRelationship: 'custodian',
            });
            expect(result.event).toEqual({
                name: 'ehr.EmergencyAccess',
                payload: {
                    auditId: result.txId,
                    recordId: 'rec-1',
                    patientId: cast.patientId,
                    custodianMsp: Hospital,
                    agent: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                    purpose: 'BTG',
                    outcome: '0',
                    emergency: true,
                    reasonCode: 'unconscious',
                    alert: {
                        careRelationship: 'custodian',
                        readsThisHour: 1,
                        readsToday: 1,
                        patientsToday: 1,
                        limited: false,
                    },
                },
            });
            expect(JSON.stringify(h.snapshot())).not.toContain('Unresponsive');
            const grant = (await location(cast.physician, result.txId)).json<LocationGrant>();
            expect(grant.location).toBe(documentOf('rec-1').location);
        });

        it('records a denied, flagged attempt by a non-clinician or an unlicensed clinician', async () => {
            for (const [who, reasonCode] of [
                [cast.distributor, 'not-a-clinician'],
                [cast.unlicensedPhysician, 'credential-invalid'],
                [cast.inspector, 'regulator'],
            ] as const) {
                const result = await breakGlass(who);
                expect(result.json<AccessResult>()).toMatchObject({
                    allowed: false,
                    audit: { outcome: '4', outcomeDesc: reasonCode, emergency: true, type: { code: '110113' } },
                });
                expect(result.event).toMatchObject({
                    name: 'ehr.AccessDenied',
                    payload: { emergency: true, reason: reasonCode },
                });
            }
        });

        it('requires a reason, a salt and a reason category', async () => {
            await expectRejected(h, () => breakGlass(cast.physician, { salt }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.reason',
            });
            await expectRejected(h, () => breakGlass(cast.physician, { reason: 'urgent', salt }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.reason',
            });
            await expectRejected(h, () => breakGlass(cast.physician, { reason }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.salt',
            });
            await expectRejected(h, () => breakGlass(cast.physician, { reason, salt }, 'curiosity'), {
                code: 'INVALID_ARGUMENT',
                field: 'reasonCode',
            });
        });
    });

    describe('GetRecordLocation', () => {
        let auditId: string;

        beforeEach(async () => {
            await grantConsent(h, cast.patient, 'c-1');
            auditId = (await access(cast.physician)).result.txId;
        });

        it('releases the location on a custodian peer to the agent of a recent allowed access', async () => {
            h.advance(9 * 60_000);
            expect((await location(cast.physician, auditId)).json<LocationGrant>()).toEqual({
                recordId: 'rec-1',
                auditId,
                location: documentOf('rec-1').location,
                contentHash: documentOf('rec-1').contentHash,
                mediaType: 'application/pdf',
            });
        });

        it('refuses after the window, to other callers, for denied accesses and on peers that do not hold it', async () => {
            await expect(location(cast.physician, auditId, ['DistributorMSP'])).rejects.toMatchObject({
                code: 'NOT_FOUND',
            });
            await expect(location(cast.physician2, auditId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(location(cast.physician, 'no-such-entry')).rejects.toMatchObject({ code: 'FORBIDDEN' });
            const denied = (await access(cast.nurse)).result.txId;
            await expect(location(cast.nurse, denied)).rejects.toMatchObject({ code: 'FORBIDDEN' });
            h.advance(10 * 60_000 + 1);
            await expect(location(cast.physician, auditId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
        });

        it('never gives a location to the regulator', async () => {
            const asInspector = (await access(cast.inspector)).result.txId;
            await expect(location(cast.inspector, asInspector, [Hospital])).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
        });
    });

    describe('audit trail queries', () => {
        let entries: string[];

        beforeEach(async () => {
            await grantConsent(h, cast.patient, 'c-1');
            await registerRecord(h, cast.physician2, cast.patientId, 'rec-2');
            entries = [];
            for (const [who, recordId] of [
                [cast.physician, 'rec-1'],
                [cast.distributor, 'rec-1'],
                [cast.physician, 'rec-2'],
            ] as const) {
                h.advance(1000);
                entries.push((await access(who, recordId)).result.txId);
            }
        });

        const ids = (page: Page) => page.items.map((entry) => entry.id);

        it('lists every access to a patient records, oldest first, for the patient and regulators, without locations', async () => {
            const mine = (await h.evaluate(cast.patient, 'ehr-access:ListAuditByPatient', ['', '2', ''])).json<Page>();
            expect(ids(mine)).toEqual(entries.slice(0, 2));
            const rest = (
                await h.evaluate(cast.patient, 'ehr-access:ListAuditByPatient', ['', '2', mine.bookmark])
            ).json<Page>();
            expect(ids(rest)).toEqual(entries.slice(2));
            const asInspector = (
                await h.evaluate(cast.inspector, 'ehr-access:ListAuditByPatient', [cast.patientId, '10', ''])
            ).payload;
            expect(JSON.parse(asInspector).items.map((entry: AuditEntry) => entry.outcome)).toEqual(['0', '4', '0']);
            expect(asInspector).not.toContain(documentOf('rec-1').location);
            for (const who of [cast.physician, cast.patient2, cast.hospitalAdmin]) {
                await expect(
                    h.evaluate(who, 'ehr-access:ListAuditByPatient', [cast.patientId, '10', '']),
                ).rejects.toMatchObject({
                    code: 'FORBIDDEN',
                });
            }
        });

        it('lists the accesses to one record for the patient, custodian staff and regulators', async () => {
            for (const who of [cast.patient, cast.hospitalAdmin, cast.inspector]) {
                const page = (await h.evaluate(who, 'ehr-access:ListAuditByRecord', ['rec-1', '10', ''])).json<Page>();
                expect(ids(page)).toEqual(entries.slice(0, 2));
            }
            for (const who of [cast.clinicPhysician, cast.distributor, cast.patient2]) {
                await expect(
                    h.evaluate(who, 'ehr-access:ListAuditByRecord', ['rec-1', '10', '']),
                ).rejects.toMatchObject({
                    code: 'FORBIDDEN',
                });
            }
        });

        it('gets one entry for its agent and the trail readers, not for others', async () => {
            for (const who of [cast.distributor, cast.patient, cast.inspector]) {
                expect((await h.evaluate(who, 'ehr-access:GetAuditEntry', [entries[1]])).json<AuditEntry>().id).toBe(
                    entries[1],
                );
            }
            await expect(
                h.evaluate(cast.clinicPhysician, 'ehr-access:GetAuditEntry', [entries[1]]),
            ).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            await expect(h.evaluate(cast.patient, 'ehr-access:GetAuditEntry', ['nope'])).rejects.toMatchObject({
                code: 'NOT_FOUND',
            });
        });
    });
});
