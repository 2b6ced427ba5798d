import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import { writeFileAtomic } from '../storage/atomic-file';

/**
 * Each user's own secret for getting a new token, so that re-issuing a token for an existing
 * user needs that user's secret — an org admin's token is not enough to become one of its users.
 *
 * The secret (256 random bits, `cls_...`) is made when the user is registered, shown once in
 * the registration's answer for the admin to hand to the user, and kept here only as a salted
 * scrypt hash. Users without a secret here (the demo users, MSP folders an operator placed) get
 * tokens only from the operator (`CARELEDGER_DEMO_TOKENS`, the CLI), never through the API.
 */
export class UserSecrets {
    private records: Record<string, { salt: string; hash: string }>;

    constructor(private readonly file?: string) {
        this.records =
            file && fs.existsSync(file)
                ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { salt: string; hash: string }>)
                : {};
    }

    /** A new secret for `user`, replacing any earlier one. Shown once. */
    create(org: string, user: string): string {
        const secret = `cls_${randomBytes(32).toString('base64url')}`;
        const salt = randomBytes(16);
        this.records[key(org, user)] = { salt: salt.toString('hex'), hash: derive(secret, salt).toString('hex') };
        this.persist();
        return secret;
    }

    has(org: string, user: string): boolean {
        return Object.prototype.hasOwnProperty.call(this.records, key(org, user));
    }

    /** True when `secret` is `user`'s; the same work is done for unknown users (no timing oracle). */
    verify(org: string, user: string, secret: string): boolean {
        const record = this.has(org, user) ? this.records[key(org, user)] : undefined;
        const salt = Buffer.from(record?.salt ?? '00'.repeat(16), 'hex');
        const expected = Buffer.from(record?.hash ?? '00'.repeat(32), 'hex');
        const actual = derive(typeof secret === 'string' ? secret : '', salt);
        return timingSafeEqual(actual, expected) && record !== undefined;
    }

    private persist(): void {
        if (this.file) {
            writeFileAtomic(this.file, JSON.stringify(this.records, null, 1));
        }
    }
}

function key(org: string, user: string): string {
    return `${org}/${user}`;
}

function derive(secret: string, salt: Buffer): Buffer {
    return scryptSync(secret, salt, 32, { N: 1 << 14, r: 8, p: 1 });
}
