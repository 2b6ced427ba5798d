import { createHash } from 'node:crypto';
import { LedgerError, type LedgerSession } from '../ledger';
import { documentUri, handleOfUri, newDocumentHandle, type DocumentStore } from './store';

/**
 * Off-chain EHR documents with their pointers on the ledger.
 *
 * Storing: the ledger decides first — the pointer (SHA-256, size, media type, salted digest of
 * the location) is registered as the caller, which the contract refuses for anyone but a
 * licensed clinician of the custodian — and only then are the bytes sealed into the store,
 * before the location goes to the custodian's private data. A refused upload stores nothing.
 * Reading: the ledger decides first, through the EHR contract's audited access transaction;
 * the location it releases after an allowed access names the stored document, which must be
 * bound to that record and match the registered SHA-256. The hash alone never finds bytes.
 */
export interface DocumentPointer {
    sha256: string;
    /** SHA-1 of the bytes, base64: FHIR R4's `Attachment.hash` (the gateway holds the bytes, so it can). */
    sha1?: string;
    size: number;
    /** The location: `careledger-doc:<handle>`. */
    uri: string;
    contentType: string;
}

/** The ledger operations documents need; the EHR client provides them. */
export interface DocumentLedger {
    /**
     * Registers the pointer (the contract decides who may), then runs `storeBytes`, then stores
     * the location in the custodian's private data. Returns the record id.
     */
    register(
        session: LedgerSession,
        pointer: DocumentPointer,
        metadata: Record<string, unknown>,
        storeBytes: () => Promise<void>,
    ): Promise<{ recordId: string }>;
    /** The audited, consent-checked access: throws FORBIDDEN when the caller may not read it. */
    authorizeRead(
        session: LedgerSession,
        recordId: string,
        purpose: string,
    ): Promise<{ sha256: string; size: number; contentType: string; location: string; auditId?: string }>;
}

export interface StoredRecord {
    recordId: string;
    sha256: string;
    size: number;
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
        metadata: Record<string, unknown> & { recordId: string },
    ): Promise<StoredRecord> {
        const handle = newDocumentHandle();
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        let stored = false;
        try {
            const { recordId } = await this.ledger.register(
                session,
                {
                    sha256,
                    sha1: createHash('sha1').update(bytes).digest('base64'),
                    size: bytes.length,
                    uri: documentUri(handle),
                    contentType,
                },
                metadata,
                async () => {
                    await this.backend.put(handle, metadata.recordId, bytes);
                    stored = true;
                },
            );
            return { recordId, sha256, size: bytes.length };
        } catch (error) {
            if (stored) {
                // The location never reached the ledger: no reader could ever be released these bytes.
                await this.backend.delete(handle);
            }
            throw error;
        }
    }

    async read(
        session: LedgerSession,
        recordId: string,
        purpose: string,
    ): Promise<{ bytes: Uint8Array; contentType: string; sha256: string; auditId?: string }> {
        const pointer = await this.ledger.authorizeRead(session, recordId, purpose);
        const handle = handleOfUri(pointer.location);
        if (!handle) {
            throw new LedgerError(
                'NOT_FOUND',
                `record ${recordId} does not point at a document of this gateway's store`,
            );
        }
        let bytes: Uint8Array | undefined;
        try {
            bytes = await this.backend.get(handle, recordId);
        } catch {
            throw new LedgerError(
                'INTERNAL',
                `the document at record ${recordId}'s location was not stored for that record; not released`,
            );
        }
        if (!bytes) {
            throw new LedgerError('NOT_FOUND', `the document of record ${recordId} is not in this gateway's store`);
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

    /** Destroys the stored documents (their keys and bytes) of erased records; returns how many were held here. */
    async erase(recordIds: readonly string[]): Promise<number> {
        let erased = 0;
        for (const recordId of recordIds) {
            if (await this.backend.eraseRecord(recordId)) {
                erased += 1;
            }
        }
        return erased;
    }
}
