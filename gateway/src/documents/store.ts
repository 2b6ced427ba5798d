import { randomBytes } from 'node:crypto';

/**
 * Off-chain storage of EHR documents. A document is stored under a random **handle** that
 * only the record's location names (the location is the custodian's private data, released
 * by the ledger only after an allowed, audited access), sealed under its own random key and
 * bound to the record id it was uploaded for. So:
 * - release follows the record's access decision, never the content hash: knowing a
 *   document's SHA-256 (public in its pointer) finds nothing, and a second pointer carrying the
 *   same hash gets no bytes (its location names no stored document of its own record);
 * - erasure destroys the per-document key and the bytes (crypto-erasure even if a copy of the
 *   ciphertext survives in a backup).
 * The SHA-256 on the ledger still proves the bytes are the registered ones.
 */
export interface StoredDocument {
    /** Random store handle, 32 lowercase hex characters. */
    handle: string;
    /** SHA-256 of the plaintext, 64 lowercase hex characters. */
    sha256: string;
    size: number;
    /** The record's location: `careledger-doc:<handle>`, kept in the custodian's private data only. */
    uri: string;
}

export interface DocumentStore {
    /** Seals `bytes` under a new per-document key, bound to `recordId`, at `handle` ({@link newDocumentHandle}). */
    put(handle: string, recordId: string, bytes: Uint8Array): Promise<StoredDocument>;
    /** The bytes stored at `handle` for `recordId`; undefined when absent or erased. Throws if bound to another record. */
    get(handle: string, recordId: string): Promise<Uint8Array | undefined>;
    /** Destroys the key and bytes of the document stored for a record (found through the store's own index). */
    eraseRecord(recordId: string): Promise<boolean>;
    /** Destroys the document's key and bytes; true when something was deleted. */
    delete(handle: string): Promise<boolean>;
}

const handlePattern = /^[0-9a-f]{32}$/;
const scheme = 'careledger-doc:';

export function requireHandle(handle: string): string {
    if (!handlePattern.test(handle)) {
        throw new Error('a document handle is 32 lowercase hex characters');
    }
    return handle;
}

/** A fresh random handle. */
export function newDocumentHandle(): string {
    return randomBytes(16).toString('hex');
}

/** The location a record carries for a stored document. */
export function documentUri(handle: string): string {
    return `${scheme}${requireHandle(handle)}`;
}

/** The handle named by a document location, or undefined for any other location. */
export function handleOfUri(uri: string): string | undefined {
    if (!uri.startsWith(scheme)) {
        return undefined;
    }
    const handle = uri.slice(scheme.length);
    return handlePattern.test(handle) ? handle : undefined;
}
