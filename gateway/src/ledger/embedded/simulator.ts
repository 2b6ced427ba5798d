import type { CollectionRegistry } from './collections';
import { keyHashOf } from './hashing';
import { compareKeys } from './key-order';
import type {
    CollectionRwSet,
    Height,
    HistoryEntry,
    KeyRead,
    MetadataWrite,
    PrivateWrite,
    RangeQueryInfo,
    RwSet,
    VersionedValue,
} from './types';
import type { WorldState } from './world-state';

/** The org whose peer runs a simulation: it holds the private data of collections its org is a member of. */
export interface PeerContext {
    mspId: string;
}

/** One result a scan yields to the chaincode. */
export type ScanResult = { kind: 'kv'; key: string; value: Buffer } | { kind: 'history'; entry: HistoryEntry };

/** A database iterator as Fabric's query response builder pulls from it: `null` when exhausted. */
export interface Scan {
    next(): ScanResult | null;
    /** The key the next page starts at, or '' when the range has no more keys. */
    bookmark(): string;
}

/**
 * Simulates one transaction against committed state, as Fabric's transaction simulator
 * does: reads record the committed version (never the transaction's own uncommitted
 * writes), writes are buffered, range scans record what they saw for the phantom check,
 * and the same restrictions apply (no writes after a paginated or private range query and
 * vice versa, private data only where the peer's org is a member).
 */
export class TxSimulator {
    private readonly reads = new Map<string, Height | null>();
    private readonly rangeQueries: RangeQueryInfo[] = [];
    private readonly writes = new Map<string, Buffer | null>();
    private readonly metadataWrites = new Map<string, Record<string, Buffer>>();
    private readonly privateSets = new Map<
        string,
        {
            hashedReads: Map<string, Height | null>;
            writes: Map<string, PrivateWrite>;
            metadataWrites: Map<string, Record<string, Buffer>>;
        }
    >();
    private writePerformed = false;
    private paginatedQueriesPerformed = false;
    private privateQueriesPerformed = false;

    constructor(
        private readonly state: WorldState,
        private readonly collections: CollectionRegistry,
        readonly txId: string,
        readonly creatorMspId: string,
        readonly peer: PeerContext,
        private readonly chaincodeName: string,
    ) {}

    getState(key: string): Buffer | undefined {
        const current = this.state.getState(key);
        this.reads.set(key, current ? current.version : null);
        return current?.value;
    }

    getStateMetadata(key: string): Record<string, Buffer> {
        const current = this.state.getState(key);
        this.reads.set(key, current ? current.version : null);
        return current?.metadata ?? {};
    }

    putState(key: string, value: Buffer): void {
        this.checkWritePrecondition(key);
        this.writes.set(key, value.length === 0 ? null : value);
    }

    deleteState(key: string): void {
        this.checkWritePrecondition(key);
        this.writes.set(key, null);
    }

    putStateMetadata(key: string, metakey: string, value: Buffer): void {
        this.checkWritePrecondition(key);
        // Fabric replaces the key's whole metadata map with the committed one plus this entry.
        const entries = { ...(this.metadataWrites.get(key) ?? this.state.getState(key)?.metadata ?? {}) };
        entries[metakey] = value;
        this.metadataWrites.set(key, entries);
    }

    rangeScan(startKey: string, endKey: string, pageSize = 0): Scan {
        if (pageSize > 0) {
            this.checkBeforeQuery('paginated');
        }
        const matches = [...this.state.range(startKey, endKey)];
        const info: RangeQueryInfo = { startKey, endKey, itrExhausted: false, reads: [] };
        this.rangeQueries.push(info);
        let position = 0;
        return {
            next: () => {
                if (position >= matches.length || (pageSize > 0 && position >= pageSize)) {
                    info.itrExhausted = true;
                    info.endKey = endKey;
                    return null;
                }
                const [key, versioned] = matches[position++];
                info.reads.push({ key, version: versioned.version });
                info.endKey = key;
                return { kind: 'kv', key, value: versioned.value };
            },
            bookmark: () => (position < matches.length ? matches[position][0] : ''),
        };
    }

    history(key: string): Scan {
        const entries = [...this.state.history(key)].reverse();
        let position = 0;
        return {
            next: () => (position < entries.length ? { kind: 'history', entry: entries[position++] } : null),
            bookmark: () => '',
        };
    }

    getPrivateData(collection: string, key: string): Buffer | undefined {
        this.requireCollection(collection, 'read');
        const held = this.peerHolds(collection) ? this.state.getPrivate(collection, key) : undefined;
        const keyHash = keyHashOf(key);
        const hashVersion = this.state.getHash(collection, keyHash)?.version ?? null;
        const heldVersion = held?.version ?? null;
        if (!sameHeight(hashVersion, heldVersion)) {
            throw new Error(
                `private data matching public hash version is not available. Public hash version = ${formatHeight(hashVersion)}, Private data version = ${formatHeight(heldVersion)}`,
            );
        }
        this.privateSet(collection).hashedReads.set(keyHash, heldVersion);
        return held?.value;
    }

    getPrivateDataHash(collection: string, key: string): Buffer | undefined {
        this.requireCollection(collection);
        const keyHash = keyHashOf(key);
        const hashed = this.state.getHash(collection, keyHash);
        this.privateSet(collection).hashedReads.set(keyHash, hashed?.version ?? null);
        return hashed?.valueHash;
    }

    getPrivateDataMetadata(collection: string, key: string): Record<string, Buffer> {
        this.requireCollection(collection, 'read');
        const keyHash = keyHashOf(key);
        const hashed = this.state.getHash(collection, keyHash);
        this.privateSet(collection).hashedReads.set(keyHash, hashed?.version ?? null);
        return hashed?.metadata ?? {};
    }

    privateRangeScan(collection: string, startKey: string, endKey: string): Scan {
        this.requireCollection(collection, 'read');
        this.checkBeforeQuery('private');
        const matches: Array<[string, VersionedValue]> = this.peerHolds(collection)
            ? [...this.state.privateRange(collection, startKey, endKey)]
            : [];
        let position = 0;
        return {
            next: () => {
                if (position >= matches.length) {
                    return null;
                }
                const [key, versioned] = matches[position++];
                return { kind: 'kv', key, value: versioned.value };
            },
            bookmark: () => '',
        };
    }

    putPrivateData(collection: string, key: string, value: Buffer): void {
        this.requireCollection(collection, 'write');
        this.checkWritePrecondition(key);
        this.privateSet(collection).writes.set(key, { key, value: value.length === 0 ? null : value, purge: false });
    }

    deletePrivateData(collection: string, key: string): void {
        this.requireCollection(collection, 'write');
        this.checkWritePrecondition(key);
        this.privateSet(collection).writes.set(key, { key, value: null, purge: false });
    }

    purgePrivateData(collection: string, key: string): void {
        this.requireCollection(collection, 'write');
        this.checkWritePrecondition(key);
        this.privateSet(collection).writes.set(key, { key, value: null, purge: true });
    }

    putPrivateDataMetadata(collection: string, key: string, metakey: string, value: Buffer): void {
        this.requireCollection(collection, 'write');
        this.checkWritePrecondition(key);
        const set = this.privateSet(collection);
        const entries = {
            ...(set.metadataWrites.get(key) ?? this.state.getHash(collection, keyHashOf(key))?.metadata ?? {}),
        };
        entries[metakey] = value;
        set.metadataWrites.set(key, entries);
    }

    /** The read/write set, every list sorted by key so that equal simulations give equal sets. */
    results(): RwSet {
        const seenRanges = new Set<string>();
        const rangeQueries = this.rangeQueries.filter((info) => {
            const id = JSON.stringify([info.startKey, info.endKey, info.itrExhausted]);
            if (seenRanges.has(id)) {
                return false;
            }
            seenRanges.add(id);
            return true;
        });
        const collections: CollectionRwSet[] = [...this.privateSets.entries()]
            .sort(([a], [b]) => compareKeys(a, b))
            .map(([collection, set]) => ({
                collection,
                hashedReads: sortedEntries(set.hashedReads).map(([keyHash, version]) => ({ keyHash, version })),
                writes: sortedEntries(set.writes).map(([, write]) => write),
                metadataWrites: metadataList(set.metadataWrites),
            }));
        return {
            reads: sortedEntries(this.reads).map(([key, version]): KeyRead => ({ key, version })),
            rangeQueries,
            writes: sortedEntries(this.writes).map(([key, value]) => ({ key, value })),
            metadataWrites: metadataList(this.metadataWrites),
            collections,
        };
    }

    private peerHolds(collection: string): boolean {
        return this.collections.get(collection)?.members.includes(this.peer.mspId) ?? false;
    }

    private requireCollection(collection: string, access?: 'read' | 'write'): void {
        const definition = this.collections.get(collection);
        if (!definition) {
            throw new Error(
                `collection [${collection}] not defined in the collection config for chaincode [${this.chaincodeName}]`,
            );
        }
        const memberOnly =
            access === 'read' ? definition.memberOnlyRead : access === 'write' ? definition.memberOnlyWrite : false;
        if (memberOnly && !definition.members.includes(this.creatorMspId)) {
            throw new Error(
                `tx creator does not have ${access} access permission on privatedata in chaincodeName:${this.chaincodeName} collectionName: ${collection}`,
            );
        }
    }

    private privateSet(collection: string) {
        let set = this.privateSets.get(collection);
        if (!set) {
            set = { hashedReads: new Map(), writes: new Map(), metadataWrites: new Map() };
            this.privateSets.set(collection, set);
        }
        return set;
    }

    private checkBeforeQuery(kind: 'paginated' | 'private'): void {
        if (this.writePerformed) {
            throw new Error(
                kind === 'paginated'
                    ? `txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`
                    : `txid [${this.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`,
            );
        }
        if (kind === 'paginated') {
            this.paginatedQueriesPerformed = true;
        } else {
            this.privateQueriesPerformed = true;
        }
    }

    private checkWritePrecondition(key: string): void {
        if (this.privateQueriesPerformed) {
            throw new Error(
                `txid [${this.txId}]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed`,
            );
        }
        if (this.paginatedQueriesPerformed) {
            throw new Error(
                `txid [${this.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`,
            );
        }
        this.writePerformed = true;
        // Lone surrogates do not survive UTF-8 encoding; peers reject keys that are not UTF-8.
        if (Buffer.from(key, 'utf8').toString('utf8') !== key) {
            throw new Error(`invalid key [${Buffer.from(key, 'utf8').toString('hex')}], must be a UTF-8 string`);
        }
    }
}

export function sameHeight(a: Height | null | undefined, b: Height | null | undefined): boolean {
    if (!a || !b) {
        return !a && !b;
    }
    return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

function formatHeight(height: Height | null): string {
    return height ? `{BlockNum: ${height.blockNum}, TxNum: ${height.txNum}}` : '<nil>';
}

function sortedEntries<V>(map: Map<string, V>): Array<[string, V]> {
    return [...map.entries()].sort(([a], [b]) => compareKeys(a, b));
}

function metadataList(map: Map<string, Record<string, Buffer>>): MetadataWrite[] {
    return sortedEntries(map).map(([key, entries]) => ({ key, entries }));
}
