import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file';
import { open, seal } from '../storage/sealing';
import { niUri, type DocumentStore, type StoredDocument } from './store';

/**
 * The embedded default: one file per document under `dir/<first two hex>/<digest>`, sealed
 * with AES-256-GCM under the store key, the digest bound as additional data so a file moved
 * to another name no longer opens. Storing the same document twice stores it once.
 */
export class LocalEncryptedStore implements DocumentStore {
    constructor(
        private readonly dir: string,
        private readonly key: Buffer,
    ) {}

    async put(bytes: Uint8Array): Promise<StoredDocument> {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const file = this.fileOf(sha256);
        try {
            await fs.access(file);
        } catch {
            writeFileAtomic(file, seal(this.key, bytes, sha256));
        }
        return { sha256, size: bytes.length, uri: niUri(sha256) };
    }

    async get(sha256: string): Promise<Uint8Array | undefined> {
        let sealed: Buffer;
        try {
            sealed = await fs.readFile(this.fileOf(sha256));
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                return undefined;
            }
            throw error;
        }
        return open(this.key, sealed, sha256);
    }

    async delete(sha256: string): Promise<boolean> {
        try {
            await fs.unlink(this.fileOf(sha256));
            return true;
        } catch {
            return false;
        }
    }

    private fileOf(sha256: string): string {
        if (!/^[0-9a-f]{64}$/.test(sha256)) {
            throw new Error('a document address is a SHA-256 digest: 64 lowercase hex characters');
        }
        return path.join(this.dir, sha256.slice(0, 2), sha256);
    }
}

/** In memory, for tests and throwaway servers. Bytes are copied in and out. */
export class MemoryDocumentStore implements DocumentStore {
    private readonly documents = new Map<string, Buffer>();

    async put(bytes: Uint8Array): Promise<StoredDocument> {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        this.documents.set(sha256, Buffer.from(bytes));
        return { sha256, size: bytes.length, uri: niUri(sha256) };
    }

    async get(sha256: string): Promise<Uint8Array | undefined> {
        const bytes = this.documents.get(sha256);
        return bytes && Buffer.from(bytes);
    }

    async delete(sha256: string): Promise<boolean> {
        return this.documents.delete(sha256);
    }
}
