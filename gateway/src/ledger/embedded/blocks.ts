import type { BlockTransaction, LedgerBlock } from '../ledger';
import { encode } from './codec';
import { sha256 } from './hashing';
import type { Block } from './types';

/**
 * A stored block as the ledger interface delivers it. `hash` is SHA-256 of the block's stored
 * bytes, which is what the engine writes as the next block's `previousHash`; `dataHash` covers
 * the transactions as ordered. Only public writes are carried: private data sets (clear values
 * a member peer keeps) and return values stay out.
 */
export function toLedgerBlock(block: Block): LedgerBlock {
    const transactions: BlockTransaction[] = block.transactions.map((tx, position) => ({
        transactionId: tx.txId,
        position,
        timestamp: new Date(tx.timestamp.seconds * 1000 + Math.floor(tx.timestamp.nanos / 1_000_000)).toISOString(),
        creatorMspId: tx.creatorMspId,
        creatorRole: tx.creatorRole,
        functionName: tx.functionName,
        validationCode: block.validation[position],
        event: tx.event && { name: tx.event.name, payload: new Uint8Array(tx.event.payload) },
        writes: tx.rwset.writes.map((write) =>
            write.value === null ? { key: write.key } : { key: write.key, value: new Uint8Array(write.value) },
        ),
    }));
    return {
        number: BigInt(block.number),
        previousHash: block.previousHash,
        dataHash: sha256(encode(block.transactions)).toString('hex'),
        hash: sha256(encode(block)).toString('hex'),
        transactions,
    };
}
