import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserSecrets } from './user-secrets';

describe('UserSecrets', () => {
    it("verifies only the user's own secret, keeps only salted hashes, and replaces a secret", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-secrets-'));
        try {
            const file = path.join(dir, 'user-secrets.json');
            const secrets = new UserSecrets(file);
            const alice = secrets.create('hospital', 'alice');
            const bob = secrets.create('hospital', 'bob');
            expect(alice).toMatch(/^cls_[A-Za-z0-9_-]{43}$/);
            expect(fs.readFileSync(file, 'utf8')).not.toContain(alice);
            expect(fs.statSync(file).mode & 0o777).toBe(0o600);
            const reopened = new UserSecrets(file);
            expect(reopened.verify('hospital', 'alice', alice)).toBe(true);
            expect(reopened.verify('hospital', 'alice', bob)).toBe(false);
            expect(reopened.verify('clinic', 'alice', alice)).toBe(false);
            expect(reopened.verify('hospital', 'carol', alice)).toBe(false);
            expect(reopened.verify('hospital', 'alice', 12 as unknown as string)).toBe(false);
            const renewed = reopened.create('hospital', 'alice');
            expect(reopened.verify('hospital', 'alice', alice)).toBe(false);
            expect(reopened.verify('hospital', 'alice', renewed)).toBe(true);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
