import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type { SigningIdentity } from '../ledger';
import { writeFileAtomic } from '../storage/atomic-file';
import { open, seal } from '../storage/sealing';

/**
 * Bearer tokens, each bound to exactly one enrolled identity of this gateway's org.
 *
 * A token is 256 random bits, shown once when issued. The store keeps only its SHA-256, and
 * next to it the grant — org, user, certificate and, when the gateway was handed one, the
 * private key — sealed with AES-256-GCM under the store's key, with the token hash bound as
 * additional data: a record cannot be moved under another token's hash and still open.
 * Anyone reading the file without the key learns neither the tokens nor the identities.
 *
 * Identity directories that never hand out keys (they sign in-process) are asked for the
 * user's signer at each request; the stored certificate pins the grant to the identity it
 * was issued for, so a re-enrolled user's old token stops working.
 *
 * Tokens expire (`ttlSeconds`, default 12 hours). Each record also carries an HMAC of its org and
 * user under the store's key, so an admin can revoke every token of a user at once without the
 * file naming anyone.
 */
export interface TokenGrant {
    org: string;
    user: string;
    /** Certificate and, if the gateway holds it, private key. No key and `offline`: the client signs. */
    identity: SigningIdentity;
    /** The user keeps the private key and signs each transaction (offline signing). */
    offline: boolean;
    issuedAt: string;
    /** When the token stops working (ISO 8601); set on every grant the store resolves. */
    expiresAt?: string;
}

interface SealedRecord {
    sealed: string;
    /** HMAC-SHA256 of `org/user` under the store key: finds a user's tokens without naming the user. */
    subject?: string;
    /** Expiry, ISO 8601, in clear so expired records can be dropped without opening them. */
    expiresAt?: string;
}

interface StoredGrant {
    org: string;
    user: string;
    mspId: string;
    certificate: string;
    privateKey?: string;
    offline?: boolean;
    issuedAt: string;
    expiresAt?: string;
    /** The token's own hash, compared in constant time with the hash it was found under. */
    tokenHash?: string;
}

const tokenPrefix = 'clt_';

/** Lifetime of a token unless the store or the call says otherwise: a working day and a half. */
export const defaultTokenTtlSeconds = 12 * 60 * 60;

export function tokenHash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class TokenStore {
    private records: Record<string, SealedRecord>;

    /** `file` undefined keeps tokens in memory only (tests, throwaway servers). */
    private readonly ttlSeconds: number;

    constructor(
        private readonly key: Buffer,
        private readonly file?: string,
        options: { ttlSeconds?: number } = {},
    ) {
        this.ttlSeconds = options.ttlSeconds ?? defaultTokenTtlSeconds;
        this.records =
            file && fs.existsSync(file)
                ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SealedRecord>)
                : {};
    }

    /**
     * A new token for `identity`. With `offline`, only the certificate is kept: the user (a
     * patient who keeps the key on their device) signs every transaction through /offline.
     */
    issue(
        org: string,
        user: string,
        identity: SigningIdentity,
        options: { offline?: boolean; now?: Date; ttlSeconds?: number } = {},
    ): string {
        const now = options.now ?? new Date();
        const expiresAt = new Date(now.getTime() + (options.ttlSeconds ?? this.ttlSeconds) * 1000).toISOString();
        const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
        const hash = tokenHash(token);
        const grant: StoredGrant = {
            org,
            user,
            mspId: identity.mspId,
            certificate: identity.certificate,
            privateKey: options.offline ? undefined : identity.privateKey,
            offline: options.offline ? true : undefined,
            issuedAt: now.toISOString(),
            expiresAt,
            tokenHash: hash,
        };
        this.records[hash] = {
            sealed: seal(this.key, Buffer.from(JSON.stringify(grant)), hash).toString('base64'),
            subject: this.subject(org, user),
            expiresAt,
        };
        this.persist();
        return token;
    }

    /** The grant of a live token; undefined for unknown, revoked and expired tokens. */
    resolve(token: string, now: Date = new Date()): TokenGrant | undefined {
        if (typeof token !== 'string' || !token.startsWith(tokenPrefix)) {
            return undefined;
        }
        const hash = tokenHash(token);
        // Looked up by hash, so lookup time reveals nothing about the token's bytes; the hash inside
        // the sealed grant is then compared in constant time.
        const record = Object.prototype.hasOwnProperty.call(this.records, hash) ? this.records[hash] : undefined;
        if (!record) {
            return undefined;
        }
        const grant = JSON.parse(
            open(this.key, Buffer.from(record.sealed, 'base64'), hash).toString('utf8'),
        ) as StoredGrant;
        if (grant.tokenHash !== undefined && !sameHex(grant.tokenHash, hash)) {
            return undefined;
        }
        const expiresAt =
            grant.expiresAt ?? new Date(Date.parse(grant.issuedAt) + this.ttlSeconds * 1000).toISOString();
        if (now.getTime() >= Date.parse(expiresAt)) {
            delete this.records[hash];
            this.persist();
            return undefined;
        }
        return {
            org: grant.org,
            user: grant.user,
            issuedAt: grant.issuedAt,
            expiresAt,
            offline: grant.offline === true,
            identity: { mspId: grant.mspId, certificate: grant.certificate, privateKey: grant.privateKey },
        };
    }

    revoke(token: string): boolean {
        const hash = tokenHash(token);
        if (!Object.prototype.hasOwnProperty.call(this.records, hash)) {
            return false;
        }
        delete this.records[hash];
        this.persist();
        return true;
    }

    /** Revokes every token of `user` of `org` at once; returns how many there were. */
    revokeUser(org: string, user: string): number {
        const subject = this.subject(org, user);
        const hashes = Object.keys(this.records).filter((hash) => {
            const record = this.records[hash];
            if (record.subject !== undefined) {
                return sameHex(record.subject, subject);
            }
            // Records written before subjects existed: open them.
            const grant = JSON.parse(
                open(this.key, Buffer.from(record.sealed, 'base64'), hash).toString('utf8'),
            ) as StoredGrant;
            return grant.org === org && grant.user === user;
        });
        hashes.forEach((hash) => delete this.records[hash]);
        if (hashes.length > 0) {
            this.persist();
        }
        return hashes.length;
    }

    private subject(org: string, user: string): string {
        return createHmac('sha256', this.key).update(`token-subject\n${org}\n${user}`).digest('hex');
    }

    get size(): number {
        return Object.keys(this.records).length;
    }

    private persist(): void {
        if (this.file) {
            writeFileAtomic(this.file, JSON.stringify(this.records, null, 1));
        }
    }
}

function sameHex(a: string, b: string): boolean {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && timingSafeEqual(left, right);
}
