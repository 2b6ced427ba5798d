import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
    caller,
    callerKeyId,
    ContractError,
    fromBytes,
    getStates,
    inWriteBatch,
    CareLedgerContract,
    conflict,
    forbidden,
    invalidArgument,
    notFound,
    optionalIsoDate,
    pageByPartialKey,
    parseJsonArg,
    parsePageSize,
    requireId,
    requireRole,
    toBytes,
    txTime,
    txTimeIso,
    type Page,
} from '../common';
import { holdsValidLicence, isClinician, requireLicensedClinician } from './clinicians';
import { allLiveConsentsOf } from './consent-store';
import { requireMspId, scopeCovers, inPeriod } from './consent';
import { EhrKeys, EhrObjects } from './keys';
import { isPendingLocation, putLocation, saltedDigest, transientLocation, transientLocationBatch } from './location';
import { forItem, MaxRecordsPerBatch, requireBatch, requireDistinct } from './batch';
import {
    getDelegate,
    getEnrolment,
    holdsPatientKey,
    queriedPatientId,
    requireEnrolment,
    requirePatientCaller,
    speaksForPatient,
} from './patients';
import { requireBookmark } from './ranges';
import { isRegulatorInspector, isStaffOf, mayReadPointer } from './readers';
import {
    getRecord,
    isErased,
    parseAmendInput,
    parseRegisterInput,
    putNewRecord,
    requireOnlyFields,
    requireRecord,
} from './records';
import type {
    CustodianViewOfRecord,
    Delegate,
    PatientEnrolment,
    RecordEventPayload,
    RecordPointer,
    RegisterRecordInput,
    StoredRecord,
} from './types';
import { emitEhrEvent } from './events';

/**
 * Patients, their delegates, and record pointers. Patients enrol their own pseudonymous id;
 * clinicians of the custodian org register and amend pointers; the location of each document
 * is stored by a separate, custodian-only transaction so it never leaves the custodian's peers.
 */
@Info({ title: 'EHR', description: 'Patients, delegates and EHR record pointers' })
export class EhrContract extends CareLedgerContract {
    constructor() {
        super('ehr');
    }

    /**
     * Binds the caller's patient id to their MSP and to the key of the certificate that signs this
     * transaction. Repeating it with a bound key is a no-op; another certificate with the same id
     * (a clone an admin had the CA issue) is refused: only the patient adds keys (AuthorizePatientKey).
     */
    @Transaction()
    @Returns('string')
    async EnrolPatient(ctx: Context): Promise<string> {
        const who = requireRole(ctx, 'patient');
        const existing = await getEnrolment(ctx, who.actorId);
        if (existing) {
            if (existing.homeMsp !== who.mspId) {
                throw conflict(`patient ${who.actorId} is already enrolled with another MSP`, 'patientId');
            }
            if (!holdsPatientKey(ctx, existing)) {
                throw forbidden(
                    `patient ${who.actorId} is enrolled with other keys; a new key needs the patient's AuthorizePatientKey`,
                );
            }
            return JSON.stringify(existing);
        }
        const enrolment: PatientEnrolment = {
            patientId: who.actorId,
            homeMsp: who.mspId,
            enrolledAt: txTimeIso(ctx),
            keyIds: [callerKeyId(ctx)],
        };
        await ctx.stub.putState(EhrKeys.patient(ctx, who.actorId), toBytes(enrolment));
        emitEhrEvent(ctx, 'ehr.PatientEnrolled', enrolment);
        return JSON.stringify(enrolment);
    }

    /**
     * The patient, signing with a bound key, authorises another key (SHA-256 hex of its SPKI) to speak
     * for them: a new device, or a renewed certificate. Nobody else can add a key.
     */
    @Transaction()
    @Returns('string')
    async AuthorizePatientKey(ctx: Context, keyId: string): Promise<string> {
        const patient = await requirePatientCaller(ctx);
        const id = requireKeyId(keyId);
        const keyIds = patient.keyIds ?? [callerKeyId(ctx)];
        const updated: PatientEnrolment = { ...patient, keyIds: keyIds.includes(id) ? keyIds : [...keyIds, id] };
        await ctx.stub.putState(EhrKeys.patient(ctx, patient.patientId), toBytes(updated));
        return JSON.stringify(updated);
    }

    /** The patient, signing with a bound key, withdraws one of their keys (never the last one). */
    @Transaction()
    @Returns('string')
    async RevokePatientKey(ctx: Context, keyId: string): Promise<string> {
        const patient = await requirePatientCaller(ctx);
        const id = requireKeyId(keyId);
        const keyIds = patient.keyIds ?? [callerKeyId(ctx)];
        if (!keyIds.includes(id)) {
            throw notFound('patient key', id);
        }
        if (keyIds.length === 1) {
            throw conflict('the last key of a patient cannot be withdrawn; authorise another first', 'keyId');
        }
        const updated: PatientEnrolment = { ...patient, keyIds: keyIds.filter((k) => k !== id) };
        await ctx.stub.putState(EhrKeys.patient(ctx, patient.patientId), toBytes(updated));
        return JSON.stringify(updated);
    }

    /** The patient names `{mspId, actorId, until?}` to grant and revoke consents for them. */
    @Transaction()
    @Returns('string')
    async NameDelegate(ctx: Context, delegateJson: string): Promise<string> {
        const patient = await requirePatientCaller(ctx);
        const input = parseJsonArg<Record<string, unknown>>(delegateJson, 'delegate');
        const mspId = requireMspId(input.mspId, 'delegate.mspId');
        const actorId = requireId(input.actorId, 'delegate.actorId');
        const until = optionalIsoDate(input.until, 'delegate.until');
        if (until !== undefined && Date.parse(until) <= txTime(ctx).getTime()) {
            throw invalidArgument('delegate.until', 'must be after the transaction time');
        }
        if (mspId === patient.homeMsp && actorId === patient.patientId) {
            throw invalidArgument('delegate.actorId', 'must not be the patient themselves');
        }
        const delegate: Delegate = { patientId: patient.patientId, mspId, actorId, until, namedAt: txTimeIso(ctx) };
        await ctx.stub.putState(EhrKeys.delegate(ctx, patient.patientId, mspId, actorId), toBytes(delegate));
        emitEhrEvent(ctx, 'ehr.DelegateNamed', delegate);
        return JSON.stringify(delegate);
    }

    @Transaction()
    @Returns('string')
    async RemoveDelegate(ctx: Context, mspId: string, actorId: string): Promise<string> {
        const patient = await requirePatientCaller(ctx);
        const delegateMsp = requireMspId(mspId, 'mspId');
        const delegateActor = requireId(actorId, 'actorId');
        if (!(await getDelegate(ctx, patient.patientId, delegateMsp, delegateActor))) {
            throw notFound('delegate', `${delegateMsp}/${delegateActor}`);
        }
        await ctx.stub.deleteState(EhrKeys.delegate(ctx, patient.patientId, delegateMsp, delegateActor));
        const removed = {
            patientId: patient.patientId,
            mspId: delegateMsp,
            actorId: delegateActor,
            removedAt: txTimeIso(ctx),
        };
        emitEhrEvent(ctx, 'ehr.DelegateRemoved', removed);
        return JSON.stringify(removed);
    }

    /** The calling patient's delegates. */
    @Transaction(false)
    @Returns('string')
    async ListDelegates(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
        const patient = await requirePatientCaller(ctx);
        const page = await pageByPartialKey<Delegate>(
            ctx,
            EhrObjects.delegate,
            [patient.patientId],
            parsePageSize(pageSize),
            requireBookmark(bookmark),
        );
        return JSON.stringify(page);
    }

    /**
     * A clinician of the custodian registers a pointer: `{id, patientId, type, contentHash, size,
     * mediaType, locationDigest}`. The caller's org becomes the custodian and the caller the author.
     */
    @Transaction()
    @Returns('string')
    async RegisterRecord(ctx: Context, recordJson: string): Promise<string> {
        requireRole(ctx, 'physician', 'nurse');
        const input = parseRegisterInput(parseJsonArg<Record<string, unknown>>(recordJson, 'record'));
        const author = await requireLicensedClinician(ctx);
        await requireEnrolment(ctx, input.patientId);
        if (await getRecord(ctx, input.id)) {
            throw conflict(`record ${input.id} already exists`, 'record.id');
        }
        const record = newPointer(input, author, txTimeIso(ctx));
        await inWriteBatch(ctx, () => putNewRecord(ctx, record));
        emitEhrEvent(ctx, 'ehr.RecordRegistered', recordEvent(record));
        return JSON.stringify(record);
    }

    /**
     * Registers up to {@link MaxRecordsPerBatch} pointers in one transaction: `{records: [...]}`, each
     * item as for RegisterRecord (patients may differ). Every item is checked before anything is
     * written; a refusal names the item (`records[3].contentHash`) and the transaction writes nothing.
     * The licence is checked once, each distinct patient's enrolment once. Locations follow in one
     * StoreRecordLocations; until then the pointers are pending.
     */
    @Transaction()
    @Returns('string')
    async RegisterRecords(ctx: Context, batchJson: string): Promise<string> {
        requireRole(ctx, 'physician', 'nurse');
        const batch = parseJsonArg<Record<string, unknown>>(batchJson, 'batch');
        requireOnlyFields(batch, ['records'], 'batch');
        const items = requireBatch<Record<string, unknown>>(batch.records, 'records', MaxRecordsPerBatch);
        const inputs: RegisterRecordInput[] = [];
        for (const [index, item] of items.entries()) {
            inputs.push(await forItem('record', 'records', index, () => parseRegisterInput(item)));
        }
        requireDistinct(
            inputs.map((input) => input.id),
            'records',
            'id',
        );
        const author = await requireLicensedClinician(ctx);
        const enrolled = new Set<string>();
        // Every id of the batch in one request to the peer (GET_STATE_MULTIPLE on Fabric 3.1).
        const existing = await getStates(
            ctx,
            inputs.map((input) => EhrKeys.record(ctx, input.id)),
        );
        for (const [index, input] of inputs.entries()) {
            await forItem('record', 'records', index, async () => {
                if (!enrolled.has(input.patientId)) {
                    await requireEnrolment(ctx, input.patientId).catch((error: unknown) => {
                        throw reField(error, 'record.patientId');
                    });
                    enrolled.add(input.patientId);
                }
                if (existing[index] && existing[index].length > 0) {
                    throw conflict(`record ${input.id} already exists`, 'record.id');
                }
            });
        }
        const now = txTimeIso(ctx);
        const records = inputs.map((input) => newPointer(input, author, now));
        // Three writes per pointer, sent to the peer as one WRITE_BATCH_STATE on Fabric 3.1.
        await inWriteBatch(ctx, async () => {
            for (const record of records) {
                await putNewRecord(ctx, record);
            }
        });
        emitEhrEvent(ctx, 'ehr.RecordsRegistered', {
            custodianMsp: author.mspId,
            patientId: enrolled.size === 1 ? records[0].patientId : undefined,
            registeredAt: now,
            records: records.map(recordEvent),
        });
        return JSON.stringify({ records });
    }

    /**
     * A clinician of the custodian registers a new version `{id, previousId, type, contentHash,
     * size, mediaType, locationDigest}`; the previous version becomes superseded and stays verifiable.
     */
    @Transaction()
    @Returns('string')
    async AmendRecord(ctx: Context, recordJson: string): Promise<string> {
        requireRole(ctx, 'physician', 'nurse');
        const input = parseAmendInput(parseJsonArg<Record<string, unknown>>(recordJson, 'record'));
        const author = await requireLicensedClinician(ctx);
        const previous = await requireRecord(ctx, input.previousId);
        if (previous.custodianMsp !== author.mspId) {
            throw forbidden(`only clinicians of custodian ${previous.custodianMsp} may amend record ${previous.id}`);
        }
        if (isErased(previous) || previous.status !== 'current') {
            throw conflict(
                `record ${previous.id} is ${previous.status}; only the current version can be amended`,
                'record.previousId',
            );
        }
        if (await isPendingLocation(ctx, previous)) {
            throw conflict(
                `record ${previous.id} is pending (its location never committed); store its location or cancel it first`,
                'record.previousId',
            );
        }
        if (await getRecord(ctx, input.id)) {
            throw conflict(`record ${input.id} already exists`, 'record.id');
        }
        const now = txTimeIso(ctx);
        const record: RecordPointer = {
            id: input.id,
            seriesId: previous.seriesId,
            version: previous.version + 1,
            patientId: previous.patientId,
            custodianMsp: previous.custodianMsp,
            authorId: author.actorId,
            type: input.type,
            status: 'current',
            relatesTo: { code: 'replaces', targetId: previous.id },
            contentHash: input.contentHash,
            ...(input.contentSha1 ? { contentSha1: input.contentSha1 } : {}),
            size: input.size,
            mediaType: input.mediaType,
            locationDigest: input.locationDigest,
            date: now,
            updatedAt: now,
        };
        const superseded: RecordPointer = { ...previous, status: 'superseded', updatedAt: now };
        await inWriteBatch(ctx, async () => {
            await ctx.stub.putState(EhrKeys.record(ctx, previous.id), toBytes(superseded));
            await putNewRecord(ctx, record);
        });
        emitEhrEvent(ctx, 'ehr.RecordAmended', { ...recordEvent(record), replaces: previous.id });
        return JSON.stringify(record);
    }

    /**
     * Stores a record's location (transient `location` and `salt`) in the custodian's implicit
     * collection. It writes nothing public, so the custodian's peers alone endorse it and the
     * location never reaches another org. The salted digest must match the registered pointer.
     */
    @Transaction()
    @Returns('string')
    async StoreRecordLocation(ctx: Context, recordId: string): Promise<string> {
        requireRole(ctx, 'physician', 'nurse');
        const id = requireId(recordId, 'recordId');
        const { location, salt } = transientLocation(ctx);
        const clinician = await requireLicensedClinician(ctx);
        const record = await requireRecord(ctx, id);
        if (record.custodianMsp !== clinician.mspId) {
            throw forbidden(
                `only clinicians of custodian ${record.custodianMsp} may store the location of record ${id}`,
            );
        }
        if (isErased(record)) {
            throw conflict(`record ${id} is erased`, 'recordId');
        }
        if (saltedDigest(salt, location) !== record.locationDigest) {
            throw invalidArgument('transient.location', "salted digest does not match the record's locationDigest");
        }
        await putLocation(ctx, record.custodianMsp, { recordId: id, location, salt });
        const stored = { recordId: id, custodianMsp: record.custodianMsp, storedAt: txTimeIso(ctx) };
        emitEhrEvent(ctx, 'ehr.RecordLocationStored', stored);
        return JSON.stringify(stored);
    }

    /**
     * Stores the locations of up to {@link MaxRecordsPerBatch} pointers in the custodian's implicit
     * collection: `{recordIds: [...]}` and transient `locations`, a JSON array of `{location, salt}` in
     * the same order. Like StoreRecordLocation it writes nothing public, so the custodian's peers alone
     * endorse it. Every item is checked first; a refusal names it and nothing is written.
     */
    @Transaction()
    @Returns('string')
    async StoreRecordLocations(ctx: Context, batchJson: string): Promise<string> {
        requireRole(ctx, 'physician', 'nurse');
        const batch = parseJsonArg<Record<string, unknown>>(batchJson, 'batch');
        requireOnlyFields(batch, ['recordIds'], 'batch');
        const ids = requireBatch<unknown>(batch.recordIds, 'recordIds', MaxRecordsPerBatch).map((id, index) =>
            requireId(id, `recordIds[${index}]`),
        );
        requireDistinct(ids, 'recordIds', 'id');
        const locations = transientLocationBatch(ctx, ids.length);
        const clinician = await requireLicensedClinician(ctx);
        const records: RecordPointer[] = [];
        const stored = await getStates(
            ctx,
            ids.map((id) => EhrKeys.record(ctx, id)),
        );
        for (const [index, id] of ids.entries()) {
            const field = `recordIds[${index}]`;
            const bytes = stored[index];
            const record = bytes && bytes.length > 0 ? fromBytes<StoredRecord>(bytes) : undefined;
            if (!record) {
                throw notFound('record', id);
            }
            if (record.custodianMsp !== clinician.mspId) {
                throw forbidden(
                    `only clinicians of custodian ${record.custodianMsp} may store the location of ${field}`,
                );
            }
            if (isErased(record)) {
                throw conflict(`record ${id} is erased`, field);
            }
            if (saltedDigest(locations[index].salt, locations[index].location) !== record.locationDigest) {
                throw invalidArgument(
                    `transient.locations[${index}]`,
                    `salted digest does not match the locationDigest of ${field}`,
                );
            }
            records.push(record);
        }
        await inWriteBatch(ctx, async () => {
            for (const [index, record] of records.entries()) {
                await putLocation(ctx, record.custodianMsp, { recordId: record.id, ...locations[index] });
            }
        });
        const result = { custodianMsp: clinician.mspId, recordIds: ids, storedAt: txTimeIso(ctx) };
        emitEhrEvent(ctx, 'ehr.RecordLocationsStored', result);
        return JSON.stringify(result);
    }

    /**
     * Withdraws a pending pointer — one whose location never committed and now cannot be (the
     * location was lost, the author's licence lapsed): the custodian's staff (physician, nurse,
     * admin) delete the pointer and its index entries, so its id may be registered again. An
     * amendment's pointer also gives the version it replaced back its `current` status. A pointer
     * whose location committed is never cancelled (CONFLICT): amend it, or the patient erases it.
     */
    @Transaction()
    @Returns('string')
    async CancelPendingRecord(ctx: Context, recordId: string): Promise<string> {
        const id = requireId(recordId, 'recordId');
        const who = caller(ctx);
        const record = await requireRecord(ctx, id);
        if (!isStaffOf(who, record.custodianMsp)) {
            throw forbidden(`only staff of custodian ${record.custodianMsp} may cancel record ${id}`);
        }
        if (isErased(record) || !(await isPendingLocation(ctx, record))) {
            throw conflict(`record ${id} is not pending: its location is stored (or it is erased)`, 'recordId');
        }
        const now = txTimeIso(ctx);
        let restored: string | undefined;
        if (record.relatesTo?.code === 'replaces') {
            const previous = await getRecord(ctx, record.relatesTo.targetId);
            if (previous && !isErased(previous) && previous.status === 'superseded') {
                await ctx.stub.putState(
                    EhrKeys.record(ctx, previous.id),
                    toBytes({ ...previous, status: 'current', updatedAt: now }),
                );
                restored = previous.id;
            }
        }
        await ctx.stub.deleteState(EhrKeys.record(ctx, id));
        await ctx.stub.deleteState(EhrKeys.recordByPatient(ctx, record.patientId, record.custodianMsp, id));
        await ctx.stub.deleteState(EhrKeys.recordByCustodian(ctx, record.custodianMsp, id));
        const cancelled = {
            recordId: id,
            patientId: record.patientId,
            custodianMsp: record.custodianMsp,
            cancelledAt: now,
            restored,
        };
        emitEhrEvent(ctx, 'ehr.RecordCancelled', cancelled);
        return JSON.stringify(cancelled);
    }

    /**
     * Pointers of the caller's org still waiting for their location (pending), for its staff: what a
     * gateway completes after a crash, or the custodian cancels. A page scans `pageSize` pointers of
     * the custodian and returns the pending ones among them; follow the bookmark to the end.
     */
    @Transaction(false)
    @Returns('string')
    async ListPendingRecords(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
        const who = caller(ctx);
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        if (!isStaffOf(who, who.mspId)) {
            throw forbidden("pending records are listed for the custodian org's staff only");
        }
        const page = await pageByPartialKey<{ recordId: string }, CustodianViewOfRecord>(
            ctx,
            EhrObjects.recordByCustodian,
            [who.mspId],
            size,
            mark,
            async (ref) => {
                const record = await getRecord(ctx, ref.recordId);
                return record && !isErased(record) && (await isPendingLocation(ctx, record))
                    ? { ...record, pending: true }
                    : undefined;
            },
        );
        return JSON.stringify(page);
    }

    /** A pointer (or its erasure tombstone), for the patient, the custodian's staff and regulators; never the location. */
    @Transaction(false)
    @Returns('string')
    async GetRecord(ctx: Context, recordId: string): Promise<string> {
        const record = await requireRecord(ctx, requireId(recordId, 'recordId'));
        const who = caller(ctx);
        if (!(await mayReadPointer(ctx, who, record))) {
            throw forbidden(
                `record ${record.id} is readable by its patient, custodian and regulators; others use ehr-access:AccessRecord`,
            );
        }
        if (!isErased(record) && (await isPendingLocation(ctx, record))) {
            if (!isStaffOf(who, record.custodianMsp)) {
                throw conflict(`record ${record.id} is pending: its custodian has not stored its location`, 'recordId');
            }
            const view: CustodianViewOfRecord = { ...record, pending: true };
            return JSON.stringify(view);
        }
        return JSON.stringify(record);
    }

    /**
     * Live pointers of a patient. The patient, their delegates and regulators see all; a clinician
     * sees those that a consent valid now grants them (whatever its purpose); others nothing.
     */
    @Transaction(false)
    @Returns('string')
    async ListRecordsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
        const who = caller(ctx);
        const id = queriedPatientId(who, patientId);
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        let visible: (record: RecordPointer) => boolean = () => true;
        if (!(isRegulatorInspector(who) || (await speaksForPatient(ctx, id)))) {
            const now = txTime(ctx);
            // Only a licensed clinician lists through a consent; an org-wide one reaches clinicians of that org alone.
            const consents =
                isClinician(who) && (await holdsValidLicence(ctx, who))
                    ? (await allLiveConsentsOf(ctx, who, id)).filter((c) => inPeriod(c, now))
                    : [];
            if (consents.length === 0) {
                throw forbidden(`caller holds no consent of patient ${id} valid now`);
            }
            visible = (record) => consents.some((consent) => scopeCovers(consent.scope, record));
        }
        const page = await pageByPartialKey<{ recordId: string }, RecordPointer>(
            ctx,
            EhrObjects.recordByPatient,
            [id],
            size,
            mark,
            async (ref) => {
                const record = await getRecord(ctx, ref.recordId);
                return record && !isErased(record) && visible(record) && !(await isPendingLocation(ctx, record))
                    ? record
                    : undefined;
            },
        );
        return JSON.stringify(page);
    }

    /** Live pointers an org holds, for its own staff and regulators. `custodianMsp` defaults to the caller's org. */
    @Transaction(false)
    @Returns('string')
    async ListRecordsByCustodian(
        ctx: Context,
        custodianMsp: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const who = caller(ctx);
        const msp = custodianMsp === '' ? who.mspId : requireMspId(custodianMsp, 'custodianMsp');
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        if (!(isStaffOf(who, msp) || isRegulatorInspector(who))) {
            throw forbidden(`records held by ${msp} are listed for its staff and regulators only`);
        }
        const page: Page<CustodianViewOfRecord> = await pageByPartialKey<{ recordId: string }, CustodianViewOfRecord>(
            ctx,
            EhrObjects.recordByCustodian,
            [msp],
            size,
            mark,
            async (ref) => {
                const record = await getRecord(ctx, ref.recordId);
                if (!record || isErased(record) || !(await isPendingLocation(ctx, record))) {
                    return record;
                }
                // Pending pointers: flagged for the custodian's staff, not shown to regulators.
                return isStaffOf(who, msp) ? { ...record, pending: true as const } : undefined;
            },
        );
        return JSON.stringify(page);
    }
}

function newPointer(
    input: RegisterRecordInput,
    author: { mspId: string; actorId: string },
    now: string,
): RecordPointer {
    return {
        id: input.id,
        seriesId: input.id,
        version: 1,
        patientId: input.patientId,
        custodianMsp: author.mspId,
        authorId: author.actorId,
        type: input.type,
        status: 'current',
        contentHash: input.contentHash,
        ...(input.contentSha1 ? { contentSha1: input.contentSha1 } : {}),
        size: input.size,
        mediaType: input.mediaType,
        locationDigest: input.locationDigest,
        date: now,
        updatedAt: now,
    };
}

/** A refusal of a batch item's rule re-aimed at `field` (the enrolment check names `patientId`). */
function reField(error: unknown, field: string): unknown {
    return error instanceof ContractError && error.field === undefined
        ? new ContractError(error.code, error.detail, field)
        : error;
}

function recordEvent(record: RecordPointer): RecordEventPayload {
    return {
        recordId: record.id,
        seriesId: record.seriesId,
        version: record.version,
        patientId: record.patientId,
        custodianMsp: record.custodianMsp,
        typeCode: record.type.code,
    };
}

function requireKeyId(keyId: string): string {
    if (typeof keyId !== 'string' || !/^[0-9a-f]{64}$/.test(keyId)) {
        throw invalidArgument('keyId', 'must be the SHA-256 of a public key (SPKI), 64 lowercase hex digits');
    }
    return keyId;
}
