import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEncryptedStore } from './local-store';
import { digestOfNiUri } from './store';

describe('LocalEncryptedStore', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-docs-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('addresses documents by the SHA-256 of their plaintext and stores them encrypted', async () => {
        const store = new LocalEncryptedStore(dir, Buffer.alloc(32, 9));
        const bytes = Buffer.from('discharge summary: confidential text');
        const stored = await store.put(bytes);
        expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(stored.size).toBe(bytes.length);
        expect(digestOfNiUri(stored.uri)).toBe(stored.sha256);
        const onDisk = fs.readFileSync(path.join(dir, stored.sha256.slice(0, 2), stored.sha256));
        expect(onDisk.includes(Buffer.from('confidential'))).toBe(false);
        expect(Buffer.from((await store.get(stored.sha256))!).equals(bytes)).toBe(true);
    });

    it('answers undefined for unknown digests and refuses files swapped between addresses', async () => {
        const store = new LocalEncryptedStore(dir, Buffer.alloc(32, 9));
        const a = await store.put(Buffer.from('a'));
        const b = await store.put(Buffer.from('b'));
        expect(await store.get('0'.repeat(64))).toBeUndefined();
        fs.copyFileSync(path.join(dir, b.sha256.slice(0, 2), b.sha256), path.join(dir, a.sha256.slice(0, 2), a.sha256));
        await expect(store.get(a.sha256)).rejects.toThrow();
        await expect(store.get('../../etc/passwd')).rejects.toThrow(/SHA-256/);
    });

    it('deletes', async () => {
        const store = new LocalEncryptedStore(dir, Buffer.alloc(32, 9));
        const a = await store.put(Buffer.from('a'));
        expect(await store.delete(a.sha256)).toBe(true);
        expect(await store.get(a.sha256)).toBeUndefined();
    });
});
