import { ContractHarness } from '@careledger/testing';
import {
    consentInput,
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
import { MaxConsentsPerBatch, MaxRecordsPerBatch } from './batch';
import { MaxLiveConsentsPerGrantee } from './consent-store';
import { mayReceiveEhrEvent } from './event-audience';
import type { Consent, CustodianViewOfRecord, RecordPointer } from './types';

type Page<T> = { items: T[]; bookmark: string };

/**
 * The two-step pointer made safe (a `pending` pointer until its location commits, visible to the
 * custodian, refused to everyone else, cancellable by the custodian) and the bulk transactions
 * (RegisterRecords, StoreRecordLocations, GrantConsents): a bad item names itself and writes nothing.
 */
describe('pending pointers and bulk EHR transactions', () => {
    let h: ContractHarness;
    let cast: EhrCast;

    const registerOnly = (id: string, patientId = cast.patientId, author = cast.physician) =>
        h.submit(author, 'ehr:RegisterRecord', [JSON.stringify(recordInput(id, patientId))]);
    const pendingOf = async (who = cast.physician) =>
        (await h.evaluate(who, 'ehr:ListPendingRecords', ['', ''])).json<Page<CustodianViewOfRecord>>().items;
    const registerBatch = (records: unknown[], who = cast.physician) =>
        h.submit(who, 'ehr:RegisterRecords', [JSON.stringify({ records })]);
    const storeBatch = (ids: string[], locations: unknown[], who = cast.physician) =>
        h.submit(who, 'ehr:StoreRecordLocations', [JSON.stringify({ recordIds: ids })], {
            transient: { locations: JSON.stringify(locations) },
            endorsers: [who.mspId],
        });
    const grantee = (actorId: string) => ({ grantee: { mspId: Hospital, actorId } });
    const locationsOf = (ids: string[]) =>
        ids.map((id) => ({ location: documentOf(id).location, salt: documentOf(id).salt }));

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
    });

    describe('a pointer whose location never committed', () => {
        beforeEach(async () => {
            await grantConsent(h, cast.patient, 'c-1');
            await registerOnly('rec-p');
        });

        it('is pending for the custodian and listed for its staff, until its location commits', async () => {
            const asCustodian = (
                await h.evaluate(cast.nurse, 'ehr:GetRecord', ['rec-p'])
            ).json<CustodianViewOfRecord>();
            expect(asCustodian).toMatchObject({ id: 'rec-p', pending: true });
            expect((await pendingOf(cast.hospitalAdmin)).map((r) => r.id)).toEqual(['rec-p']);
            const byCustodian = await h.evaluate(cast.physician, 'ehr:ListRecordsByCustodian', ['', '', '']);
            expect(byCustodian.json<Page<CustodianViewOfRecord>>().items).toEqual([
                expect.objectContaining({ id: 'rec-p', pending: true }),
            ]);

            await storeLocation(h, cast.physician, 'rec-p');
            expect(await pendingOf()).toEqual([]);
            const stored = (await h.evaluate(cast.patient, 'ehr:GetRecord', ['rec-p'])).json<CustodianViewOfRecord>();
            expect(stored.pending).toBeUndefined();
        });

        it('is refused to every other reader: the patient, regulators, lists, and an audited access writes nothing', async () => {
            await expect(h.evaluate(cast.patient, 'ehr:GetRecord', ['rec-p'])).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'recordId',
            });
            await expect(h.evaluate(cast.inspector, 'ehr:GetRecord', ['rec-p'])).rejects.toMatchObject({
                code: 'CONFLICT',
            });
            const listed = await h.evaluate(cast.patient, 'ehr:ListRecordsByPatient', ['', '', '']);
            expect(listed.json<Page<RecordPointer>>().items).toEqual([]);
            const regulatorView = await h.evaluate(cast.inspector, 'ehr:ListRecordsByCustodian', [Hospital, '', '']);
            expect(regulatorView.json<Page<RecordPointer>>().items).toEqual([]);
            await expectRejected(h, () => h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-p', 'TREAT']), {
                code: 'CONFLICT',
                field: 'recordId',
            });
            await expectRejected(
                h,
                () =>
                    h.submit(cast.clinicPhysician, 'ehr-access:BreakGlassAccess', ['rec-p', 'unconscious'], {
                        transient: { reason: 'Unresponsive, allergy history needed now.', salt: 'ab'.repeat(16) },
                    }),
                { code: 'CONFLICT', field: 'recordId' },
            );
        });

        it('lists pending pointers for the custodian staff only', async () => {
            for (const who of [cast.patient, cast.pharmacist, cast.inspector, cast.distributor]) {
                await expect(h.evaluate(who, 'ehr:ListPendingRecords', ['', ''])).rejects.toMatchObject({
                    code: 'FORBIDDEN',
                });
            }
            // Another org's staff list their own org's pending pointers, never the hospital's.
            expect(await pendingOf(cast.clinicPhysician)).toEqual([]);
        });

        it('cannot be amended, and the custodian may cancel it: pointer and indexes gone, the id free again', async () => {
            const amend = { ...recordInput('rec-p2', cast.patientId), previousId: 'rec-p' } as Record<string, unknown>;
            delete amend.patientId;
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:AmendRecord', [JSON.stringify(amend)]), {
                code: 'CONFLICT',
                field: 'record.previousId',
            });
            for (const who of [cast.patient, cast.clinicPhysician, cast.pharmacist, cast.inspector]) {
                await expectRejected(h, () => h.submit(who, 'ehr:CancelPendingRecord', ['rec-p']), {
                    code: 'FORBIDDEN',
                });
            }
            const result = await h.submit(cast.hospitalAdmin, 'ehr:CancelPendingRecord', ['rec-p']);
            expect(result.event).toMatchObject({
                name: 'ehr.RecordCancelled',
                payload: { recordId: 'rec-p', custodianMsp: Hospital },
            });
            expect(h.keys('ehr.record').filter((key) => key.includes('rec-p'))).toEqual([]);
            await expect(h.evaluate(cast.physician, 'ehr:GetRecord', ['rec-p'])).rejects.toMatchObject({
                code: 'NOT_FOUND',
            });
            await registerRecord(h, cast.physician, cast.patientId, 'rec-p');
            expect((await h.evaluate(cast.patient, 'ehr:GetRecord', ['rec-p'])).json<RecordPointer>().id).toBe('rec-p');
        });

        it('never cancels a pointer whose location committed', async () => {
            await storeLocation(h, cast.physician, 'rec-p');
            await expectRejected(h, () => h.submit(cast.physician, 'ehr:CancelPendingRecord', ['rec-p']), {
                code: 'CONFLICT',
                field: 'recordId',
            });
        });

        it('cancelling a pending amendment makes the version it replaced current again', async () => {
            await registerRecord(h, cast.physician, cast.patientId, 'rec-a');
            const amend = { ...recordInput('rec-a2', cast.patientId), previousId: 'rec-a' } as Record<string, unknown>;
            delete amend.patientId;
            await h.submit(cast.physician, 'ehr:AmendRecord', [JSON.stringify(amend)]);
            expect((await h.evaluate(cast.patient, 'ehr:GetRecord', ['rec-a'])).json<RecordPointer>().status).toBe(
                'superseded',
            );
            const result = await h.submit(cast.physician, 'ehr:CancelPendingRecord', ['rec-a2']);
            expect(result.json()).toMatchObject({ recordId: 'rec-a2', restored: 'rec-a' });
            expect((await h.evaluate(cast.patient, 'ehr:GetRecord', ['rec-a'])).json<RecordPointer>().status).toBe(
                'current',
            );
        });
    });

    describe('RegisterRecords and StoreRecordLocations', () => {
        it('registers pointers of several patients in one transaction, pending until one location transaction', async () => {
            const ids = ['b-1', 'b-2', 'b-3'];
            const result = await registerBatch([
                recordInput('b-1', cast.patientId),
                recordInput('b-2', cast.patient2Id),
                recordInput('b-3', cast.patientId),
            ]);
            expect(result.json<{ records: RecordPointer[] }>().records.map((r) => r.id)).toEqual(ids);
            expect(result.event?.name).toBe('ehr.RecordsRegistered');
            expect(result.event?.payload.patientId).toBeUndefined();
            // A batch spanning patients reaches the custodian's staff, not the patients.
            const reader = { mspId: Hospital, role: 'patient', actorId: cast.patientId, patientEnrolledHere: true };
            expect(mayReceiveEhrEvent(reader, result.event!.name, result.event!.payload)).toBe(false);
            expect(
                mayReceiveEhrEvent({ mspId: Hospital, role: 'nurse' }, result.event!.name, result.event!.payload),
            ).toBe(true);
            expect((await pendingOf()).map((r) => r.id)).toEqual(ids);

            const stored = await storeBatch(ids, locationsOf(ids));
            expect(stored.event).toMatchObject({ name: 'ehr.RecordLocationsStored', payload: { recordIds: ids } });
            expect(await pendingOf()).toEqual([]);
            await grantConsent(h, cast.patient, 'c-b');
            const access = await h.submit(cast.physician, 'ehr-access:AccessRecord', ['b-3', 'TREAT']);
            const location = await h.evaluate(cast.physician, 'ehr-access:GetRecordLocation', [
                'b-3',
                access.json<{ audit: { id: string } }>().audit.id,
            ]);
            expect(location.json()).toMatchObject({ location: documentOf('b-3').location });
        });

        it('names the bad item and field, and writes nothing, for every rule of an item', async () => {
            await registerRecord(h, cast.physician, cast.patientId, 'taken');
            const good = (id: string) => recordInput(id, cast.patientId);
            const cases: Array<[unknown[], string, string]> = [
                [[good('x-0'), good('x-1'), { ...good('x-2'), size: 0 }], 'INVALID_ARGUMENT', 'records[2].size'],
                [
                    [
                        good('x-0'),
                        { ...good('x-1'), type: { system: 'http://loinc.org', code: '11506-3', display: 'Jane Doe' } },
                    ],
                    'INVALID_ARGUMENT',
                    'records[1].type.display',
                ],
                [[good('x-0'), { ...good('x-1'), note: 'free text' }], 'INVALID_ARGUMENT', 'records[1].note'],
                [[good('x-0'), 'not an object'], 'INVALID_ARGUMENT', 'records[1]'],
                [[good('x-0'), good('x-0')], 'INVALID_ARGUMENT', 'records[1].id'],
                [[good('x-0'), recordInput('x-1', 'pat-not-enrolled')], 'NOT_FOUND', 'records[1].patientId'],
                [[good('x-0'), good('taken')], 'CONFLICT', 'records[1].id'],
                [[], 'INVALID_ARGUMENT', 'records'],
                [
                    Array.from({ length: MaxRecordsPerBatch + 1 }, (_, index) => good(`x-${index}`)),
                    'INVALID_ARGUMENT',
                    'records',
                ],
            ];
            for (const [records, code, field] of cases) {
                await expectRejected(h, () => registerBatch(records), { code, field });
            }
            await expectRejected(
                h,
                () => h.submit(cast.physician, 'ehr:RegisterRecords', [JSON.stringify({ records: [good('y')], x: 1 })]),
                { code: 'INVALID_ARGUMENT', field: 'batch.x' },
            );
            for (const who of [cast.unlicensedPhysician, cast.pharmacist, cast.patient]) {
                await expectRejected(h, () => registerBatch([good('z')], who), { code: 'FORBIDDEN' });
            }
        });

        it('takes exactly MaxRecordsPerBatch pointers', async () => {
            const ids = Array.from({ length: MaxRecordsPerBatch }, (_, index) => `m-${index}`);
            await registerBatch(ids.map((id) => recordInput(id, cast.patientId)));
            await storeBatch(ids, locationsOf(ids));
            expect(await pendingOf()).toEqual([]);
        });

        it('stores no location of a batch with one bad item, and only the custodian stores them', async () => {
            const ids = ['s-1', 's-2'];
            await registerBatch(ids.map((id) => recordInput(id, cast.patientId)));
            const wrong = [
                locationsOf(ids)[0],
                { location: 'https://elsewhere.example/x', salt: documentOf('s-2').salt },
            ];
            await expectRejected(h, () => storeBatch(ids, wrong), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.locations[1]',
            });
            await expectRejected(
                h,
                () => storeBatch(ids, [{ location: 'no scheme', salt: 'ab'.repeat(16) }, locationsOf(ids)[1]]),
                {
                    code: 'INVALID_ARGUMENT',
                    field: 'transient.locations[0].location',
                },
            );
            await expectRejected(h, () => storeBatch(ids, locationsOf(['s-1'])), {
                code: 'INVALID_ARGUMENT',
                field: 'transient.locations',
            });
            await expectRejected(h, () => storeBatch(['s-1', 's-1'], locationsOf(['s-1', 's-1'])), {
                code: 'INVALID_ARGUMENT',
                field: 'recordIds[1].id',
            });
            await expectRejected(h, () => storeBatch(ids, locationsOf(ids), cast.clinicPhysician), {
                code: 'FORBIDDEN',
            });
            expect((await pendingOf()).map((r) => r.id)).toEqual(ids);
        });
    });

    describe('GrantConsents', () => {
        const grantBatch = (consents: unknown[], who = cast.patient) =>
            h.submit(who, 'ehr-consent:GrantConsents', [JSON.stringify({ consents })]);

        it('grants a set of consents of one patient in one transaction', async () => {
            const result = await grantBatch([
                consentInput('g-1'),
                consentInput('g-2', grantee('prac-hosp-0101')),
                consentInput('g-3', { grantee: { mspId: Hospital } }),
            ]);
            expect(result.json<{ consents: Consent[] }>().consents.map((c) => c.id)).toEqual(['g-1', 'g-2', 'g-3']);
            expect(result.event).toMatchObject({ name: 'ehr.ConsentsGranted', payload: { patientId: cast.patientId } });
            // Grantees are not told of each other's grants.
            expect(
                mayReceiveEhrEvent(
                    { mspId: Hospital, role: 'nurse', actorId: 'prac-hosp-0101' },
                    result.event!.name,
                    result.event!.payload,
                ),
            ).toBe(false);
            await registerRecord(h, cast.physician2, cast.patientId, 'rec-1');
            const access = await h.submit(cast.nurse, 'ehr-access:AccessRecord', ['rec-1', 'TREAT']);
            expect(access.json<{ allowed: boolean; audit: { consentId: string } }>()).toMatchObject({
                allowed: true,
                audit: { consentId: 'g-2' },
            });
        });

        it('names the bad item and field and writes nothing', async () => {
            await grantConsent(h, cast.patient, 'taken');
            const cases: Array<[unknown[], string, string]> = [
                [
                    [consentInput('g-1'), consentInput('g-2', { period: { end: '2025-01-01T00:00:00Z' } })],
                    'INVALID_ARGUMENT',
                    'consents[1].period.end',
                ],
                [
                    [consentInput('g-1'), consentInput('g-2', { purposes: ['BTG'] })],
                    'INVALID_ARGUMENT',
                    'consents[1].purposes[0]',
                ],
                [
                    [consentInput('g-1'), consentInput('g-2', { note: 'Jane Doe' })],
                    'INVALID_ARGUMENT',
                    'consents[1].note',
                ],
                [[consentInput('g-1'), consentInput('g-1')], 'INVALID_ARGUMENT', 'consents[1].id'],
                [[consentInput('g-1'), consentInput('taken')], 'CONFLICT', 'consents[1].id'],
                [
                    [consentInput('g-1'), consentInput('g-2', { scope: { kind: 'records', recordIds: ['nope'] } })],
                    'INVALID_ARGUMENT',
                    'consents[1].scope.recordIds[0]',
                ],
                [
                    [consentInput('g-1'), consentInput('g-2', { patientId: cast.patient2Id })],
                    'INVALID_ARGUMENT',
                    'consents[1].patientId',
                ],
                [
                    Array.from({ length: MaxConsentsPerBatch + 1 }, (_, index) => consentInput(`g-${index}`)),
                    'INVALID_ARGUMENT',
                    'consents',
                ],
            ];
            for (const [consents, code, field] of cases) {
                await expectRejected(h, () => grantBatch(consents), { code, field });
            }
            await expectRejected(h, () => grantBatch([consentInput('g-x')], cast.physician), { code: 'FORBIDDEN' });
        });

        it("counts the batch's own grants against the live-consent limit per grantee", async () => {
            for (let index = 0; index < MaxLiveConsentsPerGrantee - 1; index += 1) {
                await grantConsent(h, cast.patient, `pre-${index}`);
            }
            await expectRejected(h, () => grantBatch([consentInput('last'), consentInput('one-too-many')]), {
                code: 'CONFLICT',
                field: 'consents[1].grantee',
            });
            await grantBatch([consentInput('last'), consentInput('other', grantee('prac-hosp-0101'))]);
        });
    });

    describe('state access per transaction (peer round trips)', () => {
        it('reads the licence once in an access decision and makes no more round trips than listed', async () => {
            await registerRecord(h, cast.physician2, cast.patientId, 'rec-1');
            await grantConsent(h, cast.patient, 'c-1');
            const profile: Record<string, { calls: Record<string, number>; total: number }> = {
                register: await h.stateCalls(cast.physician, 'ehr:RegisterRecord', [
                    JSON.stringify(recordInput('rec-new', cast.patientId)),
                ]),
                access: await h.stateCalls(cast.physician, 'ehr-access:AccessRecord', ['rec-1', 'TREAT']),
                grant: await h.stateCalls(cast.patient, 'ehr-consent:GrantConsent', [
                    JSON.stringify(consentInput('c-new', grantee('prac-hosp-0101'))),
                ]),
            };
            await registerOnly('rec-new');
            profile.location = await h.stateCalls(cast.physician, 'ehr:StoreRecordLocation', ['rec-new'], {
                transient: { location: documentOf('rec-new').location, salt: documentOf('rec-new').salt },
            });
            const ids = Array.from({ length: 50 }, (_, index) => `bulk-${index}`);
            const bulk = await h.stateCalls(cast.physician, 'ehr:RegisterRecords', [
                JSON.stringify({ records: ids.map((id) => recordInput(id, cast.patientId)) }),
            ]);
            process.stdout.write(`state calls per transaction: ${JSON.stringify({ ...profile, bulk50: bulk })}\n`);
            // The licence gate is hold + current pointer + credential + issuer: 4 GET_STATE, once per transaction;
            // range reads run to their end, so no QUERY_STATE_CLOSE (the peer drops the finished query itself).
            expect(profile.access.calls).toEqual({
                GET_STATE: 1 + 4 + 1 /* the consent */,
                GET_PRIVATE_DATA_HASH: 1,
                GET_STATE_BY_RANGE: 2,
                WRITE_BATCH_STATE: 1,
            });
            expect(profile.grant.calls).toEqual({ GET_STATE: 2, GET_STATE_BY_RANGE: 1, WRITE_BATCH_STATE: 1 });
            expect(profile.location.calls).toEqual({ GET_STATE: 4 + 1, PUT_STATE: 1 });
            // Writes go to the peer as one WRITE_BATCH_STATE (Fabric 3.1; the embedded ledger offers it too).
            expect(profile.register.calls).toEqual({ GET_STATE: 4 + 1 + 1, WRITE_BATCH_STATE: 1 });
            // 50 pointers: the licence and the patient once, the 50 ids in one GET_STATE_MULTIPLE, 150 writes in one batch.
            expect(bulk.calls).toEqual({ GET_STATE: 4 + 1, GET_STATE_MULTIPLE: 1, WRITE_BATCH_STATE: 1 });
        });
    });
});
