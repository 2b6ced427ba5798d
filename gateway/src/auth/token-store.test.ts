import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TokenStore, tokenHash } from './token-store';

const alice = { mspId: 'HospitalMSP', certificate: 'CERT-ALICE', privateKey: 'KEY-ALICE' };
const bob = { mspId: 'HospitalMSP', certificate: 'CERT-BOB', privateKey: 'KEY-BOB' };

describe('TokenStore', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-tokens-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('maps each token to exactly the identity it was issued for', () => {
        const store = new TokenStore(Buffer.alloc(32, 1));
        const aliceToken = store.issue('hospital', 'alice', alice);
        const bobToken = store.issue('hospital', 'bob', bob);
        expect(aliceToken).toMatch(/^clt_[A-Za-z0-9_-]{43}$/);
        expect(store.resolve(aliceToken)).toMatchObject({ user: 'alice', identity: alice });
        expect(store.resolve(bobToken)).toMatchObject({ user: 'bob', identity: bob });
        expect(store.resolve(aliceToken.slice(0, -1) + (aliceToken.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
        expect(store.resolve('nonsense')).toBeUndefined();
    });

    it('keeps only hashes of tokens and sealed identities on disk, and survives a restart', () => {
        const file = path.join(dir, 'tokens.json');
        const key = Buffer.alloc(32, 2);
        const token = new TokenStore(key, file).issue('hospital', 'alice', alice);
        const text = fs.readFileSync(file, 'utf8');
        expect(text).not.toContain(token);
        expect(text).not.toContain('KEY-ALICE');
        expect(text).not.toContain('CERT-ALICE');
        expect(text).toContain(tokenHash(token));
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(new TokenStore(key, file).resolve(token)?.identity).toEqual(alice);
    });

    it('refuses a record moved under another token', () => {
        const file = path.join(dir, 'tokens.json');
        const key = Buffer.alloc(32, 3);
        const store = new TokenStore(key, file);
        const aliceToken = store.issue('hospital', 'alice', alice);
        const bobToken = store.issue('hospital', 'bob', bob);
        const records = JSON.parse(fs.readFileSync(file, 'utf8'));
        records[tokenHash(aliceToken)] = records[tokenHash(bobToken)];
        fs.writeFileSync(file, JSON.stringify(records));
        expect(() => new TokenStore(key, file).resolve(aliceToken)).toThrow();
    });

    it('revokes a token and issues certificate-only tokens for offline signers', () => {
        const store = new TokenStore(Buffer.alloc(32, 4));
        const token = store.issue(
            'hospital',
            'patient1',
            { mspId: 'HospitalMSP', certificate: 'CERT-P', privateKey: 'K' },
            { offline: true },
        );
        expect(store.resolve(token)).toMatchObject({ offline: true, identity: { certificate: 'CERT-P' } });
        expect(store.resolve(token)?.identity.privateKey).toBeUndefined();
        expect(store.revoke(token)).toBe(true);
        expect(store.resolve(token)).toBeUndefined();
        expect(store.revoke(token)).toBe(false);
    });
});
