import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEncryptedStore, MemoryDocumentStore } from './local-store';
import { handleOfUri, newDocumentHandle, type DocumentStore } from './store';

describe.each([
    ['LocalEncryptedStore', (dir: string) => new LocalEncryptedStore(dir, Buffer.alloc(32, 9))],
    ['MemoryDocumentStore', () => new MemoryDocumentStore()],
])('%s', (_name, make: (dir: string) => DocumentStore) => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-docs-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('stores a document at a random handle named by its location, with its SHA-256 and size', async () => {
        const store = make(dir);
        const bytes = Buffer.from('discharge summary: confidential text');
        const handle = newDocumentHandle();
        const stored = await store.put(handle, 'rec-1', bytes);
        expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(stored.size).toBe(bytes.length);
        expect(handleOfUri(stored.uri)).toBe(handle);
        expect(stored.uri).not.toContain(stored.sha256);
        expect(Buffer.from((await store.get(handle, 'rec-1'))!).equals(bytes)).toBe(true);
        for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
            const full = path.join(dir, file);
            if (fs.statSync(full).isFile()) {
                expect(fs.readFileSync(full).includes(Buffer.from('confidential'))).toBe(false);
                expect(file).not.toContain(stored.sha256);
            }
        }
    });

    it('releases a document only for the record it was stored for', async () => {
        const store = make(dir);
        const handle = newDocumentHandle();
        await store.put(handle, 'rec-1', Buffer.from('a'));
        await expect(store.get(handle, 'rec-other')).rejects.toThrow();
        expect(await store.get(newDocumentHandle(), 'rec-1')).toBeUndefined();
        await expect(store.get('../../etc/passwd', 'rec-1')).rejects.toThrow(/handle/);
    });

    it('erases a record: its key and bytes are gone, the same bytes stored for another record stay', async () => {
        const store = make(dir);
        const first = newDocumentHandle();
        const second = newDocumentHandle();
        await store.put(first, 'rec-1', Buffer.from('same bytes'));
        await store.put(second, 'rec-2', Buffer.from('same bytes'));
        expect(await store.eraseRecord('rec-1')).toBe(true);
        expect(await store.get(first, 'rec-1')).toBeUndefined();
        expect(await store.eraseRecord('rec-1')).toBe(false);
        expect(Buffer.from((await store.get(second, 'rec-2'))!).toString()).toBe('same bytes');
        if (store instanceof LocalEncryptedStore) {
            const left = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.includes(first));
            expect(left).toEqual([]);
        }
    });
});
