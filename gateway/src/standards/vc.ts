import type { Credential, StatusListEntry } from '@careledger/chaincode';
import { encodeStatusList, type StatusPurpose } from './status-list';

/**
 * W3C Verifiable Credentials Data Model 2.0 views of ledger attestations. The ledger record
 * is the source of truth and its transaction the evidence; these documents are unsigned
 * presentations of it (a verifier checks them against the ledger or the status list), so
 * they carry `evidence` pointing at the transaction and no `proof`.
 */
export const CredentialsV2Context = 'https://www.w3.org/ns/credentials/v2';

/** An attestation as the credentials contract records it, in the terms this file needs. */
export interface AttestationView {
    id: string;
    /** e.g. `MedicalLicense`. */
    type: string;
    issuerMspId: string;
    /** Pseudonymous subject id (a practitioner id), never a name. */
    subjectId: string;
    /** Non-personal claims, e.g. `{ licenseClass: 'MD', jurisdiction: 'US-CA' }`. */
    claims?: Record<string, unknown>;
    validFrom: string;
    validUntil?: string;
    /** Index of this attestation's bit in its issuer's status list. */
    statusListIndex: number;
    /** Ledger transaction that issued it. */
    transactionId?: string;
}

export interface CredentialUrls {
    /** Where this gateway publishes, e.g. `https://gw.hospital.example`. */
    baseUrl: string;
}

export function orgUri(mspId: string): string {
    return `urn:careledger:org:${mspId}`;
}

export function statusListUrl(urls: CredentialUrls, issuerMspId: string, purpose: StatusPurpose): string {
    return `${urls.baseUrl}/credentials/status/${encodeURIComponent(issuerMspId)}/${purpose}`;
}

export function attestationCredential(attestation: AttestationView, urls: CredentialUrls): Record<string, unknown> {
    const statusEntry = (purpose: StatusPurpose) => {
        const list = statusListUrl(urls, attestation.issuerMspId, purpose);
        return {
            id: `${list}#${attestation.statusListIndex}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: purpose,
            statusListIndex: String(attestation.statusListIndex),
            statusListCredential: list,
        };
    };
    return {
        '@context': [CredentialsV2Context],
        id: `urn:careledger:attestation:${attestation.id}`,
        type: ['VerifiableCredential', attestation.type],
        issuer: orgUri(attestation.issuerMspId),
        validFrom: attestation.validFrom,
        ...(attestation.validUntil ? { validUntil: attestation.validUntil } : {}),
        credentialSubject: { id: `urn:careledger:actor:${attestation.subjectId}`, ...(attestation.claims ?? {}) },
        credentialStatus: [statusEntry('revocation'), statusEntry('suspension')],
        ...(attestation.transactionId
            ? { evidence: [{ type: ['LedgerTransaction'], id: `urn:careledger:tx:${attestation.transactionId}` }] }
            : {}),
    };
}

/** The issuer's status list credential for one purpose: bit `i` set means attestation `i` is revoked (or suspended). */
export function statusListCredential(options: {
    issuerMspId: string;
    purpose: StatusPurpose;
    setIndexes: Iterable<number>;
    validFrom: string;
    urls: CredentialUrls;
    bits?: number;
}): Record<string, unknown> {
    const id = statusListUrl(options.urls, options.issuerMspId, options.purpose);
    return {
        '@context': [CredentialsV2Context],
        id,
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: orgUri(options.issuerMspId),
        validFrom: options.validFrom,
        credentialSubject: {
            id: `${id}#list`,
            type: 'BitstringStatusList',
            statusPurpose: options.purpose,
            encodedList: encodeStatusList(options.setIndexes, options.bits),
        },
    };
}

/** The credentials contract's record in the terms of {@link attestationCredential}. */
export function attestationOf(credential: Credential): AttestationView {
    return {
        id: credential.id,
        type: credential.type,
        issuerMspId: credential.issuer.mspId,
        subjectId: `${credential.subject.mspId}:${credential.subject.actorId}`,
        claims: {
            // Salted SHA-256 of the credential document the holder keeps: binds this VC to it.
            documentCommitment: credential.commitment,
            version: credential.version,
        },
        validFrom: credential.validFrom,
        validUntil: credential.validUntil,
        statusListIndex: credential.statusListIndex,
        transactionId: credential.txId,
    };
}

/** The set bits of one purpose's list: revoked credentials for `revocation`, suspended for `suspension`. */
export function statusIndexes(entries: readonly StatusListEntry[], purpose: StatusPurpose): number[] {
    const status = purpose === 'revocation' ? 'revoked' : 'suspended';
    return entries.filter((entry) => entry.status === status).map((entry) => entry.statusListIndex);
}
