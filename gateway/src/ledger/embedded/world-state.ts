import { keyHashOf, sha256 } from './hashing';
import { SortedKeyMap } from './sorted-map';
import { StateDigest } from './state-digest';
import type {
    Block,
    CollectionRwSet,
    EndorsedBlock,
    EndorsedTransaction,
    HashedCollectionRwSet,
    HashedValue,
    Height,
    HistoryEntry,
    LedgerTransaction,
    VersionedValue,
} from './types';

/** A write the state store must persist, produced when a block is applied. */
export type StateChange =
    | { space: 'public'; key: string; value: VersionedValue | null }
    | { space: 'private'; collection: string; key: string; value: VersionedValue | null }
    | { space: 'hash'; collection: string; keyHash: string; value: HashedValue | null }
    | { space: 'history'; key: string; entry: HistoryEntry }
    | { space: 'txid'; txId: string };

/**
 * Committed state of the chaincode's namespace: public world state, private data of every
 * collection (the simulator decides which of it a given org's peer may see), the hashes of
 * private data that every peer holds, key history and committed transaction ids.
 * Only {@link apply} changes it, one validated block at a time.
 */
export class WorldState {
    readonly public = new SortedKeyMap<VersionedValue>();
    private readonly privateData = new Map<string, SortedKeyMap<VersionedValue>>();
    private readonly hashes = new Map<string, Map<string, HashedValue>>();
    private readonly histories = new Map<string, HistoryEntry[]>();
    private readonly txIds = new Set<string>();
    private readonly running = new StateDigest();
    /** Number of blocks applied; the next block's number. */
    height = 0;

    /**
     * Digest of the whole world state — public values, private data of every collection and the
     * private data hashes every peer holds, with versions and metadata — kept up to date by each
     * write, so comparing it before and after a call costs nothing per key. Equal digests: the
     * same state; any committed write changes it.
     */
    digest(): string {
        return this.running.hex();
    }

    /** The same digest computed from scratch over every entry; equals {@link digest} unless the state was changed behind {@link apply}. */
    recomputeDigest(): string {
        const digest = new StateDigest();
        for (const [key, value] of this.public.entries()) {
            digest.add({ space: 'public', key, value });
        }
        for (const [collection, store] of this.privateData) {
            for (const [key, value] of store.entries()) {
                digest.add({ space: 'private', collection, key, value });
            }
        }
        for (const [collection, store] of this.hashes) {
            for (const [keyHash, value] of store) {
                digest.add({ space: 'hash', collection, keyHash, value });
            }
        }
        return digest.hex();
    }

    getState(key: string): VersionedValue | undefined {
        return this.public.get(key);
    }

    range(start: string, end: string, includeEnd = false): IterableIterator<[string, VersionedValue]> {
        return this.public.range(start, end, includeEnd);
    }

    getPrivate(collection: string, key: string): VersionedValue | undefined {
        return this.privateData.get(collection)?.get(key);
    }

    privateRange(collection: string, start: string, end: string): IterableIterator<[string, VersionedValue]> {
        return (this.privateData.get(collection) ?? new SortedKeyMap<VersionedValue>()).range(start, end);
    }

    getHash(collection: string, keyHash: string): HashedValue | undefined {
        return this.hashes.get(collection)?.get(keyHash);
    }

    /** Oldest first. */
    history(key: string): readonly HistoryEntry[] {
        return this.histories.get(key) ?? [];
    }

    hasTransaction(txId: string): boolean {
        return this.txIds.has(txId);
    }

    collections(): string[] {
        return [...new Set([...this.privateData.keys(), ...this.hashes.keys()])].sort();
    }

    privateEntries(collection: string): IterableIterator<[string, VersionedValue]> {
        return (this.privateData.get(collection) ?? new SortedKeyMap<VersionedValue>()).entries();
    }

    hashEntries(collection: string): Array<[string, HashedValue]> {
        return [...(this.hashes.get(collection) ?? new Map<string, HashedValue>()).entries()].sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
        );
    }

    /**
     * Applies the valid transactions of a validated block and returns what changed. A block with
     * its private data (an {@link EndorsedBlock}) updates values and hashes; a stored block alone
     * updates the hashes only, as on a peer of an org outside the collection.
     */
    apply(block: EndorsedBlock | Block): StateChange[] {
        if (block.number !== this.height) {
            throw new Error(`block ${block.number} applied at height ${this.height}`);
        }
        const changes: StateChange[] = [];
        (block.transactions as Array<EndorsedTransaction | LedgerTransaction>).forEach((tx, txNum) => {
            if (block.validation[txNum] !== 'VALID') {
                return;
            }
            const version: Height = { blockNum: block.number, txNum };
            for (const write of tx.rwset.writes) {
                const current = this.public.get(write.key);
                const value =
                    write.value === null ? null : { value: write.value, version, metadata: current?.metadata };
                this.setPublic(write.key, value, changes);
                const entry: HistoryEntry = {
                    txId: tx.txId,
                    timestamp: tx.timestamp,
                    isDelete: write.value === null,
                    value: write.value ?? Buffer.alloc(0),
                    version,
                };
                this.addHistory(write.key, entry);
                changes.push({ space: 'history', key: write.key, entry });
            }
            for (const { key, entries } of tx.rwset.metadataWrites) {
                const current = this.public.get(key);
                if (current) {
                    this.setPublic(key, { ...current, version, metadata: nonEmpty(entries) }, changes);
                }
            }
            for (const set of tx.rwset.collections as Array<CollectionRwSet | HashedCollectionRwSet>) {
                if ('hashedWrites' in set) {
                    this.applyHashed(set, version, changes);
                    continue;
                }
                const coll = set;
                for (const write of coll.writes) {
                    const keyHash = keyHashOf(write.key);
                    if (write.value === null) {
                        this.setPrivate(coll.collection, write.key, null, changes);
                        this.setHash(coll.collection, keyHash, null, changes);
                    } else {
                        const metadata = this.getHash(coll.collection, keyHash)?.metadata;
                        this.setPrivate(coll.collection, write.key, { value: write.value, version }, changes);
                        this.setHash(
                            coll.collection,
                            keyHash,
                            { valueHash: sha256(write.value), version, metadata },
                            changes,
                        );
                    }
                }
                for (const { key, entries } of coll.metadataWrites) {
                    const keyHash = keyHashOf(key);
                    const current = this.getHash(coll.collection, keyHash);
                    if (current) {
                        this.setHash(
                            coll.collection,
                            keyHash,
                            { ...current, version, metadata: nonEmpty(entries) },
                            changes,
                        );
                    }
                }
            }
            this.txIds.add(tx.txId);
            changes.push({ space: 'txid', txId: tx.txId });
        });
        this.height = block.number + 1;
        return changes;
    }

    private applyHashed(set: HashedCollectionRwSet, version: Height, changes: StateChange[]): void {
        for (const write of set.hashedWrites) {
            const metadata = this.getHash(set.collection, write.keyHash)?.metadata;
            this.setHash(
                set.collection,
                write.keyHash,
                write.valueHash === null ? null : { valueHash: write.valueHash, version, metadata },
                changes,
            );
        }
        for (const { keyHash, entries } of set.hashedMetadataWrites) {
            const current = this.getHash(set.collection, keyHash);
            if (current) {
                this.setHash(set.collection, keyHash, { ...current, version, metadata: nonEmpty(entries) }, changes);
            }
        }
    }

    /** Loads one persisted change without a block: used when reopening a persisted ledger. */
    restore(change: StateChange): void {
        switch (change.space) {
            case 'public':
                this.setPublic(change.key, change.value, []);
                break;
            case 'private':
                this.setPrivate(change.collection, change.key, change.value, []);
                break;
            case 'hash':
                this.setHash(change.collection, change.keyHash, change.value, []);
                break;
            case 'history':
                this.addHistory(change.key, change.entry);
                break;
            case 'txid':
                this.txIds.add(change.txId);
                break;
        }
    }

    private setPublic(key: string, value: VersionedValue | null, changes: StateChange[]): void {
        const current = this.public.get(key);
        if (current) {
            this.running.remove({ space: 'public', key, value: current });
        }
        if (value) {
            this.running.add({ space: 'public', key, value });
        }
        if (value) {
            this.public.set(key, value);
        } else {
            this.public.delete(key);
        }
        changes.push({ space: 'public', key, value });
    }

    private setPrivate(collection: string, key: string, value: VersionedValue | null, changes: StateChange[]): void {
        let store = this.privateData.get(collection);
        if (!store) {
            store = new SortedKeyMap<VersionedValue>();
            this.privateData.set(collection, store);
        }
        const current = store.get(key);
        if (current) {
            this.running.remove({ space: 'private', collection, key, value: current });
        }
        if (value) {
            this.running.add({ space: 'private', collection, key, value });
        }
        if (value) {
            store.set(key, value);
        } else {
            store.delete(key);
        }
        changes.push({ space: 'private', collection, key, value });
    }

    private setHash(collection: string, keyHash: string, value: HashedValue | null, changes: StateChange[]): void {
        let store = this.hashes.get(collection);
        if (!store) {
            store = new Map<string, HashedValue>();
            this.hashes.set(collection, store);
        }
        const current = store.get(keyHash);
        if (current) {
            this.running.remove({ space: 'hash', collection, keyHash, value: current });
        }
        if (value) {
            this.running.add({ space: 'hash', collection, keyHash, value });
        }
        if (value) {
            store.set(keyHash, value);
        } else {
            store.delete(keyHash);
        }
        changes.push({ space: 'hash', collection, keyHash, value });
    }

    private addHistory(key: string, entry: HistoryEntry): void {
        let entries = this.histories.get(key);
        if (!entries) {
            entries = [];
            this.histories.set(key, entries);
        }
        entries.push(entry);
    }
}

function nonEmpty(entries: Record<string, Buffer>): Record<string, Buffer> | undefined {
    return Object.keys(entries).length ? entries : undefined;
}
