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

    it('expires tokens after their lifetime and drops them', () => {
        const store = new TokenStore(Buffer.alloc(32, 5), undefined, { ttlSeconds: 60 });
        const issuedAt = new Date('2026-01-01T00:00:00Z');
        const token = store.issue('hospital', 'alice', alice, { now: issuedAt });
        expect(store.resolve(token, new Date('2026-01-01T00:00:59Z'))).toMatchObject({
            user: 'alice',
            expiresAt: '2026-01-01T00:01:00.000Z',
        });
        expect(store.resolve(token, new Date('2026-01-01T00:01:00Z'))).toBeUndefined();
        expect(store.size).toBe(0);
        const longer = store.issue('hospital', 'alice', alice, { now: issuedAt, ttlSeconds: 3600 });
        expect(store.resolve(longer, new Date('2026-01-01T00:59:00Z'))).toBeDefined();
    });

    it("revokes every token of one user at once, and nobody else's, without naming users on disk", () => {
        const file = path.join(dir, 'tokens.json');
        const store = new TokenStore(Buffer.alloc(32, 6), file);
        const first = store.issue('hospital', 'alice', alice);
        const second = store.issue('hospital', 'alice', alice, { offline: true });
        const bobs = store.issue('hospital', 'bob', bob);
        const otherOrg = store.issue('clinic', 'alice', alice);
        expect(fs.readFileSync(file, 'utf8')).not.toMatch(/alice|bob/);
        expect(store.revokeUser('hospital', 'alice')).toBe(2);
        expect(store.resolve(first)).toBeUndefined();
        expect(store.resolve(second)).toBeUndefined();
        expect(store.resolve(bobs)?.user).toBe('bob');
        expect(store.resolve(otherOrg)?.org).toBe('clinic');
        expect(new TokenStore(Buffer.alloc(32, 6), file).resolve(first)).toBeUndefined();
        expect(store.revokeUser('hospital', 'alice')).toBe(0);
    });

    it('refuses anything that is not a live token of this store, whatever its type', () => {
        const store = new TokenStore(Buffer.alloc(32, 7));
        const token = store.issue('hospital', 'alice', alice);
        for (const forged of ['', 'clt_', `${token} `, token.toUpperCase(), `clt_${'A'.repeat(43)}`, '__proto__']) {
            expect(store.resolve(forged)).toBeUndefined();
        }
        expect(store.resolve(undefined as unknown as string)).toBeUndefined();
    });
});
