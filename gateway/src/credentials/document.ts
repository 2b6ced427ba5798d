import { createHash, randomBytes } from 'node:crypto';
import { commitmentOf } from '@careledger/chaincode';

/**
 * The off-chain half of an attestation. The issuer hashes the credential document, draws a
 * salt, and puts only the salted commitment on the ledger; the holder keeps the document and
 * the salt and shows both to a verifier, whose gateway hashes the document locally.
 */
export interface CommittedDocument {
    /** 32 random bytes, lowercase hex. Hand it to the holder with the document. */
    salt: string;
    documentSha256: string;
    /** SHA-256(salt ‖ SHA-256(document)): what the ledger records. */
    commitment: string;
}

export function documentSha256(document: Uint8Array | string): string {
    return createHash('sha256').update(document).digest('hex');
}

/** Commits to `document` with `salt` (hex), or a fresh random salt. */
export function commitDocument(
    document: Uint8Array | string,
    salt: string = randomBytes(32).toString('hex'),
): CommittedDocument {
    const digest = documentSha256(document);
    return { salt, documentSha256: digest, commitment: commitmentOf(salt, digest) };
}
