import { createHash, randomBytes } from 'node:crypto';
import {
    EhrTransientKeys,
    fromBytes,
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
} from '@careledger/chaincode';
import type { LedgerSession, TransactionRequest } from '../ledger';

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
    constructor(private readonly session: LedgerSession) {}

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
     * the caller's org's private data (endorsed by the caller's org alone). If the second step
     * fails, retry it with {@link storeRecordLocation} and the returned salt.
     */
    async registerRecord(record: NewRecord, options: RegisterOptions = {}): Promise<RegisteredRecord> {
        const { location, salt = newSalt(), ...fields } = record;
        const pointer = await this.submit<RecordPointer>({
            contract: 'ehr',
            name: 'RegisterRecord',
            args: [
                JSON.stringify({
                    ...fields,
                    type: codeOnly(fields.type),
                    locationDigest: saltedDigest(salt, location),
                }),
            ],
        });
        await options.beforeLocation?.();
        await this.storeRecordLocation(pointer.id, location, salt);
        return { record: pointer, salt };
    }

    /** A new version replacing `previousId`; its location is stored as in {@link registerRecord}. */
    async amendRecord(amendment: RecordAmendment): Promise<RegisteredRecord> {
        const { location, salt = newSalt(), ...fields } = amendment;
        const pointer = await this.submit<RecordPointer>({
            contract: 'ehr',
            name: 'AmendRecord',
            args: [
                JSON.stringify({
                    ...fields,
                    type: codeOnly(fields.type),
                    locationDigest: saltedDigest(salt, location),
                }),
            ],
        });
        await this.storeRecordLocation(pointer.id, location, salt);
        return { record: pointer, salt };
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

function pageArgs(page: PageRequest): [string, string] {
    return [page.pageSize === undefined ? '' : String(page.pageSize), page.bookmark ?? ''];
}
