import { keyHashOf, sha256 } from './hashing';
import type {
    Block,
    CollectionRwSet,
    EndorsedBlock,
    EndorsedTransaction,
    HashedCollectionRwSet,
    LedgerTransaction,
} from './types';

/**
 * What the block store keeps, after Fabric: a block carries the hashed read/write set of
 * private data (key hash, value hash), never the values. The values travel beside the block
 * ({@link PrivateDataOfBlock}, Fabric's private data store) until the state has absorbed them,
 * so a purge removes the last clear copy and blocks never hold private data in clear.
 */

/** The clear-text private writes of a block, by transaction index; only peers of member orgs keep them. */
export type PrivateDataOfBlock = Record<number, CollectionRwSet[]>;

/** The block as it is stored and delivered: private writes hashed. */
export function toLedgerBlock(block: EndorsedBlock): Block {
    return { ...block, transactions: block.transactions.map(toLedgerTransaction) };
}

function toLedgerTransaction(tx: EndorsedTransaction): LedgerTransaction {
    return { ...tx, rwset: { ...tx.rwset, collections: tx.rwset.collections.map(hashedCollection) } };
}

function hashedCollection(set: CollectionRwSet): HashedCollectionRwSet {
    return {
        collection: set.collection,
        hashedReads: set.hashedReads,
        hashedWrites: set.writes.map((write) => ({
            keyHash: keyHashOf(write.key),
            valueHash: write.value === null ? null : sha256(write.value),
            purge: write.purge,
        })),
        hashedMetadataWrites: set.metadataWrites.map(({ key, entries }) => ({ keyHash: keyHashOf(key), entries })),
    };
}

/** The private writes of a block's transactions, kept beside it until its state is committed. */
export function privateDataOf(block: EndorsedBlock): PrivateDataOfBlock {
    const data: PrivateDataOfBlock = {};
    block.transactions.forEach((tx, index) => {
        if (tx.rwset.collections.length) {
            data[index] = tx.rwset.collections;
        }
    });
    return data;
}

/** A stored block with its private data put back: what a member peer applies to its state. */
export function withPrivateData(block: Block, data: PrivateDataOfBlock): EndorsedBlock {
    return {
        ...block,
        transactions: block.transactions.map((tx, index) => ({
            ...tx,
            rwset: { ...tx.rwset, collections: data[index] ?? [] },
        })),
    };
}
