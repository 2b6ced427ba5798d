import { createHash, randomBytes } from 'node:crypto';
import {
    EhrTransientKeys,
    fromBytes,
    MaxConsentsPerBatch,
    MaxRecordsPerBatch,
    parseAmendInput,
    parseRegisterInput,
    requireLocation,
    requireSalt,
    saltedDigest,
    type AccessResult,
    type AuditEntry,
    type BreakGlassReasonCode,
    type Consent,
    type ConsentPurpose,
    type Delegate,
    type EhrCoding,
    type ErasureProof,
    type ErasureReceipt,
    type GrantConsentInput,
    type Grantee,
    type LocationGrant,
    type Page,
    type PatientEnrolment,
    type RecordPointer,
    type StoredRecord,
    type CustodianViewOfRecord,
} from '@careledger/chaincode';
import { LedgerError, type LedgerSession, type TransactionRequest } from '../ledger';
import type { PendingLocation, PendingPointerJournal } from './pending-journal';

export interface PageRequest {
    pageSize?: number;
    bookmark?: string;
}

/** A document to point at. The location goes to the custodian's peers only; the ledger keeps a salted digest. */
export interface NewRecord {
    id: string;
    patientId: string;
    /** LOINC document type, e.g. `{ system: 'http://loinc.org', code: '11506-3' }`. */
    type: EhrCoding;
    /** SHA-256 of the document bytes, lowercase hex (see {@link documentDigest}). */
    contentHash: string;
    /** SHA-1 of the document bytes, base64, as FHIR R4's `Attachment.hash`; optional. */
    contentSha1?: string;
    size: number;
    mediaType: string;
    location: string;
    /** Random salt of the location digest; generated when absent. Keep it to retry {@link EhrClient.storeRecordLocation}. */
    salt?: string;
}

export interface RecordAmendment extends Omit<NewRecord, 'patientId'> {
    previousId: string;
}

export interface RegisterOptions {
    /** Runs after the pointer committed and before the location is stored (e.g. sealing the bytes off-chain). */
    beforeLocation?: () => Promise<void>;
}

export interface RegisteredRecord {
    record: RecordPointer;
    /** The salt the location digest was computed with. */
    salt: string;
}

export interface RegisteredRecords {
    records: RecordPointer[];
    /** The salts of the location digests, in the order of `records`. */
    salts: string[];
}

export interface EhrClientOptions {
    /**
     * Where a two-step registration is kept from before its pointer's submit until its location
     * commits, so a gateway that dies between the steps completes it when it starts again.
     */
    journal?: PendingPointerJournal;
}

export interface BreakGlassResult extends AccessResult {
    /** Salt of the reason's digest on the ledger: archive it with the reason to prove it later. */
    reasonSalt: string;
}

/** What an audited read yields: the access decision, and the document's location when allowed. */
export interface RecordRead {
    access: AccessResult;
    location?: LocationGrant;
}

/** SHA-256 (hex) and size of a document, as a record pointer carries them. */
export function documentDigest(content: Uint8Array | string): { contentHash: string; size: number } {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    return { contentHash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

const newSalt = () => randomBytes(16).toString('hex');

/**
 * Typed access to the EHR contracts (`ehr`, `ehr-consent`, `ehr-access`, `ehr-erasure`) as one
 * identity. State changes and every read of a record are submitted (so reads are audited);
 * lists and trails are evaluated. Contract rejections surface as `LedgerError` with the
 * contract's code and field.
 *
 * Endorsement follows the design: the location of a document is stored, read and purged only
 * on the custodian's peers (`endorsingOrganizations: [custodian]`), so it never reaches another
 * org; everything else lets the gateway pick endorsers for the channel's policy.
 *
 * @example
 * const patient = new EhrClient(await env.session('hospital', 'patient1'));
 * await patient.enrolPatient();
 * await patient.grantConsent({ id: 'c-1', grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
 *     scope: { kind: 'all' }, purposes: ['TREAT'], period: { end: '2026-12-31T00:00:00Z' } });
 * const physician = new EhrClient(await env.session('hospital', 'physician1'));
 * const { access, location } = await physician.readRecord('rec-1', 'TREAT');  // audited; location if allowed
 */
export class EhrClient {
    constructor(
        private readonly session: LedgerSession,
        private readonly options: EhrClientOptions = {},
    ) {}

    // Patients and delegates ------------------------------------------------------------------

    /** Binds the caller's patient id to their org; repeating it is harmless. */
    enrolPatient(): Promise<PatientEnrolment> {
        return this.submit({ contract: 'ehr', name: 'EnrolPatient' });
    }

    nameDelegate(delegate: { mspId: string; actorId: string; until?: string }): Promise<Delegate> {
        return this.submit({ contract: 'ehr', name: 'NameDelegate', args: [JSON.stringify(delegate)] });
    }

    removeDelegate(
        mspId: string,
        actorId: string,
    ): Promise<{ patientId: string; mspId: string; actorId: string; removedAt: string }> {
        return this.submit({ contract: 'ehr', name: 'RemoveDelegate', args: [mspId, actorId] });
    }

    listDelegates(page: PageRequest = {}): Promise<Page<Delegate>> {
        return this.evaluate({ contract: 'ehr', name: 'ListDelegates', args: pageArgs(page) });
    }

    // Record pointers -------------------------------------------------------------------------

    /**
     * Registers a pointer (public, endorsed for the channel policy), then stores its location in
     * the caller's org's private data (endorsed by the caller's org alone). Everything either step
     * checks of the input, the location included, is checked before the first submit, so bad input
     * commits nothing. Until the location commits the pointer is pending (only its custodian sees
     * it); with a journal, a gateway that dies between the steps completes them when it restarts.
     * If the second step fails, retry it with {@link storeRecordLocation} and the returned salt.
     */
    async registerRecord(record: NewRecord, options: RegisterOptions = {}): Promise<RegisteredRecord> {
        const { location, salt = newSalt(), ...fields } = record;
        const pointerArg = checked(() => {
            const pointer = {
                ...fields,
                type: codeOnly(fields.type),
                locationDigest: saltedDigest(checkedSalt(salt, 'salt'), requireLocation(location, 'location')),
            };
            parseRegisterInput(pointer);
            return JSON.stringify(pointer);
        });
        const pointer = await this.twoSteps(
            [{ recordId: fields.id, location, salt }],
            () => this.submit<RecordPointer>({ contract: 'ehr', name: 'RegisterRecord', args: [pointerArg] }),
            options,
        );
        return { record: pointer, salt };
    }

    /**
     * Registers up to {@link MaxRecordsPerBatch} pointers (patients may differ) in one transaction,
     * then their locations in one custodian-only transaction: two submits for the whole batch.
     * Every item is checked before the first submit; a bad item is refused as
     * `INVALID_ARGUMENT(records[i].field)` and nothing is written. The journal keeps the batch as
     * one intent.
     */
    async registerRecords(records: readonly NewRecord[], options: RegisterOptions = {}): Promise<RegisteredRecords> {
        if (!Array.isArray(records) || records.length === 0 || records.length > MaxRecordsPerBatch) {
            throw new LedgerError('INVALID_ARGUMENT', `must hold 1 to ${MaxRecordsPerBatch} records`, {
                field: 'records',
            });
        }
        const locations: PendingLocation[] = [];
        const pointers = records.map((record, index) => {
            const { location, salt = newSalt(), ...fields } = record;
            return checked(() => {
                const pointer = {
                    ...fields,
                    type: codeOnly(fields.type),
                    locationDigest: saltedDigest(
                        checkedSalt(salt, 'record.salt'),
                        requireLocation(location, 'record.location'),
                    ),
                };
                parseRegisterInput(pointer);
                locations.push({ recordId: fields.id, location, salt });
                return pointer;
            }, `records[${index}]`);
        });
        const seen = new Map<string, number>();
        pointers.forEach((pointer, index) => {
            const first = seen.get(pointer.id);
            if (first !== undefined) {
                throw new LedgerError('INVALID_ARGUMENT', `repeats records[${first}].id`, {
                    field: `records[${index}].id`,
                });
            }
            seen.set(pointer.id, index);
        });
        const registered = await this.twoSteps(
            locations,
            async () =>
                (
                    await this.submit<{ records: RecordPointer[] }>({
                        contract: 'ehr',
                        name: 'RegisterRecords',
                        args: [JSON.stringify({ records: pointers })],
                    })
                ).records,
            options,
        );
        return { records: registered, salts: locations.map((l) => l.salt) };
    }

    /** A new version replacing `previousId`; its location is stored as in {@link registerRecord}. */
    async amendRecord(amendment: RecordAmendment): Promise<RegisteredRecord> {
        const { location, salt = newSalt(), ...fields } = amendment;
        const pointerArg = checked(() => {
            const pointer = {
                ...fields,
                type: codeOnly(fields.type),
                locationDigest: saltedDigest(checkedSalt(salt, 'salt'), requireLocation(location, 'location')),
            };
            parseAmendInput(pointer);
            return JSON.stringify(pointer);
        });
        const pointer = await this.twoSteps(
            [{ recordId: fields.id, location, salt }],
            () => this.submit<RecordPointer>({ contract: 'ehr', name: 'AmendRecord', args: [pointerArg] }),
            {},
        );
        return { record: pointer, salt };
    }

    /**
     * Stores the locations of registered pointers in one custodian-only transaction (the second
     * step of {@link registerRecords}, or a retry after a failure).
     */
    storeRecordLocations(
        locations: readonly PendingLocation[],
    ): Promise<{ recordIds: string[]; custodianMsp: string }> {
        return this.submit({
            contract: 'ehr',
            name: 'StoreRecordLocations',
            args: [JSON.stringify({ recordIds: locations.map((l) => l.recordId) })],
            transient: {
                [EhrTransientKeys.locations]: JSON.stringify(
                    locations.map(({ location, salt }) => ({ location, salt })),
                ),
            },
            endorsingOrganizations: [this.session.identity.mspId],
        });
    }

    /** Pointers of the caller's org whose location never committed (staff of the org only). */
    listPendingRecords(page: PageRequest = {}): Promise<Page<CustodianViewOfRecord>> {
        return this.evaluate({ contract: 'ehr', name: 'ListPendingRecords', args: pageArgs(page) });
    }

    /** Withdraws a pending pointer of the caller's org; its id may be registered again. */
    cancelPendingRecord(
        recordId: string,
    ): Promise<{ recordId: string; patientId: string; custodianMsp: string; cancelledAt: string; restored?: string }> {
        return this.submit({ contract: 'ehr', name: 'CancelPendingRecord', args: [recordId] });
    }

    /** Stores a registered record's location on the custodian (the caller's org) peers only. */
    storeRecordLocation(
        recordId: string,
        location: string,
        salt: string,
    ): Promise<{ recordId: string; custodianMsp: string }> {
        return this.submit({
            contract: 'ehr',
            name: 'StoreRecordLocation',
            args: [recordId],
            transient: { [EhrTransientKeys.location]: location, [EhrTransientKeys.salt]: salt },
            endorsingOrganizations: [this.session.identity.mspId],
        });
    }

    /** A pointer or its erasure tombstone, for the patient, the custodian's staff and regulators. */
    getRecord(recordId: string): Promise<StoredRecord> {
        return this.evaluate({ contract: 'ehr', name: 'GetRecord', args: [recordId] });
    }

    /** Live pointers of a patient (default: the calling patient). */
    listRecordsByPatient(patientId = '', page: PageRequest = {}): Promise<Page<RecordPointer>> {
        return this.evaluate({ contract: 'ehr', name: 'ListRecordsByPatient', args: [patientId, ...pageArgs(page)] });
    }

    /** Live pointers an org holds (default: the caller's org). */
    listRecordsByCustodian(custodianMsp = '', page: PageRequest = {}): Promise<Page<RecordPointer>> {
        return this.evaluate({
            contract: 'ehr',
            name: 'ListRecordsByCustodian',
            args: [custodianMsp, ...pageArgs(page)],
        });
    }

    // Consent ---------------------------------------------------------------------------------

    grantConsent(consent: GrantConsentInput): Promise<Consent> {
        return this.submit({ contract: 'ehr-consent', name: 'GrantConsent', args: [JSON.stringify(consent)] });
    }

    /**
     * Grants up to {@link MaxConsentsPerBatch} consents of one patient in one transaction. A bad
     * item is refused naming it (`consents[2].period.end`) and nothing is written.
     */
    async grantConsents(consents: readonly GrantConsentInput[]): Promise<Consent[]> {
        if (!Array.isArray(consents) || consents.length === 0 || consents.length > MaxConsentsPerBatch) {
            throw new LedgerError('INVALID_ARGUMENT', `must hold 1 to ${MaxConsentsPerBatch} consents`, {
                field: 'consents',
            });
        }
        const result = await this.submit<{ consents: Consent[] }>({
            contract: 'ehr-consent',
            name: 'GrantConsents',
            args: [JSON.stringify({ consents })],
        });
        return result.consents;
    }

    revokeConsent(consentId: string): Promise<Consent> {
        return this.submit({ contract: 'ehr-consent', name: 'RevokeConsent', args: [consentId] });
    }

    getConsent(consentId: string): Promise<Consent> {
        return this.evaluate({ contract: 'ehr-consent', name: 'GetConsent', args: [consentId] });
    }

    /** A patient's consent history, revoked ones included (default: the calling patient). */
    listConsentsByPatient(patientId = '', page: PageRequest = {}): Promise<Page<Consent>> {
        return this.evaluate({
            contract: 'ehr-consent',
            name: 'ListConsentsByPatient',
            args: [patientId, ...pageArgs(page)],
        });
    }

    /** Live, unexpired consents naming `grantee` exactly. */
    listConsentsByGrantee(grantee: Grantee, page: PageRequest = {}): Promise<Page<Consent>> {
        return this.evaluate({
            contract: 'ehr-consent',
            name: 'ListConsentsByGrantee',
            args: [JSON.stringify(grantee), ...pageArgs(page)],
        });
    }

    // Access ----------------------------------------------------------------------------------

    /** An audited read of a pointer. A denial is a result (`allowed: false`), recorded on the ledger. */
    accessRecord(recordId: string, purpose: ConsentPurpose): Promise<AccessResult> {
        return this.submit({ contract: 'ehr-access', name: 'AccessRecord', args: [recordId, purpose] });
    }

    /**
     * Emergency override. The free-text `reason` travels as transient data to the endorsing peers
     * and is never stored; the ledger keeps `reasonCode` and a digest salted with the returned salt.
     */
    async breakGlass(recordId: string, reasonCode: BreakGlassReasonCode, reason: string): Promise<BreakGlassResult> {
        const reasonSalt = newSalt();
        const result = await this.submit<AccessResult>({
            contract: 'ehr-access',
            name: 'BreakGlassAccess',
            args: [recordId, reasonCode],
            transient: { [EhrTransientKeys.reason]: reason, [EhrTransientKeys.salt]: reasonSalt },
        });
        return { ...result, reasonSalt };
    }

    /** The document location after an allowed access, from a peer of the custodian. */
    getRecordLocation(access: { recordId: string; auditId: string; custodianMsp: string }): Promise<LocationGrant> {
        return this.evaluate({
            contract: 'ehr-access',
            name: 'GetRecordLocation',
            args: [access.recordId, access.auditId],
            endorsingOrganizations: [access.custodianMsp],
        });
    }

    /** Access (audited), then the location when allowed. */
    async readRecord(recordId: string, purpose: ConsentPurpose): Promise<RecordRead> {
        const access = await this.accessRecord(recordId, purpose);
        return { access, location: access.allowed ? await this.locationAfter(access) : undefined };
    }

    /** Break-glass (audited and flagged), then the location when allowed. */
    async readRecordInEmergency(
        recordId: string,
        reasonCode: BreakGlassReasonCode,
        reason: string,
    ): Promise<RecordRead & { reasonSalt: string }> {
        const { reasonSalt, ...access } = await this.breakGlass(recordId, reasonCode, reason);
        return { access, reasonSalt, location: access.allowed ? await this.locationAfter(access) : undefined };
    }

    getAuditEntry(auditId: string): Promise<AuditEntry> {
        return this.evaluate({ contract: 'ehr-access', name: 'GetAuditEntry', args: [auditId] });
    }

    listAuditByRecord(recordId: string, page: PageRequest = {}): Promise<Page<AuditEntry>> {
        return this.evaluate({
            contract: 'ehr-access',
            name: 'ListAuditByRecord',
            args: [recordId, ...pageArgs(page)],
        });
    }

    /** Every access to a patient's records, oldest first (default: the calling patient). */
    listAuditByPatient(patientId = '', page: PageRequest = {}): Promise<Page<AuditEntry>> {
        return this.evaluate({
            contract: 'ehr-access',
            name: 'ListAuditByPatient',
            args: [patientId, ...pageArgs(page)],
        });
    }

    // Erasure ---------------------------------------------------------------------------------

    /** Tombstones one batch of the calling patient's records at `custodianMsp`. */
    requestErasure(custodianMsp: string): Promise<ErasureReceipt> {
        return this.submit({ contract: 'ehr-erasure', name: 'RequestErasure', args: [custodianMsp] });
    }

    /** Purges an erasure's locations; endorsed by the custodian's peers, which alone hold them. */
    purgeErasedLocations(erasure: {
        id: string;
        custodianMsp: string;
    }): Promise<{ erasureId: string; recordIds: string[] }> {
        return this.submit({
            contract: 'ehr-erasure',
            name: 'PurgeErasedLocations',
            args: [erasure.id],
            endorsingOrganizations: [erasure.custodianMsp],
        });
    }

    /** Erases every live record of the calling patient at `custodianMsp`: request and purge, batch by batch. */
    async eraseRecords(custodianMsp: string): Promise<ErasureReceipt[]> {
        const receipts: ErasureReceipt[] = [];
        let receipt: ErasureReceipt;
        do {
            receipt = await this.requestErasure(custodianMsp);
            await this.purgeErasedLocations(receipt);
            receipts.push(receipt);
        } while (receipt.more);
        return receipts;
    }

    /** Proof of erasure; pass the custodian to also learn whether its peer still holds the location. */
    verifyErasure(recordId: string, custodianMsp?: string): Promise<ErasureProof> {
        return this.evaluate({
            contract: 'ehr-erasure',
            name: 'VerifyErasure',
            args: [recordId],
            endorsingOrganizations: custodianMsp ? [custodianMsp] : undefined,
        });
    }

    // -----------------------------------------------------------------------------------------

    /**
     * The pointer step, then the location step, journalled around both: the intent is durable
     * before the first submit and dropped when the location committed, or at once when the pointer
     * was refused (nothing committed). Any other failure leaves it for the next start's recovery.
     */
    private async twoSteps<T>(
        locations: PendingLocation[],
        pointerStep: () => Promise<T>,
        options: RegisterOptions,
    ): Promise<T> {
        const journal = this.options.journal;
        const intentId = await journal?.begin(locations);
        let pointer: T;
        try {
            pointer = await pointerStep();
        } catch (error) {
            if (intentId !== undefined && isRefusal(error)) {
                await journal?.finish(intentId);
            }
            throw error;
        }
        await options.beforeLocation?.();
        if (locations.length === 1) {
            await this.storeRecordLocation(locations[0].recordId, locations[0].location, locations[0].salt);
        } else {
            await this.storeRecordLocations(locations);
        }
        if (intentId !== undefined) {
            await journal?.finish(intentId);
        }
        return pointer;
    }

    private locationAfter(access: AccessResult): Promise<LocationGrant> {
        return this.getRecordLocation({
            recordId: access.audit.entity.recordId,
            auditId: access.audit.id,
            custodianMsp: access.audit.entity.custodianMsp,
        });
    }

    private async submit<T>(request: TransactionRequest): Promise<T> {
        const { result } = await this.session.submit(request);
        return fromBytes<T>(result);
    }

    private async evaluate<T>(request: TransactionRequest): Promise<T> {
        return fromBytes<T>(await this.session.evaluate(request));
    }
}

/**
 * A coding as it may go into transaction arguments: system and code only. Arguments are kept
 * in every peer's blocks forever, so free text (`display`, which a client may fill with a
 * patient's name) never goes there; a reader derives the display from the code system.
 */
function codeOnly(coding: EhrCoding): EhrCoding {
    return { system: coding?.system, code: coding?.code };
}

/** A contract refusal: the transaction was never endorsed, so nothing of it committed. */
function isRefusal(error: unknown): boolean {
    return (
        error instanceof LedgerError && ['INVALID_ARGUMENT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'].includes(error.code)
    );
}

/**
 * Runs the contract's own input rules here, before anything is submitted: a refusal becomes
 * `LedgerError(INVALID_ARGUMENT)` naming the field (under `prefix` for a batch item, e.g.
 * `records[3].size`), exactly as the chaincode would have answered.
 */
function checked<T>(rule: () => T, prefix?: string): T {
    try {
        return rule();
    } catch (error) {
        const refusal = error as { code?: string; detail?: string; field?: string };
        if (refusal?.code !== 'INVALID_ARGUMENT' || typeof refusal.detail !== 'string') {
            throw error;
        }
        const field = refusal.field ?? '';
        const named =
            prefix === undefined
                ? field
                : `${prefix}${field === 'record' ? '' : field.startsWith('record.') ? field.slice('record'.length) : `.${field}`}`;
        throw new LedgerError('INVALID_ARGUMENT', refusal.detail, { field: named || undefined });
    }
}

function checkedSalt(salt: unknown, field: string): string {
    return requireSalt(salt, field);
}

function pageArgs(page: PageRequest): [string, string] {
    return [page.pageSize === undefined ? '' : String(page.pageSize), page.bookmark ?? ''];
}
