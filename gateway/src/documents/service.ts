import { createHash } from 'node:crypto';
import { LedgerError, type LedgerSession } from '../ledger';
import type { DocumentStore } from './store';

/**
 * Off-chain EHR documents with their pointers on the ledger.
 *
 * Storing: the bytes go to the store first (content-addressed, so a retry is harmless), then
 * the pointer with the digest and size is registered on the ledger as the caller.
 * Reading: the ledger decides first, through the EHR contract's audited access transaction
 * (a consent check that leaves an audit entry), and returns the registered digest; the bytes
 * are released only if their SHA-256 equals it.
 */
export interface DocumentPointer {
    sha256: string;
    size: number;
    uri: string;
    contentType: string;
}

/** The two ledger operations documents need; the EHR client provides them. */
export interface DocumentLedger {
    /** Registers the pointer; returns the record id and transaction. */
    register(
        session: LedgerSession,
        pointer: DocumentPointer,
        metadata: Record<string, unknown>,
    ): Promise<{ recordId: string }>;
    /** The audited, consent-checked access: throws FORBIDDEN when the caller may not read it. */
    authorizeRead(
        session: LedgerSession,
        recordId: string,
        purpose: string,
    ): Promise<{ sha256: string; size: number; contentType: string; auditId?: string }>;
}

export interface StoredRecord {
    recordId: string;
    sha256: string;
    size: number;
    uri: string;
}

export class DocumentService {
    constructor(
        readonly backend: DocumentStore,
        private readonly ledger: DocumentLedger,
    ) {}

    async store(
        session: LedgerSession,
        bytes: Uint8Array,
        contentType: string,
        metadata: Record<string, unknown>,
    ): Promise<StoredRecord> {
        const stored = await this.backend.put(bytes);
        const { recordId } = await this.ledger.register(session, { ...stored, contentType }, metadata);
        return { recordId, ...stored };
    }

    async read(
        session: LedgerSession,
        recordId: string,
        purpose: string,
    ): Promise<{ bytes: Uint8Array; contentType: string; sha256: string; auditId?: string }> {
        const pointer = await this.ledger.authorizeRead(session, recordId, purpose);
        const bytes = await this.backend.get(pointer.sha256);
        if (!bytes) {
            throw new LedgerError(
                'NOT_FOUND',
                `document ${pointer.sha256} of record ${recordId} is not in this gateway's store`,
            );
        }
        const actual = createHash('sha256').update(bytes).digest('hex');
        if (actual !== pointer.sha256 || bytes.length !== pointer.size) {
            throw new LedgerError(
                'INTERNAL',
                `document of record ${recordId} does not match its registered SHA-256; not released`,
            );
        }
        return { bytes, contentType: pointer.contentType, sha256: actual, auditId: pointer.auditId };
    }
}
