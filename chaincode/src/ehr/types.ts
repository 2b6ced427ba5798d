/**
 * Plain data of the EHR domain, shared by the chaincode and the gateway. Nothing here carries
 * personal health information: patients and practitioners appear only as pseudonymous ids,
 * documents only as hashes, codes and sizes. See README.md for the FHIR mapping of each shape.
 */

/** A code from a code system, as FHIR's Coding. */
export interface Coding {
    system: string;
    code: string;
    display?: string;
}

/** A patient's pseudonymous id bound to the org whose CA enrolled them (FHIR Patient, reduced to its id). */
export interface PatientEnrolment {
    patientId: string;
    /** The MSP whose certificates speak for this patient; set once, at enrolment. */
    homeMsp: string;
    enrolledAt: string;
    /**
     * SHA-256 of the public keys (SPKI) that speak for the patient: the enrolling certificate's key,
     * then keys the patient authorised with a bound key. Absent only on enrolments made before keys
     * were bound; those accept any key of the home MSP.
     */
    keyIds?: string[];
}

/** Someone a patient named to grant and revoke consents on their behalf. */
export interface Delegate {
    patientId: string;
    mspId: string;
    actorId: string;
    /** End of the delegation (exclusive); open-ended when absent. */
    until?: string;
    namedAt: string;
}

export const RecordStatuses = ['current', 'superseded', 'entered-in-error'] as const;
export type RecordStatus = (typeof RecordStatuses)[number];

/**
 * A pointer to an off-chain document, shaped after FHIR R4 DocumentReference. The location
 * itself lives in the custodian's private data; the channel sees only `locationDigest`.
 */
export interface RecordPointer {
    id: string;
    /** Id of the first version; every amendment of a document shares it. */
    seriesId: string;
    version: number;
    patientId: string;
    custodianMsp: string;
    /** Practitioner id of the clinician who registered this version. */
    authorId: string;
    /** Document type (LOINC). */
    type: Coding;
    status: RecordStatus;
    relatesTo?: { code: 'replaces'; targetId: string };
    /** SHA-256 of the document bytes, hex. */
    contentHash: string;
    /** SHA-1 of the document bytes, base64 (FHIR R4 `Attachment.hash`), when the registrant sent it. */
    contentSha1?: string;
    size: number;
    mediaType: string;
    /** SHA-256 hex of `salt + "\n" + location`; salt and location stay in the custodian's private data. */
    locationDigest: string;
    /** When this version was registered (transaction time). */
    date: string;
    /** Last status change (transaction time). */
    updatedAt: string;
}

/**
 * What stays of a pointer after the patient's erasure: enough to prove the record existed, was
 * erased and matched a document (its content hash), and nothing that describes it.
 */
export interface ErasedRecord {
    id: string;
    seriesId: string;
    version: number;
    patientId: string;
    custodianMsp: string;
    status: 'entered-in-error';
    contentHash: string;
    date: string;
    updatedAt: string;
    erased: true;
    erasureId: string;
}

/** The value under a record key: a live pointer or an erasure tombstone. */
export type StoredRecord = RecordPointer | ErasedRecord;

/** What a clinician of the custodian registers; id, dates, author and custodian come from the transaction. */
export interface RegisterRecordInput {
    id: string;
    patientId: string;
    type: Coding;
    contentHash: string;
    contentSha1?: string;
    size: number;
    mediaType: string;
    locationDigest: string;
}

/** A new version of an existing record; patient, custodian and type series follow the previous version. */
export interface AmendRecordInput {
    id: string;
    previousId: string;
    type: Coding;
    contentHash: string;
    contentSha1?: string;
    size: number;
    mediaType: string;
    locationDigest: string;
}

/** The custodian's private copy of where a document lives (key: record id, implicit org collection). */
export interface RecordLocation {
    recordId: string;
    location: string;
    salt: string;
}

/** Who a consent admits: one practitioner (`actorId`) or every member of an org (no `actorId`). */
export interface Grantee {
    mspId: string;
    actorId?: string;
}

export type ConsentScope =
    { kind: 'all' } | { kind: 'type'; typeCode: string } | { kind: 'records'; recordIds: string[] };

export const ConsentStatuses = ['active', 'inactive'] as const;
export type ConsentStatus = (typeof ConsentStatuses)[number];

/** A patient's permit, shaped after FHIR R4 Consent (scope patient-privacy, provision type permit). */
export interface Consent {
    id: string;
    patientId: string;
    status: ConsentStatus;
    grantee: Grantee;
    scope: ConsentScope;
    /** v3-ActReason purposes of use the grantee may read for. */
    purposes: string[];
    period: { start: string; end: string };
    /** When it was granted (transaction time). */
    dateTime: string;
    grantedBy: { mspId: string; actorId: string; asDelegate: boolean };
    revokedAt?: string;
    revokedBy?: { mspId: string; actorId: string; asDelegate: boolean };
}

export interface GrantConsentInput {
    id: string;
    /** Only when a delegate grants: the patient they act for. A patient's own id always comes from their certificate. */
    patientId?: string;
    grantee: Grantee;
    scope: ConsentScope;
    purposes: string[];
    period: { start?: string; end: string };
}

/** FHIR AuditEvent.outcome: 0 success, 4 minor failure (here: access denied). */
export type AuditOutcome = '0' | '4';

export const DenialReasons = [
    'record-erased',
    'regulator',
    'not-a-clinician',
    'credential-invalid',
    'no-consent',
    'consent-not-yet-valid',
    'consent-expired',
    'purpose-not-permitted',
    /** Break-glass controls (break-glass.ts): too many emergency reads this hour or today. */
    'break-glass-rate-limit',
    /** Break-glass controls: too many distinct patients today. */
    'break-glass-patient-limit',
    /** Break-glass controls: another patient with no care relationship to the practitioner's org today. */
    'break-glass-no-care-relationship',
] as const;
export type DenialReason = (typeof DenialReasons)[number];

/** One access attempt, shaped after FHIR R4 AuditEvent (action R). Immutable once written. */
export interface AuditEntry {
    /** The transaction id: one access per transaction. */
    id: string;
    type: Coding;
    subtype?: Coding;
    action: 'R';
    recorded: string;
    outcome: AuditOutcome;
    /** Why access was denied; absent on success. */
    outcomeDesc?: DenialReason;
    purposeOfEvent: string;
    agent: { mspId: string; actorId: string; role?: string; requestor: true };
    entity: { recordId: string; patientId: string; custodianMsp: string };
    /** The consent that allowed it, if one did. */
    consentId?: string;
    /** True for break-glass (emergency override) attempts, allowed or not. */
    emergency: boolean;
    /** Break-glass only: the public category of the reason, and a salted digest of its text. */
    reasonCode?: string;
    reasonDigest?: string;
    /** Break-glass only: how the practitioner's org relates to the patient (break-glass.ts). */
    careRelationship?: CareRelationship;
}

/** The practitioner's org is the record's custodian, the patient's home org, holds a live consent of the patient, or none of these. */
export type CareRelationship = 'custodian' | 'home-org' | 'consent' | 'none';

/** Emergency reads of one practitioner on one UTC day (`ehr.breakglass.usage` [mspId, actorId, day]); allowed reads only. */
export interface BreakGlassUsage {
    mspId: string;
    actorId: string;
    day: string;
    reads: number;
    /** Allowed reads per UTC hour ("00".."23"). */
    readsByHour: Record<string, number>;
    /** Distinct patients read today, sorted. */
    patients: string[];
    /** Of those, the patients without a care relationship to the practitioner's org, sorted. */
    unrelatedPatients: string[];
}

/**
 * What every break-glass event carries for the custodian and the regulator: pseudonymous ids and
 * counts only, like the audit entry it announces (the public channel rule of finding 6).
 */
export interface BreakGlassAlert {
    careRelationship: CareRelationship;
    /** The practitioner's allowed emergency reads this UTC hour and day, and distinct patients today, this read included when allowed. */
    readsThisHour: number;
    readsToday: number;
    patientsToday: number;
    /** True when a limit refused this read. */
    limited: boolean;
}

/** What an access transaction returns: the audit entry, and the pointer when access was allowed. */
export interface AccessResult {
    audit: AuditEntry;
    allowed: boolean;
    record?: RecordPointer;
}

/** A document location, released only to an agent with a recent allowed access. */
export interface LocationGrant {
    recordId: string;
    auditId: string;
    location: string;
    contentHash: string;
    mediaType: string;
}

/** Receipt of one erasure request: the records it tombstoned at one custodian. */
export interface ErasureReceipt {
    id: string;
    patientId: string;
    custodianMsp: string;
    recordIds: string[];
    requestedAt: string;
    /** True when live records of this custodian remain; request again to continue. */
    more: boolean;
}

/** Proof, as seen by the peer that ran the query, that a record's pointer and private data are gone. */
export interface ErasureProof {
    recordId: string;
    custodianMsp: string;
    pointerErased: boolean;
    /** Whether the channel still holds the hash of the location (every peer can check this). */
    privateDataHashPresent: boolean;
    /** Whether this peer holds the location; absent when this peer cannot tell (not a custodian peer). */
    privateDataPresent?: boolean;
    /** The pointer is a tombstone and the location's hash is gone, so no peer holds the location. */
    erased: boolean;
}

// Events ------------------------------------------------------------------------------------

/** Payload of `ehr.RecordRegistered` and (with `replaces`) `ehr.RecordAmended`. */
export interface RecordEventPayload {
    recordId: string;
    seriesId: string;
    version: number;
    patientId: string;
    custodianMsp: string;
    typeCode: string;
    replaces?: string;
}

export interface ConsentEventPayload {
    consentId: string;
    patientId: string;
    status: ConsentStatus;
    grantee: Grantee;
    scopeKind: ConsentScope['kind'];
    purposes: string[];
    periodEnd: string;
    /** Who granted (for ConsentGranted) or revoked (for ConsentRevoked). */
    by: Consent['grantedBy'];
}

/** Payload of `ehr.RecordAccessed`, `ehr.AccessDenied` and `ehr.EmergencyAccess`. */
export interface AccessEventPayload {
    auditId: string;
    recordId: string;
    patientId: string;
    custodianMsp: string;
    agent: { mspId: string; actorId: string };
    purpose: string;
    outcome: AuditOutcome;
    reason?: DenialReason;
    emergency: boolean;
    reasonCode?: string;
    /** Break-glass only (allowed or refused): the alert to the custodian and the regulator. */
    alert?: BreakGlassAlert;
}

export interface DelegateRemovedPayload {
    patientId: string;
    mspId: string;
    actorId: string;
    removedAt: string;
}

export interface LocationStoredPayload {
    recordId: string;
    custodianMsp: string;
    storedAt: string;
}

/**
 * Pointers of one bulk registration. `patientId` is set when every pointer is the same patient's,
 * so that patient's stream receives it; a batch spanning patients goes to the custodian's staff
 * and regulators only (a patient never learns of another patient's pointers).
 */
export interface RecordsRegisteredPayload {
    custodianMsp: string;
    patientId?: string;
    registeredAt: string;
    records: RecordEventPayload[];
}

export interface LocationsStoredPayload {
    custodianMsp: string;
    recordIds: string[];
    storedAt: string;
}

/** A pending pointer (its location never committed) withdrawn by the custodian; its id may be used again. */
export interface RecordCancelledPayload {
    recordId: string;
    patientId: string;
    custodianMsp: string;
    cancelledAt: string;
    /** The version an amendment pointer replaced, current again. */
    restored?: string;
}

/** Consents of one bulk grant: always one patient. Grantees learn of them through ListConsentsByGrantee. */
export interface ConsentsGrantedPayload {
    patientId: string;
    consents: ConsentEventPayload[];
}

/**
 * A pointer as its custodian's staff see it: `pending` while its location has not committed
 * (StoreRecordLocation), derived from the location's hash on the channel, never stored.
 */
export type CustodianViewOfRecord = StoredRecord & { pending?: true };

export interface LocationsPurgedPayload {
    erasureId: string;
    patientId: string;
    custodianMsp: string;
    recordIds: string[];
}

/** Every chaincode event of the EHR domain and its payload. None carries a location or free text. */
export interface EhrEventPayloads {
    'ehr.PatientEnrolled': PatientEnrolment;
    'ehr.DelegateNamed': Delegate;
    'ehr.DelegateRemoved': DelegateRemovedPayload;
    'ehr.RecordRegistered': RecordEventPayload;
    'ehr.RecordAmended': RecordEventPayload;
    'ehr.RecordLocationStored': LocationStoredPayload;
    'ehr.RecordsRegistered': RecordsRegisteredPayload;
    'ehr.RecordLocationsStored': LocationsStoredPayload;
    'ehr.RecordCancelled': RecordCancelledPayload;
    'ehr.ConsentsGranted': ConsentsGrantedPayload;
    'ehr.ConsentGranted': ConsentEventPayload;
    'ehr.ConsentRevoked': ConsentEventPayload;
    'ehr.RecordAccessed': AccessEventPayload;
    'ehr.AccessDenied': AccessEventPayload;
    'ehr.EmergencyAccess': AccessEventPayload;
    'ehr.ErasureRequested': ErasureReceipt;
    'ehr.LocationsPurged': LocationsPurgedPayload;
}

export type EhrEventName = keyof EhrEventPayloads;
