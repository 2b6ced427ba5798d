import type { Credential, StatusListEntry } from '@careledger/chaincode';
import { encodeStatusList, type StatusPurpose } from './status-list';
import { CareLedgerContext, CareLedgerContextUrl } from './vc/careledger-context';
import { CredentialsV2ContextUrl } from './vc/contexts';
import { issuerDid } from './vc/did-web';

/**
 * W3C Verifiable Credentials Data Model 2.0 documents of ledger attestations, before signing:
 * the issuer is the org's `did:web` (see vc/did-web.ts), every term is defined by the W3C VC
 * 2.0 context or CareLedger's (vc/careledger-context.ts), and `evidence` names the ledger
 * transaction. The gateway adds the Data Integrity proof (credentials/issuer.ts).
 */
export const CredentialsV2Context = CredentialsV2ContextUrl;

/** Media types the VC 2.0 specification registers (§C.1, §C.2): a secured or unsecured JSON-LD credential / presentation. */
export const VcMediaType = 'application/vc';
export const VpMediaType = 'application/vp';

const careLedgerTerms = CareLedgerContext['@context'] as Record<string, unknown>;

/** A credential type as a JSON-LD type: its CareLedger term when the context defines it, else its full IRI. */
export function credentialTypeTerm(type: string): string {
    return type in careLedgerTerms ? type : `https://careledger.org/ns/credentials#${encodeURIComponent(type)}`;
}

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

/** The issuer DID of `mspId` under this gateway's public URL. */
export function issuerOf(urls: CredentialUrls, mspId: string): string {
    return issuerDid(urls.baseUrl, mspId);
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
        '@context': [CredentialsV2Context, CareLedgerContextUrl],
        id: `urn:careledger:attestation:${encodeURIComponent(attestation.id)}`,
        type: ['VerifiableCredential', credentialTypeTerm(attestation.type)],
        issuer: issuerOf(urls, attestation.issuerMspId),
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
        issuer: issuerOf(options.urls, options.issuerMspId),
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
        subjectId: `${encodeURIComponent(credential.subject.mspId)}:${encodeURIComponent(credential.subject.actorId)}`,
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
