import { createHash, randomBytes } from 'node:crypto';
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
 */
export interface TokenGrant {
    org: string;
    user: string;
    /** Certificate and, if the gateway holds it, private key. No key and `offline`: the client signs. */
    identity: SigningIdentity;
    /** The user keeps the private key and signs each transaction (offline signing). */
    offline: boolean;
    issuedAt: string;
}

interface SealedRecord {
    sealed: string;
}

interface StoredGrant {
    org: string;
    user: string;
    mspId: string;
    certificate: string;
    privateKey?: string;
    offline?: boolean;
    issuedAt: string;
}

const tokenPrefix = 'clt_';

export function tokenHash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class TokenStore {
    private records: Record<string, SealedRecord>;

    /** `file` undefined keeps tokens in memory only (tests, throwaway servers). */
    constructor(
        private readonly key: Buffer,
        private readonly file?: string,
    ) {
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
        options: { offline?: boolean; now?: Date } = {},
    ): string {
        const now = options.now ?? new Date();
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
        };
        this.records[hash] = { sealed: seal(this.key, Buffer.from(JSON.stringify(grant)), hash).toString('base64') };
        this.persist();
        return token;
    }

    resolve(token: string): TokenGrant | undefined {
        if (!token.startsWith(tokenPrefix)) {
            return undefined;
        }
        const hash = tokenHash(token);
        // Looked up by hash, so lookup time reveals nothing about the token's bytes.
        const record = Object.prototype.hasOwnProperty.call(this.records, hash) ? this.records[hash] : undefined;
        if (!record) {
            return undefined;
        }
        const grant = JSON.parse(
            open(this.key, Buffer.from(record.sealed, 'base64'), hash).toString('utf8'),
        ) as StoredGrant;
        return {
            org: grant.org,
            user: grant.user,
            issuedAt: grant.issuedAt,
            offline: grant.offline === true,
            identity: { mspId: grant.mspId, certificate: grant.certificate, privateKey: grant.privateKey },
        };
    }

    revoke(token: string): boolean {
        const hash = tokenHash(token);
        if (!this.records[hash]) {
            return false;
        }
        delete this.records[hash];
        this.persist();
        return true;
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
