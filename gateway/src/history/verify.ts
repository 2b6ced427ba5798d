import type { LedgerSession } from '../ledger';
import { blockDigest, blockRow, type BlockRow } from './rows';
import type { HistoryStore } from './store';

export interface VerifyReport {
    /** True when every indexed block equals the ledger's block and the chain links. */
    ok: boolean;
    /** Blocks the index holds (and that were compared). */
    indexedHeight: number;
    /** Blocks the ledger held when verification started. */
    ledgerHeight: number;
    checkedBlocks: number;
    /** The first block where the index and the ledger differ, and how. */
    firstDifference?: { blockNumber: number; reason: string };
}

export interface VerifyOptions {
    /** Called after each compared block with the number compared so far. */
    onProgress?: (checked: number, total: number) => void;
    /** Blocks read from the index per query (default 500). */
    chunk?: number;
}

/**
 * Recomputes the index from the ledger: every block the index holds is read again from the
 * org's peer, turned into rows as at ingestion, and compared, header and rows, with what the
 * database holds now. Reports the first block that differs: a row altered, added or removed in
 * the database, a header that does not match the peer's, or a chain that does not link.
 */
export async function verifyIndex(
    store: HistoryStore,
    session: LedgerSession,
    options: VerifyOptions = {},
): Promise<VerifyReport> {
    const indexedHeight = await store.height();
    const ledgerHeight = Number(await session.chainHeight());
    const report = (checkedBlocks: number, blockNumber?: number, reason?: string): VerifyReport => ({
        ok: reason === undefined,
        indexedHeight,
        ledgerHeight,
        checkedBlocks,
        ...(reason !== undefined && blockNumber !== undefined ? { firstDifference: { blockNumber, reason } } : {}),
    });
    const stray = await store.db.query<{ number: number | null }>(
        `SELECT least((SELECT min(number) FROM history_blocks WHERE number >= $1),
                      (SELECT min(block_number) FROM history_transactions WHERE block_number >= $1),
                      (SELECT min(block_number) FROM history_writes WHERE block_number >= $1)) AS number`,
        [indexedHeight],
    );
    const strayBlock = stray[0]?.number ?? null;
    if (indexedHeight > ledgerHeight) {
        return report(0, ledgerHeight, `the index holds ${indexedHeight} blocks but the ledger only ${ledgerHeight}`);
    }
    if (indexedHeight === 0) {
        return strayBlock === null ? report(0) : report(0, strayBlock, 'rows past the checkpoint');
    }
    const chunk = options.chunk ?? 500;
    const stream = await session.blocks({ startBlock: 0n });
    let checked = 0;
    let indexed: BlockRow[] = [];
    let previousHash: string | undefined;
    try {
        for await (const block of stream) {
            const number = Number(block.number);
            if (number >= indexedHeight) {
                break;
            }
            if (indexed.length === 0 || indexed[0].number > number) {
                indexed = await store.blocks(number, Math.min(number + chunk, indexedHeight) - 1);
            }
            while (indexed.length && indexed[0].number < number) {
                indexed.shift();
            }
            const mine = indexed[0]?.number === number ? indexed.shift() : undefined;
            const reason = difference(blockRow(block), mine, previousHash);
            if (reason) {
                return report(checked, number, reason);
            }
            previousHash = mine?.hash;
            checked++;
            options.onProgress?.(checked, indexedHeight);
            if (number + 1 >= indexedHeight) {
                break;
            }
        }
    } finally {
        stream.close();
    }
    if (checked < indexedHeight) {
        return report(checked, checked, 'the ledger stream ended before every indexed block was compared');
    }
    return strayBlock === null ? report(checked) : report(checked, strayBlock, 'rows past the checkpoint');
}

/** Why the index's rows for a block differ from the ledger's block, or undefined if they do not. */
function difference(ledger: BlockRow, index: BlockRow | undefined, indexPreviousHash?: string): string | undefined {
    if (!index || !index.hash) {
        return 'the block is missing from the index';
    }
    if (indexPreviousHash !== undefined && index.previousHash !== indexPreviousHash) {
        return "the index's chain does not link: previous hash differs from the hash of the block before";
    }
    for (const field of ['hash', 'previousHash', 'dataHash'] as const) {
        if (ledger[field] !== index[field]) {
            return `header ${field} differs (ledger ${ledger[field]}, index ${index[field]})`;
        }
    }
    if (blockDigest(ledger) === blockDigest(index)) {
        return undefined;
    }
    if (ledger.transactions.length !== index.transactions.length) {
        return `${ledger.transactions.length} transactions in the ledger, ${index.transactions.length} in the index`;
    }
    for (const [i, tx] of ledger.transactions.entries()) {
        const other = index.transactions[i];
        const single = (row: typeof tx) => blockDigest({ ...ledger, transactions: [row] });
        if (single(tx) !== single(other)) {
            const what =
                tx.writes.length !== other.writes.length ||
                JSON.stringify(tx.writes.map((w) => [w.key, w.value?.toString('base64')])) !==
                    JSON.stringify(other.writes.map((w) => [w.key, w.value?.toString('base64')]))
                    ? 'its key writes'
                    : 'its transaction row';
            return `transaction ${tx.txId} (position ${tx.position}) differs: ${what}`;
        }
    }
    return 'the rows differ';
}
