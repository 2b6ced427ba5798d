import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { caller, CareLedgerContract, forbidden, fromBytes, notFound, requireId, toBytes, txTimeIso } from '../common';
import { requireMspId } from './consent';
import { EhrKeys, EhrObjects } from './keys';
import { getLocation, locationHashPresent, purgeLocation } from './location';
import { requirePatientCaller } from './patients';
import { firstByPartialKey } from './ranges';
import { isStaffOf, mayReadPointer } from './readers';
import { isErased, requireRecord, tombstone } from './records';
import type { ErasureProof, ErasureReceipt, RecordPointer } from './types';
import { emitEhrEvent } from './events';

/** Records one erasure request tombstones; a patient with more repeats the request. */
export const MaxErasureBatch = 100;

/**
 * The right to be forgotten. The patient asks; their live pointers at one custodian become
 * tombstones and leave every list; then a second transaction, endorsed by the custodian's peers
 * alone, purges the locations from the custodian's private data. The events tell the custodian
 * to delete the documents off-chain. See README.md for what remains and why that is acceptable.
 */
@Info({ title: 'EHR erasure', description: 'Patient-requested erasure of record pointers and their private data' })
export class EhrErasureContract extends CareLedgerContract {
    constructor() {
        super('ehr-erasure');
    }

    /** Tombstones up to {@link MaxErasureBatch} of the calling patient's live records held by `custodianMsp`. */
    @Transaction()
    @Returns('string')
    async RequestErasure(ctx: Context, custodianMsp: string): Promise<string> {
        const custodian = requireMspId(custodianMsp, 'custodianMsp');
        const patient = await requirePatientCaller(ctx);
        const { entries, more } = await firstByPartialKey<{ recordId: string }>(
            ctx,
            EhrObjects.recordByPatient,
            [patient.patientId, custodian],
            MaxErasureBatch,
        );
        if (entries.length === 0) {
            throw notFound(`live records of patient ${patient.patientId} at custodian`, custodian);
        }
        const erasureId = ctx.stub.getTxID();
        const now = txTimeIso(ctx);
        const records: RecordPointer[] = [];
        for (const { value } of entries) {
            const record = await requireRecord(ctx, value.recordId);
            if (!isErased(record)) {
                records.push(record);
            }
        }
        for (const record of records) {
            await ctx.stub.putState(EhrKeys.record(ctx, record.id), toBytes(tombstone(record, erasureId, now)));
            await ctx.stub.deleteState(EhrKeys.recordByPatient(ctx, record.patientId, record.custodianMsp, record.id));
            await ctx.stub.deleteState(EhrKeys.recordByCustodian(ctx, record.custodianMsp, record.id));
        }
        const receipt: ErasureReceipt = {
            id: erasureId,
            patientId: patient.patientId,
            custodianMsp: custodian,
            recordIds: records.map((record) => record.id),
            requestedAt: now,
            more,
        };
        await ctx.stub.putState(EhrKeys.erasure(ctx, erasureId), toBytes(receipt));
        emitEhrEvent(ctx, 'ehr.ErasureRequested', receipt);
        return JSON.stringify(receipt);
    }

    /**
     * Purges the locations of an erasure's records from the custodian's implicit collection. It
     * writes only that collection, so the custodian's peers alone endorse it. The patient or the
     * custodian's staff may run it; running it again is harmless.
     */
    @Transaction()
    @Returns('string')
    async PurgeErasedLocations(ctx: Context, erasureId: string): Promise<string> {
        const id = requireId(erasureId, 'erasureId');
        const bytes = await ctx.stub.getState(EhrKeys.erasure(ctx, id));
        if (!bytes || bytes.length === 0) {
            throw notFound('erasure', id);
        }
        const receipt = fromBytes<ErasureReceipt>(bytes);
        const who = caller(ctx);
        const isPatient = who.role === 'patient' && who.actorId === receipt.patientId;
        if (isPatient) {
            await requirePatientCaller(ctx);
        } else if (!isStaffOf(who, receipt.custodianMsp)) {
            throw forbidden(`only the patient or staff of ${receipt.custodianMsp} may purge erasure ${id}`);
        }
        for (const recordId of receipt.recordIds) {
            await purgeLocation(ctx, receipt.custodianMsp, recordId);
        }
        const purged = {
            erasureId: id,
            patientId: receipt.patientId,
            custodianMsp: receipt.custodianMsp,
            recordIds: receipt.recordIds,
        };
        emitEhrEvent(ctx, 'ehr.LocationsPurged', purged);
        return JSON.stringify(purged);
    }

    /**
     * Proof that a record is erased: its pointer is a tombstone and its location hash is gone from
     * the channel; on a custodian peer, also that the location itself is gone.
     */
    @Transaction(false)
    @Returns('string')
    async VerifyErasure(ctx: Context, recordId: string): Promise<string> {
        const record = await requireRecord(ctx, requireId(recordId, 'recordId'));
        const who = caller(ctx);
        if (!(await mayReadPointer(ctx, who, record))) {
            throw forbidden(`erasure of record ${record.id} is verifiable by its patient, custodian and regulators`);
        }
        const pointerErased = isErased(record);
        const privateDataHashPresent = await locationHashPresent(ctx, record.custodianMsp, record.id);
        // Without its hash on the channel no peer can hold the value; with it, only a custodian peer can say.
        const privateDataPresent = privateDataHashPresent
            ? await getLocation(ctx, record.custodianMsp, record.id).then(
                  (location) => location !== undefined,
                  () => undefined,
              )
            : false;
        const proof: ErasureProof = {
            recordId: record.id,
            custodianMsp: record.custodianMsp,
            pointerErased,
            privateDataHashPresent,
            privateDataPresent,
            erased: pointerErased && !privateDataHashPresent,
        };
        return JSON.stringify(proof);
    }
}
