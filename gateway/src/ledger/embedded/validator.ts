import { keyHashOf } from './hashing';
import { compareKeys, inRange } from './key-order';
import { sameHeight } from './simulator';
import type { EndorsedTransaction, Height, RangeQueryInfo, ValidationCode } from './types';
import type { WorldState } from './world-state';

/**
 * Fabric's MVCC validation of one block, in order: a transaction is valid only if every key
 * it read still has the version it read, every range it scanned yields the same keys and
 * versions (no phantoms), and every private data hash it read is unchanged — against the
 * committed state plus the writes of the valid transactions before it in the same block.
 */
export function validateBlock(
    state: WorldState,
    transactions: readonly EndorsedTransaction[],
    blockNum: number,
): ValidationCode[] {
    const publicUpdates = new Map<string, Height | null>();
    const hashUpdates = new Map<string, Height | null>();
    const seenTxIds = new Set<string>();

    return transactions.map((tx, txNum) => {
        const code = validateTransaction(tx);
        if (code === 'VALID') {
            const version = { blockNum, txNum };
            tx.rwset.writes.forEach((write) => publicUpdates.set(write.key, write.value === null ? null : version));
            tx.rwset.metadataWrites.forEach(({ key }) => publicUpdates.set(key, version));
            for (const coll of tx.rwset.collections) {
                coll.writes.forEach((write) =>
                    hashUpdates.set(
                        hashId(coll.collection, keyHashOf(write.key)),
                        write.value === null ? null : version,
                    ),
                );
                coll.metadataWrites.forEach(({ key }) =>
                    hashUpdates.set(hashId(coll.collection, keyHashOf(key)), version),
                );
            }
        }
        seenTxIds.add(tx.txId);
        return code;
    });

    function validateTransaction(tx: EndorsedTransaction): ValidationCode {
        if (seenTxIds.has(tx.txId) || state.hasTransaction(tx.txId)) {
            return 'DUPLICATE_TXID';
        }
        for (const read of tx.rwset.reads) {
            if (publicUpdates.has(read.key) || !sameHeight(state.getState(read.key)?.version ?? null, read.version)) {
                return 'MVCC_READ_CONFLICT';
            }
        }
        for (const query of tx.rwset.rangeQueries) {
            if (!sameRangeResults(query)) {
                return 'PHANTOM_READ_CONFLICT';
            }
        }
        for (const coll of tx.rwset.collections) {
            for (const read of coll.hashedReads) {
                const id = hashId(coll.collection, read.keyHash);
                if (
                    hashUpdates.has(id) ||
                    !sameHeight(state.getHash(coll.collection, read.keyHash)?.version ?? null, read.version)
                ) {
                    return 'MVCC_READ_CONFLICT';
                }
            }
        }
        return 'VALID';
    }

    function sameRangeResults(query: RangeQueryInfo): boolean {
        const includeEnd = !query.itrExhausted;
        const now = new Map<string, Height>();
        for (const [key, value] of state.range(query.startKey, query.endKey, includeEnd)) {
            now.set(key, value.version);
        }
        for (const [key, version] of publicUpdates) {
            if (inRange(key, query.startKey, query.endKey, includeEnd)) {
                if (version) {
                    now.set(key, version);
                } else {
                    now.delete(key);
                }
            }
        }
        const keys = [...now.keys()].sort(compareKeys);
        return (
            keys.length === query.reads.length &&
            keys.every((key, i) => key === query.reads[i].key && sameHeight(now.get(key), query.reads[i].version))
        );
    }
}

function hashId(collection: string, keyHash: string): string {
    return `${collection}\u0000${keyHash}`;
}
