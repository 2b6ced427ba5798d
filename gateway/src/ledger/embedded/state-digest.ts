import { createHash } from 'node:crypto';
import type { HashedValue, VersionedValue } from './types';

/** One entry of the world state, as the digest sees it. */
export type DigestEntry =
    | { space: 'public'; key: string; value: VersionedValue }
    | { space: 'private'; collection: string; key: string; value: VersionedValue }
    | { space: 'hash'; collection: string; keyHash: string; value: HashedValue };

const modulus = 1n << 256n;
const mask = modulus - 1n;

/**
 * An order-independent digest of a set of state entries, kept up to date one write at a time:
 * the sum, modulo 2^256, of each entry's SHA-256 (an additive multiset hash, "AdHash"). Adding
 * an entry and removing it again returns the same digest, so the digest of the whole world state
 * costs one hash per write instead of a pass over every key on each comparison.
 *
 * Each entry's hash covers its space, collection, key, value (or value hash), version and
 * metadata, length-prefixed, so any committed write — even one that rewrites the same value at a
 * new version — moves the digest. It detects change; it is not a commitment against someone who
 * picks many entries to forge a collision.
 */
export class StateDigest {
    private sum = 0n;

    add(entry: DigestEntry): void {
        this.sum = (this.sum + entryHash(entry)) & mask;
    }

    remove(entry: DigestEntry): void {
        this.sum = (this.sum - entryHash(entry)) & mask;
    }

    /** 64 hex digits. */
    hex(): string {
        return this.sum.toString(16).padStart(64, '0');
    }
}

function entryHash(entry: DigestEntry): bigint {
    const hash = createHash('sha256');
    const field = (data: string | Buffer) => {
        // UTF-16 keeps every JS string apart, lone surrogates included (UTF-8 would merge them).
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf16le') : data;
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        hash.update(length).update(bytes);
    };
    field(entry.space);
    if (entry.space === 'public') {
        field(entry.key);
        field(entry.value.value);
    } else if (entry.space === 'private') {
        field(entry.collection);
        field(entry.key);
        field(entry.value.value);
    } else {
        field(entry.collection);
        field(entry.keyHash);
        field(entry.value.valueHash);
    }
    field(`${entry.value.version.blockNum}:${entry.value.version.txNum}`);
    const metadata = entry.value.metadata ?? {};
    const names = Object.keys(metadata).sort();
    field(String(names.length));
    for (const name of names) {
        field(name);
        field(metadata[name]);
    }
    return BigInt(`0x${hash.digest('hex')}`);
}
