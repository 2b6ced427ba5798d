/**
 * Content-addressed storage of off-chain documents. A document's address is the SHA-256 of
 * its plaintext, which is also what the ledger records, so a reader can always check that
 * the bytes a store returns are the bytes that were registered. Implementations: the local
 * encrypted store (default) and any S3-compatible object store (`put` under the hex digest).
 */
export interface StoredDocument {
    /** SHA-256 of the plaintext, 64 lowercase hex characters. */
    sha256: string;
    size: number;
    /** Where the document lives, as recorded in the ledger pointer (RFC 6920 `ni:` URI by default). */
    uri: string;
}

export interface DocumentStore {
    put(bytes: Uint8Array): Promise<StoredDocument>;
    /** The stored bytes, or undefined when this store has no document with that digest. */
    get(sha256: string): Promise<Uint8Array | undefined>;
    delete(sha256: string): Promise<boolean>;
}

/** RFC 6920 named-information URI of a SHA-256 digest. */
export function niUri(sha256Hex: string): string {
    return `ni:///sha-256;${Buffer.from(sha256Hex, 'hex').toString('base64url')}`;
}

/** The hex digest named by an `ni:///sha-256;...` URI, or undefined for any other URI. */
export function digestOfNiUri(uri: string): string | undefined {
    const match = /^ni:\/\/\/sha-256;([A-Za-z0-9_-]{43})$/.exec(uri);
    return match ? Buffer.from(match[1], 'base64url').toString('hex') : undefined;
}
