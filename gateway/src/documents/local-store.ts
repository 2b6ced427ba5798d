import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file';
import { open, seal } from '../storage/sealing';
import { documentUri, requireHandle, type DocumentStore, type StoredDocument } from './store';

/**
 * The embedded default: per document, under `dir/<first two hex of the handle>/`:
 * - `<handle>.key`: the document's own random AES-256 key, sealed under the store key and
 *   bound to the handle and the record id;
 * - `<handle>.doc`: the bytes, sealed under the document's key, bound likewise.
 * `dir/records/<SHA-256 of the record id>` names the handle of a record, for erasure.
 * Deleting removes the key first: without it the bytes cannot be opened, whatever copy survives.
 */
export class LocalEncryptedStore implements DocumentStore {
    constructor(
        private readonly dir: string,
        private readonly key: Buffer,
    ) {}

    async put(handle: string, recordId: string, bytes: Uint8Array): Promise<StoredDocument> {
        const { keyFile, docFile } = this.filesOf(handle);
        const documentKey = randomBytes(32);
        writeFileAtomic(docFile, seal(documentKey, bytes, binding('doc', handle, recordId)));
        writeFileAtomic(keyFile, seal(this.key, documentKey, binding('key', handle, recordId)));
        writeFileAtomic(this.indexOf(recordId), handle);
        return stored(handle, bytes);
    }

    async get(handle: string, recordId: string): Promise<Uint8Array | undefined> {
        const { keyFile, docFile } = this.filesOf(handle);
        const sealedKey = await readIfExists(keyFile);
        const sealedDoc = await readIfExists(docFile);
        if (!sealedKey || !sealedDoc) {
            return undefined;
        }
        const documentKey = open(this.key, sealedKey, binding('key', handle, recordId));
        return open(documentKey, sealedDoc, binding('doc', handle, recordId));
    }

    async eraseRecord(recordId: string): Promise<boolean> {
        const handle = (await readIfExists(this.indexOf(recordId)))?.toString('utf8');
        const deleted = handle ? await this.delete(handle) : false;
        await unlinkIfExists(this.indexOf(recordId));
        return deleted;
    }

    async delete(handle: string): Promise<boolean> {
        const { keyFile, docFile } = this.filesOf(handle);
        const removedKey = await unlinkIfExists(keyFile);
        const removedDoc = await unlinkIfExists(docFile);
        return removedKey || removedDoc;
    }

    private filesOf(handle: string): { keyFile: string; docFile: string } {
        const folder = path.join(this.dir, requireHandle(handle).slice(0, 2));
        return { keyFile: path.join(folder, `${handle}.key`), docFile: path.join(folder, `${handle}.doc`) };
    }

    private indexOf(recordId: string): string {
        return path.join(this.dir, 'records', createHash('sha256').update(recordId).digest('hex'));
    }
}

/** In memory, for tests and throwaway servers: the same per-document keys and bindings. */
export class MemoryDocumentStore implements DocumentStore {
    private readonly documents = new Map<string, { recordId: string; key: Buffer; sealed: Buffer }>();
    private readonly handles = new Map<string, string>();

    async put(handle: string, recordId: string, bytes: Uint8Array): Promise<StoredDocument> {
        const key = randomBytes(32);
        this.documents.set(requireHandle(handle), {
            recordId,
            key,
            sealed: seal(key, bytes, binding('doc', handle, recordId)),
        });
        this.handles.set(recordId, handle);
        return stored(handle, bytes);
    }

    async get(handle: string, recordId: string): Promise<Uint8Array | undefined> {
        const document = this.documents.get(requireHandle(handle));
        if (!document) {
            return undefined;
        }
        return open(document.key, document.sealed, binding('doc', handle, recordId));
    }

    async eraseRecord(recordId: string): Promise<boolean> {
        const handle = this.handles.get(recordId);
        return handle ? this.delete(handle) : false;
    }

    async delete(handle: string): Promise<boolean> {
        const document = this.documents.get(requireHandle(handle));
        if (document) {
            document.key.fill(0);
            this.handles.delete(document.recordId);
        }
        return this.documents.delete(handle);
    }
}

function binding(part: 'doc' | 'key', handle: string, recordId: string): string {
    return `${part}\n${handle}\n${recordId}`;
}

function stored(handle: string, bytes: Uint8Array): StoredDocument {
    return {
        handle,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        uri: documentUri(handle),
    };
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
    try {
        return await fs.readFile(file);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return undefined;
        }
        throw error;
    }
}

async function unlinkIfExists(file: string): Promise<boolean> {
    try {
        await fs.unlink(file);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return false;
        }
        throw error;
    }
}
