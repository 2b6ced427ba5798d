import { ContractHarness, type HarnessIdentity } from '@careledger/testing';
import {
    consentInput,
    documentOf,
    ehrCast,
    expectRejected,
    grantConsent,
    Hospital,
    recordInput,
    registerRecord,
    type EhrCast,
} from '../../../test/fixtures/ehr';
import { MaxErasureBatch } from './erasure-contract';
import type { AccessResult, ErasureProof, ErasureReceipt, StoredRecord } from './types';

const collection = '_implicit_org_HospitalMSP';

describe('ehr-erasure contract', () => {
    let h: ContractHarness;
    let cast: EhrCast;
    let allowedAccessId: string;

    const requestErasure = (who: HarnessIdentity, custodian = Hospital) =>
        h.submit(who, 'ehr-erasure:RequestErasure', [custodian]);
    const purge = (who: HarnessIdentity, erasureId: string) =>
        h.submit(who, 'ehr-erasure:PurgeErasedLocations', [erasureId], { endorsers: [Hospital] });
    const verify = async (who: HarnessIdentity, recordId: string, peer?: string) =>
        (
            await h.evaluate(who, 'ehr-erasure:VerifyErasure', [recordId], peer ? { endorsers: [peer] } : {})
        ).json<ErasureProof>();

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
        await registerRecord(h, cast.physician, cast.patientId, 'rec-1');
        const v2 = documentOf('rec-1-v2');
        await h.submit(cast.physician, 'ehr:AmendRecord', [
            JSON.stringify({
                ...recordInput('rec-1-v2', ''),
                patientId: undefined,
                previousId: 'rec-1',
                locationDigest: v2.locationDigest,
            }),
        ]);
        await h.submit(cast.physician, 'ehr:StoreRecordLocation', ['rec-1-v2'], {
            transient: { location: v2.location, salt: v2.salt },
            endorsers: [Hospital],
        });
        await registerRecord(h, cast.physician, cast.patientId, 'rec-2');
        await registerRecord(h, cast.physician, cast.patient2Id, 'rec-other');
        await grantConsent(h, cast.patient, 'c-1');
        allowedAccessId = (await h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-1', 'TREAT'])).txId;
        h.advance(60_000);
    });

    it('tombstones every live pointer at the custodian, drops them from lists and emits ehr.ErasureRequested', async () => {
        const result = await requestErasure(cast.patient);
        const receipt = result.json<ErasureReceipt>();
        expect(receipt).toEqual({
            id: result.txId,
            patientId: cast.patientId,
            custodianMsp: Hospital,
            recordIds: ['rec-1', 'rec-1-v2', 'rec-2'],
            requestedAt: '2026-01-01T00:01:00.000Z',
            more: false,
        });
        expect(result.event).toEqual({ name: 'ehr.ErasureRequested', payload: receipt });
        expect(h.getState(h.key('ehr.erasure', result.txId))).toEqual(receipt);
        expect(h.getState<StoredRecord>(h.key('ehr.record', 'rec-1-v2'))).toEqual({
            id: 'rec-1-v2',
            seriesId: 'rec-1',
            version: 2,
            patientId: cast.patientId,
            custodianMsp: Hospital,
            status: 'entered-in-error',
            contentHash: documentOf('rec-1-v2').contentHash,
            date: '2026-01-01T00:00:00.000Z',
            updatedAt: '2026-01-01T00:01:00.000Z',
            erased: true,
            erasureId: result.txId,
        });
        expect(h.keys('ehr.record.byPatient').filter((key) => key.includes(cast.patientId))).toEqual([]);
        expect(h.keys('ehr.record.byCustodian').map((key) => key.split('\u0000')[3])).toEqual(['rec-other']);
        const listed = (await h.evaluate(cast.patient, 'ehr:ListRecordsByPatient', ['', '10', ''])).json<{
            items: unknown[];
        }>();
        expect(listed.items).toEqual([]);
        expect(h.getState(h.key('ehr.record', 'rec-other'))).toMatchObject({ status: 'current' });
    });

    it('purges the locations on the custodian, after which every peer can verify the erasure', async () => {
        const erasureId = (await requestErasure(cast.patient)).txId;
        expect(await verify(cast.patient, 'rec-1')).toEqual({
            recordId: 'rec-1',
            custodianMsp: Hospital,
            pointerErased: true,
            privateDataHashPresent: true,
            privateDataPresent: true,
            erased: false,
        });
        expect((await verify(cast.inspector, 'rec-1')).privateDataPresent).toBeUndefined();

        const result = await purge(cast.patient, erasureId);
        expect(result.event).toEqual({
            name: 'ehr.LocationsPurged',
            payload: {
                erasureId,
                patientId: cast.patientId,
                custodianMsp: Hospital,
                recordIds: ['rec-1', 'rec-1-v2', 'rec-2'],
            },
        });
        for (const recordId of ['rec-1', 'rec-1-v2', 'rec-2']) {
            expect(h.getPrivateData(collection, h.key('ehr.location', recordId))).toBeUndefined();
        }
        expect(h.getPrivateData(collection, h.key('ehr.location', 'rec-other'))).toBeDefined();
        expect(Object.keys(h.snapshot().hashes[collection])).toHaveLength(1);
        const proof: ErasureProof = {
            recordId: 'rec-1',
            custodianMsp: Hospital,
            pointerErased: true,
            privateDataHashPresent: false,
            privateDataPresent: false,
            erased: true,
        };
        expect(await verify(cast.patient, 'rec-1')).toEqual(proof);
        expect(await verify(cast.inspector, 'rec-1')).toEqual(proof);
        expect(await verify(cast.hospitalAdmin, 'rec-1')).toEqual(proof);
        await expect(h.evaluate(cast.clinicPhysician, 'ehr-erasure:VerifyErasure', ['rec-1'])).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        expect((await verify(cast.patient2, 'rec-other')).erased).toBe(false);
    });

    it('keeps the audit trail and consents, and denies (and records) later reads, amendments and grants', async () => {
        const erasureId = (await requestErasure(cast.patient)).txId;
        // Still held by the custodian until the purge, yet no longer released: the pointer is erased.
        await expect(
            h.evaluate(cast.physician, 'ehr-access:GetRecordLocation', ['rec-1', allowedAccessId]),
        ).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await purge(cast.hospitalAdmin, erasureId);
        const outcome = (
            await h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-2', 'TREAT'])
        ).json<AccessResult>();
        expect(outcome).toMatchObject({ allowed: false, audit: { outcomeDesc: 'record-erased' } });
        const emergency = await h.submit(cast.physician, 'ehr-access:BreakGlassAccess', ['rec-2', 'unconscious'], {
            transient: { reason: 'Unresponsive patient in the emergency room.', salt: 'cd'.repeat(16) },
        });
        expect(emergency.json<AccessResult>()).toMatchObject({
            allowed: false,
            audit: { outcomeDesc: 'record-erased', emergency: true },
        });
        const trail = (await h.evaluate(cast.patient, 'ehr-access:ListAuditByPatient', ['', '10', ''])).json<{
            items: unknown[];
        }>();
        expect(trail.items).toHaveLength(3);
        expect(h.getState(h.key('ehr.consent', 'c-1'))).toMatchObject({ status: 'active' });

        await expectRejected(
            h,
            () =>
                h.submit(cast.physician, 'ehr:AmendRecord', [
                    JSON.stringify({ ...recordInput('rec-3', ''), patientId: undefined, previousId: 'rec-2' }),
                ]),
            { code: 'CONFLICT', field: 'record.previousId' },
        );
        await expectRejected(
            h,
            () =>
                h.submit(cast.patient, 'ehr-consent:GrantConsent', [
                    JSON.stringify(consentInput('c-2', { scope: { kind: 'records', recordIds: ['rec-2'] } })),
                ]),
            { code: 'INVALID_ARGUMENT', field: 'consent.scope.recordIds[0]' },
        );
        const { location, salt } = documentOf('rec-2');
        await expectRejected(
            h,
            () =>
                h.submit(cast.physician, 'ehr:StoreRecordLocation', ['rec-2'], {
                    transient: { location, salt },
                    endorsers: [Hospital],
                }),
            { code: 'CONFLICT', field: 'recordId' },
        );
    });

    it('is requested by the patient only, for live records, at a named custodian', async () => {
        await h.submit(cast.patient, 'ehr:NameDelegate', [
            JSON.stringify({ mspId: Hospital, actorId: 'pat-2b9d51f0' }),
        ]);
        for (const who of [cast.physician, cast.hospitalAdmin, cast.inspector, cast.impostor]) {
            await expectRejected(h, () => requestErasure(who), { code: 'FORBIDDEN' });
        }
        await expectRejected(h, () => requestErasure(cast.patient, 'not an msp'), {
            code: 'INVALID_ARGUMENT',
            field: 'custodianMsp',
        });
        await expectRejected(h, () => requestErasure(cast.patient, 'ClinicMSP'), { code: 'NOT_FOUND' });
        await requestErasure(cast.patient);
        await expectRejected(h, () => requestErasure(cast.patient), { code: 'NOT_FOUND' });
        // patient2, a delegate of patient1, erased patient2's own records only.
        expect((await requestErasure(cast.patient2)).json<ErasureReceipt>().recordIds).toEqual(['rec-other']);
    });

    it('purges for the patient or the custodian staff only; repeating it is harmless', async () => {
        const erasureId = (await requestErasure(cast.patient)).txId;
        for (const who of [cast.patient2, cast.clinicPhysician, cast.distributor, cast.impostor]) {
            await expectRejected(h, () => purge(who, erasureId), { code: 'FORBIDDEN' });
        }
        await expectRejected(h, () => purge(cast.patient, 'no-such-erasure'), { code: 'NOT_FOUND' });
        await expectRejected(h, () => purge(cast.patient, ''), { code: 'INVALID_ARGUMENT', field: 'erasureId' });
        await purge(cast.nurse, erasureId);
        await purge(cast.patient, erasureId);
        expect((await verify(cast.patient, 'rec-2')).erased).toBe(true);
    });

    it(`erases at most ${MaxErasureBatch} records per request and says when more remain`, async () => {
        for (let i = 0; i < MaxErasureBatch; i++) {
            await h.submit(cast.nurse, 'ehr:RegisterRecord', [
                JSON.stringify(recordInput(`bulk-${String(i).padStart(3, '0')}`, cast.patientId)),
            ]);
        }
        const first = (await requestErasure(cast.patient)).json<ErasureReceipt>();
        expect(first.recordIds).toHaveLength(MaxErasureBatch);
        expect(first.more).toBe(true);
        const second = (await requestErasure(cast.patient)).json<ErasureReceipt>();
        expect(second.recordIds).toEqual(['rec-1', 'rec-1-v2', 'rec-2']);
        expect(second.more).toBe(false);
    });
});
