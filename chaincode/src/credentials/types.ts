import type { Role } from '../common/identity';

/**
 * Plain data types of the credentials domain, shared with the gateway. Nothing here holds
 * personal data: subjects are pseudonymous practitioner ids, documents are salted hashes,
 * and status reasons are codes with an optional case reference.
 */

/** The credential types CareLedger's contracts ask for. The registry may trust issuers of others. */
export const CredentialTypes = {
    MedicalLicense: 'MedicalLicense',
    NursingLicense: 'NursingLicense',
    PharmacistLicense: 'PharmacistLicense',
    ClinicalPrivileges: 'ClinicalPrivileges',
} as const;
export type KnownCredentialType = (typeof CredentialTypes)[keyof typeof CredentialTypes];

export const MedicalLicense = CredentialTypes.MedicalLicense;
export const NursingLicense = CredentialTypes.NursingLicense;
export const PharmacistLicense = CredentialTypes.PharmacistLicense;
export const ClinicalPrivileges = CredentialTypes.ClinicalPrivileges;

/**
 * A practitioner as bound to an enrolled identity: the `careledger.id` attribute the org's CA
 * wrote, within that org's MSP. The MSP is part of the binding, so an id enrolled by one
 * org's CA can never stand for another org's practitioner.
 */
/**
 * The regulator's suspension of a practitioner for a credential type. It binds the practitioner,
 * not one credential: an issuer revoking the suspended credential and issuing a new one does not
 * lift it; only the regulator does (reinstating the credential, or LiftRegulatorHold).
 */
export interface RegulatorHold {
    subject: PractitionerRef;
    type: string;
    /** The credential the regulator suspended. */
    credentialId: string;
    since: string;
    reason: StatusReason;
    by: Actor;
}

export interface PractitionerRef {
    mspId: string;
    actorId: string;
}

/** An identity that acted on the ledger, as its certificate named it. */
export interface Actor {
    mspId: string;
    actorId: string;
    role: Role;
}

/**
 * Why a status changed. A code from a fixed vocabulary plus an optional case reference (an id,
 * not prose), so no free text — and no personal data — reaches the ledger.
 */
export const StatusReasonCodes = [
    'investigation-pending',
    'investigation-closed',
    'disciplinary-action',
    'administrative-hold',
    'requirements-lapsed',
    'requirements-met',
    'voluntary-surrender',
    'court-order',
    'issued-in-error',
    'issuer-agreement-ended',
    'other',
] as const;
export type StatusReasonCode = (typeof StatusReasonCodes)[number];

export interface StatusReason {
    code: StatusReasonCode;
    /** A case or file number in the issuer's own system, e.g. `case-2026-0042`. */
    reference?: string;
}

// ---------------------------------------------------------------------------------------------
// Issuer registry

/** Whose practitioners an issuer may attest: only its own org's, or any org's (a regulator). */
export const SubjectScopes = ['own-org', 'any-org'] as const;
export type SubjectScope = (typeof SubjectScopes)[number];

export type IssuerStatus = 'trusted' | 'withdrawn';

/** One registry entry: org `mspId` may issue credentials of `type`, by identities of `roles`. */
export interface TrustedIssuer {
    mspId: string;
    type: string;
    roles: Role[];
    subjectScope: SubjectScope;
    status: IssuerStatus;
    /** Why trust was withdrawn; absent while trusted. */
    reason?: StatusReason;
    registeredAt: string;
    updatedAt: string;
    updatedBy: Actor;
    txId: string;
}

export interface RegisterIssuerInput {
    type: string;
    mspId: string;
    roles: string[];
    /** Default `own-org`. */
    subjectScope?: SubjectScope;
}

// ---------------------------------------------------------------------------------------------
// Credentials

export const CredentialStatuses = ['active', 'suspended', 'revoked'] as const;
export type CredentialStatus = (typeof CredentialStatuses)[number];

/** Who may lift a suspension: a regulator's suspension is lifted only by the regulator. */
export type Authority = 'issuer' | 'regulator';

/**
 * The W3C Bitstring Status List every issuer keeps per status purpose: one bit per
 * credential, at the credential's `statusListIndex`. The same index serves the revocation
 * and the suspension list of the issuer.
 */
export const StatusPurposes = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof StatusPurposes)[number];
/** Bits in each issuer's status list: 2^21, room for ~1M credentials at load factor 1/2. */
export const StatusListLength = 2 ** 21;

/**
 * One attestation. `commitment` is SHA-256(salt ‖ SHA-256(document)) — see commitment.ts;
 * the document and the salt stay with the holder.
 */
export interface Credential {
    id: string;
    type: string;
    /** 1 for a first issue; renewals count up along `previousId`. */
    version: number;
    previousId?: string;
    /** Set when renewed: the next version, in effect from `supersededAt`. */
    replacedBy?: string;
    supersededAt?: string;
    subject: PractitionerRef;
    /** The issuing org and the identity that signed the issue. */
    issuer: Actor;
    commitment: string;
    validFrom: string;
    validUntil?: string;
    status: CredentialStatus;
    statusReason?: StatusReason;
    statusChangedAt: string;
    statusChangedBy: Actor;
    /** While suspended: whose suspension it is. */
    suspendedBy?: Authority;
    statusListIndex: number;
    issuedAt: string;
    txId: string;
    /** Number of history entries (status changes) recorded for this credential. */
    changes: number;
}

/** A credential with its standing at the transaction's time. */
export interface CredentialView extends Credential {
    verdict: Verdict;
}

export interface IssueCredentialInput {
    id: string;
    type: string;
    subject: PractitionerRef;
    commitment: string;
    /** Default: the transaction's time. */
    validFrom?: string;
    validUntil?: string;
}

export interface RenewCredentialInput {
    previousId: string;
    id: string;
    commitment: string;
    /** Default: the transaction's time. */
    validFrom?: string;
    validUntil?: string;
}

/**
 * Payload of every credential event (`credentials.CredentialIssued`, `...Renewed`,
 * `...Suspended`, `...Reinstated`, `...Revoked`): ids, codes and org names only.
 */
export interface CredentialEvent {
    credentialId: string;
    type: string;
    version: number;
    subject: PractitionerRef;
    issuer: string;
    status: CredentialStatus;
    statusListIndex: number;
    validFrom: string;
    validUntil?: string;
    action: CredentialAction;
    reason?: StatusReason;
    /** For a renewal: the version it renews. */
    previousId?: string;
    by: Actor;
    seq: number;
    at: string;
    txId: string;
}

// ---------------------------------------------------------------------------------------------
// Verification

export const Verdicts = [
    'valid',
    'unknown',
    'hash_mismatch',
    'not_yet_valid',
    'expired',
    'suspended',
    'revoked',
    'issuer_not_trusted',
] as const;
export type Verdict = (typeof Verdicts)[number];

/**
 * What a verifier presents: the document's SHA-256 and the salt (the gateway hashes the
 * document locally), or the salted commitment itself.
 */
export type VerificationProof = { documentSha256: string; salt: string } | { commitment: string };

export interface Verification {
    credentialId: string;
    verdict: Verdict;
    reason: string;
    checkedAt: string;
    /** Present when the credential exists and the proof matched. */
    credential?: Credential;
}

/** The answer to "does this practitioner hold a valid credential of this type now?". */
export interface Standing {
    subject: PractitionerRef;
    type: string;
    verdict: Verdict;
    reason: string;
    checkedAt: string;
    credentialId?: string;
}

// ---------------------------------------------------------------------------------------------
// History and status lists

export type CredentialAction = 'issued' | 'renewed' | 'suspended' | 'reinstated' | 'revoked';

/** One entry of a credential's history, keyed by credential id and sequence number. */
export interface StatusChange {
    credentialId: string;
    seq: number;
    action: CredentialAction;
    /** Status after the change. */
    status: CredentialStatus;
    reason?: StatusReason;
    /** For `renewed`: the new version; for the first entry of a renewal: the previous one. */
    relatedId?: string;
    by: Actor;
    at: string;
    txId: string;
}

/** One credential's bit position in its issuer's status lists and its current status. */
export interface StatusListEntry {
    statusListIndex: number;
    credentialId: string;
    status: CredentialStatus;
}

/** The hash of a status list credential the issuer's gateway published, anchored on the ledger. */
export interface StatusListAnchor {
    issuer: string;
    purpose: StatusPurpose;
    sha256: string;
    listLength: number;
    anchoredAt: string;
    anchoredBy: Actor;
    txId: string;
    /**
     * Block of the anchoring transaction, as the issuer's gateway saw it commit and recorded
     * it (RecordStatusListBlock): a transaction cannot know its own block. Anyone can check it
     * against the block (Fabric qscc GetBlockByTxID).
     */
    blockNumber?: number;
}

/**
 * A public verification key an org's admin bound to the org: the key behind the org's issuer
 * DID (W3C Data Integrity proofs, `ecdsa-rdfc-2019`, P-256). The DID document every gateway
 * serves lists the org's `active` keys; a verifier trusts a signature only with such a key.
 */
export interface IssuerKey {
    mspId: string;
    /** Multikey: multibase base58btc of the multicodec `p256-pub` (0x1200) compressed point. */
    publicKeyMultibase: string;
    status: 'active' | 'retired';
    boundAt: string;
    boundBy: Actor;
    retiredAt?: string;
    txId: string;
}

/** The signed status list credential an issuer's gateway published, kept whole so every gateway serves the same bytes. */
export interface PublishedStatusList {
    /** The status list credential exactly as published (JSON text); its SHA-256 is `anchor.sha256`. */
    credential: string;
    anchor: StatusListAnchor;
}

/** The signed W3C VC of a credential, as its issuer's gateway published it: every gateway serves these bytes. */
export interface PublishedCredential {
    credentialId: string;
    /** The verifiable credential (JSON text), with its Data Integrity proof. */
    credential: string;
    publishedAt: string;
    publishedBy: Actor;
    txId: string;
}
