/**
 * CareLedger's JSON-LD context for its Verifiable Credentials: defines every term the
 * gateway's credentials use beyond the W3C VC 2.0 context, so no term falls back to the
 * VC context's `@vocab` ("issuer-dependent") and JSON-LD safe mode expands every credential.
 * Shipped in this package (loaders use this object, never the network) and served by every
 * gateway at `GET /ns/credentials/v1` with media type `application/ld+json`.
 * The URL is an identifier: changing a definition means a new version (`/v2`), never an edit.
 */
export const CareLedgerContextUrl = 'https://careledger.org/ns/credentials/v1';

/** Where a gateway serves {@link CareLedgerContext}. */
export const CareLedgerContextPath = '/ns/credentials/v1';

const vocab = 'https://careledger.org/ns/credentials#';

export const CareLedgerContext = {
    '@context': {
        '@version': 1.1,
        '@protected': true,
        id: '@id',
        type: '@type',
        // Credential types: one per type the issuer registry knows (chaincode CredentialTypes).
        MedicalLicense: `${vocab}MedicalLicense`,
        NursingLicense: `${vocab}NursingLicense`,
        PharmacistLicense: `${vocab}PharmacistLicense`,
        ClinicalPrivileges: `${vocab}ClinicalPrivileges`,
        // Evidence: the ledger transaction that recorded the attestation.
        LedgerTransaction: `${vocab}LedgerTransaction`,
        // Claims: the salted SHA-256 commitment of the credential document the holder keeps (hex),
        // and the attestation's version (1 + number of renewals before it).
        documentCommitment: { '@id': `${vocab}documentCommitment` },
        version: { '@id': `${vocab}version`, '@type': 'http://www.w3.org/2001/XMLSchema#integer' },
    },
} as const;
