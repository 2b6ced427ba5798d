import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrCreateKey, open, seal } from './sealing';

describe('sealing (AES-256-GCM)', () => {
    const key = Buffer.alloc(32, 7);

    it('opens what it sealed, with a fresh nonce each time', () => {
        const a = seal(key, Buffer.from('secret'), 'ctx');
        const b = seal(key, Buffer.from('secret'), 'ctx');
        expect(a.equals(b)).toBe(false);
        expect(open(key, a, 'ctx').toString()).toBe('secret');
        expect(a.includes(Buffer.from('secret'))).toBe(false);
    });

    it('refuses a wrong key, a wrong context or a flipped bit', () => {
        const sealed = seal(key, Buffer.from('secret'), 'ctx');
        expect(() => open(Buffer.alloc(32, 8), sealed, 'ctx')).toThrow();
        expect(() => open(key, sealed, 'other')).toThrow();
        const tampered = Buffer.from(sealed);
        tampered[tampered.length - 1] ^= 1;
        expect(() => open(key, tampered, 'ctx')).toThrow();
    });

    it('creates a key file readable by its owner only and reads it back', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-key-'));
        const file = path.join(dir, 'sub', 'key');
        const key1 = loadOrCreateKey(file);
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(loadOrCreateKey(file).equals(key1)).toBe(true);
        expect(loadOrCreateKey(file, 'ab'.repeat(32)).equals(Buffer.alloc(32, 0xab))).toBe(true);
        expect(() => loadOrCreateKey(file, 'short')).toThrow(/32 bytes/);
        fs.rmSync(dir, { recursive: true });
    });
});
