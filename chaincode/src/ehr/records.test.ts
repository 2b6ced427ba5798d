import { ContractHarness } from '@careledger/testing';
import {
    documentOf,
    ehrCast,
    expectRejected,
    grantConsent,
    Hospital,
    recordInput,
    registerRecord,
    storeLocation,
    type EhrCast,
} from '../../../test/fixtures/ehr';
import type { RecordPointer, StoredRecord } from './types';

const register = (h: ContractHarness, who: Parameters<ContractHarness['submit']>[0], input: unknown) =>
    h.submit(who, 'ehr:RegisterRecord', [typeof input === 'string' ? input : JSON.stringify(input)]);

describe('ehr record pointers', () => {
    let h: ContractHarness;
    let cast: EhrCast;

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
    });

    describe('RegisterRecord', () => {
        it('stores a DocumentReference-shaped pointer with custodian and author from the caller', async () => {
            const result = await register(h, cast.physician, recordInput('rec-1', cast.patientId));
            const document = documentOf('rec-1');
            const expected: RecordPointer = {
                id: 'rec-1',
                seriesId: 'rec-1',
                version: 1,
                patientId: cast.patientId,
                custodianMsp: Hospital,
                authorId: 'prac-hosp-0001',
                type: { system: 'http://loinc.org', code: '11506-3' },
                status: 'current',
                contentHash: document.contentHash,
                size: document.content.length,
                mediaType: 'application/pdf',
                locationDigest: document.locationDigest,
                date: '2026-01-01T00:00:00.000Z',
                updatedAt: '2026-01-01T00:00:00.000Z',
            };
            expect(result.json()).toEqual(expected);
            expect(h.getState(h.key('ehr.record', 'rec-1'))).toEqual(expected);
            expect(h.getState(h.key('ehr.record.byPatient', cast.patientId, Hospital, 'rec-1'))).toEqual({
                recordId: 'rec-1',
            });
            expect(h.getState(h.key('ehr.record.byCustodian', Hospital, 'rec-1'))).toEqual({ recordId: 'rec-1' });
            expect(result.event).toEqual({
                name: 'ehr.RecordRegistered',
                payload: {
                    recordId: 'rec-1',
                    seriesId: 'rec-1',
                    version: 1,
                    patientId: cast.patientId,
                    custodianMsp: Hospital,
                    typeCode: '11506-3',
                },
            });
        });

        it('keeps the location out of world state, arguments and events', async () => {
            const { location } = documentOf('rec-1');
            const result = await register(h, cast.nurse, recordInput('rec-1', cast.patientId));
            const stored = await storeLocation(h, cast.nurse, 'rec-1');
            const publicText = JSON.stringify(h.snapshot().public);
            expect(publicText).not.toContain(location);
            expect(JSON.stringify(result.event)).not.toContain(location);
            expect(JSON.stringify(stored.event)).not.toContain(location);
            expect(JSON.stringify(recordInput('rec-1', cast.patientId))).not.toContain(location);
            expect(h.getPrivateData('_implicit_org_HospitalMSP', h.key('ehr.location', 'rec-1'))).toEqual({
                recordId: 'rec-1',
                location,
                salt: documentOf('rec-1').salt,
            });
            expect(stored.event).toEqual({
                name: 'ehr.RecordLocationStored',
                payload: { recordId: 'rec-1', custodianMsp: Hospital, storedAt: '2026-01-01T00:00:00.000Z' },
            });
        });

        it.each([
            ['record', 'not json'],
            ['record.id', { id: 'bad id' }],
            ['record.patientId', { patientId: '' }],
            ['record.type', { type: 'Discharge summary' }],
            ['record.type.system', { type: { system: 'http://snomed.info/sct', code: '11506-3' } }],
            ['record.type.code', { type: { system: 'http://loinc.org', code: 'discharge' } }],
            ['record.contentHash', { contentHash: 'ABC' }],
            ['record.contentSha1', { contentSha1: 'a9993e364706816aba3e25717850c26c9cd0d89d' }],
            ['record.contentSha1', { contentSha1: 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0' }],
            ['record.size', { size: 0 }],
            ['record.size', { size: 1.5 }],
            ['record.mediaType', { mediaType: 'PDF' }],
            ['record.locationDigest', { locationDigest: 'https://docs.hospital.example/x.pdf' }],
        ])('rejects an invalid %s', async (field, override) => {
            const input = typeof override === 'string' ? override : recordInput('rec-1', cast.patientId, override);
            await expectRejected(h, () => register(h, cast.physician, input), { code: 'INVALID_ARGUMENT', field });
        });

        it('keeps the SHA-1 (base64, FHIR Attachment.hash) when the registrant sends it', async () => {
            const sha1 = 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=';
            const result = await register(
                h,
                cast.physician,
                recordInput('rec-1', cast.patientId, { contentSha1: sha1 }),
            );
            expect(result.json()).toMatchObject({ id: 'rec-1', contentSha1: sha1 });
            expect(h.getState(h.key('ehr.record', 'rec-1'))).toMatchObject({ contentSha1: sha1 });
        });

        it('refuses free text and unknown fields, which Fabric would keep in every block (#17 finding 2)', async () => {
            const label = 'Discharge summary of Jane Roe, MRN 0012345';
            const withDisplay = recordInput('rec-1', cast.patientId, {
                type: { system: 'http://loinc.org', code: '18842-5', display: label },
            });
            await expectRejected(h, () => register(h, cast.physician, withDisplay), {
                code: 'INVALID_ARGUMENT',
                field: 'record.type.display',
            });
            await expectRejected(
                h,
                () => register(h, cast.physician, recordInput('rec-1', cast.patientId, { note: label })),
                {
                    code: 'INVALID_ARGUMENT',
                    field: 'record.note',
                },
            );
            await register(h, cast.physician, recordInput('rec-1', cast.patientId));
            const amended = {
                ...recordInput('rec-2', cast.patientId, { previousId: 'rec-1', title: label }),
            } as Record<string, unknown>;
            delete amended.patientId;
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:AmendRecord', [JSON.stringify(amended)]), {
                code: 'INVALID_ARGUMENT',
                field: 'record.title',
            });
        });

        it('is for clinicians only', async () => {
            for (const who of [cast.patient, cast.hospitalAdmin, cast.pharmacist, cast.distributor, cast.inspector]) {
                await expectRejected(h, () => register(h, who, recordInput('rec-1', cast.patientId)), {
                    code: 'FORBIDDEN',
                });
            }
        });

        it('requires a valid licence (credential gate)', async () => {
            await expectRejected(h, () => register(h, cast.unlicensedPhysician, recordInput('rec-1', cast.patientId)), {
                code: 'FORBIDDEN',
            });
        });

        it('requires an enrolled patient and a fresh id', async () => {
            await expectRejected(h, () => register(h, cast.physician, recordInput('rec-1', 'pat-unknown')), {
                code: 'NOT_FOUND',
            });
            await register(h, cast.physician, recordInput('rec-1', cast.patientId));
            await expectRejected(h, () => register(h, cast.physician, recordInput('rec-1', cast.patientId)), {
                code: 'CONFLICT',
                field: 'record.id',
            });
        });
    });

    describe('StoreRecordLocation', () => {
        beforeEach(async () => {
            await register(h, cast.physician, recordInput('rec-1', cast.patientId));
        });

        const store = (
            who: Parameters<ContractHarness['submit']>[0],
            transient: Record<string, string>,
            recordId = 'rec-1',
        ) => h.submit(who, 'ehr:StoreRecordLocation', [recordId], { transient, endorsers: [Hospital] });

        it('needs location and salt in transient data', async () => {
            const { location, salt } = documentOf('rec-1');
            await expectRejected(h, () => store(cast.physician, { salt }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.location',
            });
            await expectRejected(h, () => store(cast.physician, { location }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.salt',
            });
            await expectRejected(h, () => store(cast.physician, { location: 'not a uri', salt }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.location',
            });
            await expectRejected(h, () => store(cast.physician, { location, salt: 'short' }), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.salt',
            });
        });

        it('refuses a location that does not match the registered digest', async () => {
            const { salt } = documentOf('rec-1');
            await expectRejected(
                h,
                () => store(cast.physician, { location: 'https://elsewhere.example/x.pdf', salt }),
                {
                    code: 'INVALID_ARGUMENT',
                    field: 'transient.location',
                },
            );
        });

        it('is for licensed clinicians of the custodian only', async () => {
            const { location, salt } = documentOf('rec-1');
            await expectRejected(h, () => store(cast.hospitalAdmin, { location, salt }), { code: 'FORBIDDEN' });
            await expectRejected(h, () => store(cast.unlicensedPhysician, { location, salt }), { code: 'FORBIDDEN' });
            await expectRejected(
                h,
                () =>
                    h.submit(cast.clinicPhysician, 'ehr:StoreRecordLocation', ['rec-1'], {
                        transient: { location, salt },
                    }),
                { code: 'FORBIDDEN' },
            );
            await expectRejected(h, () => store(cast.physician, { location, salt }, 'rec-unknown'), {
                code: 'NOT_FOUND',
            });
        });
    });

    describe('AmendRecord', () => {
        const amendInput = (id: string, previousId: string, overrides: Record<string, unknown> = {}) => {
            // JSON drops the undefined patientId: an amendment takes the patient from the previous version.
            return JSON.stringify({ ...recordInput(id, 'unused', overrides), patientId: undefined, previousId });
        };

        beforeEach(async () => {
            await registerRecord(h, cast.physician, cast.patientId, 'rec-1');
            h.advance(60_000);
        });

        it('creates version 2 replacing version 1, which becomes superseded and stays verifiable', async () => {
            const result = await h.submit(cast.nurse, 'ehr:AmendRecord', [amendInput('rec-1-v2', 'rec-1')]);
            const v2 = result.json<RecordPointer>();
            expect(v2).toMatchObject({
                id: 'rec-1-v2',
                seriesId: 'rec-1',
                version: 2,
                patientId: cast.patientId,
                custodianMsp: Hospital,
                authorId: 'prac-hosp-0101',
                status: 'current',
                relatesTo: { code: 'replaces', targetId: 'rec-1' },
                date: '2026-01-01T00:01:00.000Z',
            });
            const v1 = h.getState<RecordPointer>(h.key('ehr.record', 'rec-1'));
            expect(v1).toMatchObject({
                status: 'superseded',
                updatedAt: '2026-01-01T00:01:00.000Z',
                contentHash: documentOf('rec-1').contentHash,
            });
            expect(result.event).toEqual({
                name: 'ehr.RecordAmended',
                payload: {
                    recordId: 'rec-1-v2',
                    seriesId: 'rec-1',
                    version: 2,
                    patientId: cast.patientId,
                    custodianMsp: Hospital,
                    typeCode: '11506-3',
                    replaces: 'rec-1',
                },
            });
            expect(h.getPrivateData('_implicit_org_HospitalMSP', h.key('ehr.location', 'rec-1'))).toBeDefined();
        });

        it('amends only the current version', async () => {
            await h.submit(cast.nurse, 'ehr:AmendRecord', [amendInput('rec-1-v2', 'rec-1')]);
            await expectRejected(
                h,
                () => h.submit(cast.physician, 'ehr:AmendRecord', [amendInput('rec-1-v3', 'rec-1')]),
                {
                    code: 'CONFLICT',
                    field: 'record.previousId',
                },
            );
        });

        it('rejects bad input, unknown or reused ids', async () => {
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:AmendRecord', [amendInput('rec-1', 'rec-1')]), {
                code: 'INVALID_ARGUMENT',
                field: 'record.id',
            });
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:AmendRecord', [amendInput('rec-2', '')]), {
                code: 'INVALID_ARGUMENT',
                field: 'record.previousId',
            });
            await expectRejected(
                h,
                () => h.submit(cast.physician, 'ehr:AmendRecord', [amendInput('rec-2', 'rec-1', { size: -1 })]),
                {
                    code: 'INVALID_ARGUMENT',
                    field: 'record.size',
                },
            );
            await expectRejected(
                h,
                () => h.submit(cast.physician, 'ehr:AmendRecord', [amendInput('rec-2', 'rec-unknown')]),
                {
                    code: 'NOT_FOUND',
                },
            );
            await registerRecord(h, cast.physician, cast.patientId, 'rec-2');
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:AmendRecord', [amendInput('rec-2', 'rec-1')]), {
                code: 'CONFLICT',
                field: 'record.id',
            });
        });

        it('is for licensed clinicians of the custodian only', async () => {
            for (const who of [cast.patient, cast.clinicPhysician, cast.unlicensedPhysician, cast.hospitalAdmin]) {
                await expectRejected(h, () => h.submit(who, 'ehr:AmendRecord', [amendInput('rec-1-v2', 'rec-1')]), {
                    code: 'FORBIDDEN',
                });
            }
        });
    });

    describe('queries', () => {
        beforeEach(async () => {
            await registerRecord(h, cast.physician, cast.patientId, 'rec-a', {
                type: { system: 'http://loinc.org', code: '11506-3' },
            });
            await registerRecord(h, cast.physician, cast.patientId, 'rec-b', {
                type: { system: 'http://loinc.org', code: '18842-5' },
            });
            await registerRecord(h, cast.physician, cast.patient2Id, 'rec-c');
        });

        type Page = { items: StoredRecord[]; bookmark: string };
        const ids = (page: Page) => page.items.map((record) => record.id);

        it('lists a patient records for the patient (own id by default), paginated', async () => {
            const first = (await h.evaluate(cast.patient, 'ehr:ListRecordsByPatient', ['', '1', ''])).json<Page>();
            expect(ids(first)).toEqual(['rec-a']);
            const second = (
                await h.evaluate(cast.patient, 'ehr:ListRecordsByPatient', ['', '1', first.bookmark])
            ).json<Page>();
            expect(ids(second)).toEqual(['rec-b']);
            const all = (
                await h.evaluate(cast.patient, 'ehr:ListRecordsByPatient', [cast.patientId, '10', ''])
            ).json<Page>();
            expect(ids(all)).toEqual(['rec-a', 'rec-b']);
            expect(all.bookmark).toBe('');
        });

        it('lists for regulators and delegates, and for clinicians only what a consent valid now covers', async () => {
            const asInspector = (
                await h.evaluate(cast.inspector, 'ehr:ListRecordsByPatient', [cast.patientId, '10', ''])
            ).json<Page>();
            expect(ids(asInspector)).toEqual(['rec-a', 'rec-b']);
            await h.submit(cast.patient, 'ehr:NameDelegate', [
                JSON.stringify({ mspId: Hospital, actorId: 'pat-2b9d51f0' }),
            ]);
            const asDelegate = (
                await h.evaluate(cast.patient2, 'ehr:ListRecordsByPatient', [cast.patientId, '10', ''])
            ).json<Page>();
            expect(ids(asDelegate)).toEqual(['rec-a', 'rec-b']);

            await expect(
                h.evaluate(cast.physician, 'ehr:ListRecordsByPatient', [cast.patientId, '10', '']),
            ).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            await grantConsent(h, cast.patient, 'c-type', { scope: { kind: 'type', typeCode: '18842-5' } });
            const asPhysician = (
                await h.evaluate(cast.physician, 'ehr:ListRecordsByPatient', [cast.patientId, '10', ''])
            ).json<Page>();
            expect(ids(asPhysician)).toEqual(['rec-b']);
            h.setTime('2026-03-01T00:00:00Z');
            await expect(
                h.evaluate(cast.physician, 'ehr:ListRecordsByPatient', [cast.patientId, '10', '']),
            ).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            await expect(
                h.evaluate(cast.patient2, 'ehr:ListRecordsByPatient', ['bad id', '10', '']),
            ).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'patientId',
            });
        });

        it('an org-wide consent reaches only licensed clinicians of that org (#17 finding 5)', async () => {
            await grantConsent(h, cast.patient, 'c-org', { grantee: { mspId: Hospital } });
            const asNurse = (
                await h.evaluate(cast.nurse, 'ehr:ListRecordsByPatient', [cast.patientId, '10', ''])
            ).json<Page>();
            expect(ids(asNurse)).toEqual(['rec-a', 'rec-b']);
            expect((await h.evaluate(cast.nurse, 'ehr-consent:GetConsent', ['c-org'])).json()).toMatchObject({
                id: 'c-org',
            });
            const orgGrantee = JSON.stringify({ mspId: Hospital });
            for (const who of [cast.patient2, cast.pharmacist, cast.hospitalAdmin, cast.unlicensedPhysician]) {
                await expect(
                    h.evaluate(who, 'ehr:ListRecordsByPatient', [cast.patientId, '10', '']),
                ).rejects.toMatchObject({ code: 'FORBIDDEN' });
                await expect(h.evaluate(who, 'ehr-consent:GetConsent', ['c-org'])).rejects.toMatchObject({
                    code: 'FORBIDDEN',
                });
                await expect(
                    h.evaluate(who, 'ehr-consent:ListConsentsByGrantee', [orgGrantee, '10', '']),
                ).rejects.toMatchObject({ code: 'FORBIDDEN' });
            }
            const denied = (
                await h.submit(cast.unlicensedPhysician, 'ehr-access:AccessRecord', ['rec-a', 'TREAT'])
            ).json<{
                allowed: boolean;
            }>();
            expect(denied.allowed).toBe(false);
        });

        it('lists by custodian for its staff and regulators only', async () => {
            const asStaff = (
                await h.evaluate(cast.hospitalAdmin, 'ehr:ListRecordsByCustodian', ['', '10', ''])
            ).json<Page>();
            expect(ids(asStaff)).toEqual(['rec-a', 'rec-b', 'rec-c']);
            const asInspector = (
                await h.evaluate(cast.inspector, 'ehr:ListRecordsByCustodian', [Hospital, '2', ''])
            ).json<Page>();
            expect(ids(asInspector)).toEqual(['rec-a', 'rec-b']);
            expect(asInspector.bookmark).not.toBe('');
            for (const who of [cast.patient, cast.clinicPhysician, cast.distributor]) {
                await expect(h.evaluate(who, 'ehr:ListRecordsByCustodian', [Hospital, '10', ''])).rejects.toMatchObject(
                    { code: 'FORBIDDEN' },
                );
            }
        });

        it('gets one pointer for its patient, custodian staff and regulators, never for others', async () => {
            for (const who of [cast.patient, cast.nurse, cast.inspector]) {
                expect((await h.evaluate(who, 'ehr:GetRecord', ['rec-a'])).json<RecordPointer>().id).toBe('rec-a');
            }
            for (const who of [cast.patient2, cast.clinicPhysician, cast.distributor]) {
                await expect(h.evaluate(who, 'ehr:GetRecord', ['rec-a'])).rejects.toMatchObject({ code: 'FORBIDDEN' });
            }
            await expect(h.evaluate(cast.patient, 'ehr:GetRecord', ['rec-zzz'])).rejects.toMatchObject({
                code: 'NOT_FOUND',
            });
        });
    });
});
