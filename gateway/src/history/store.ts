import { isUtf8 } from 'node:buffer';
import { LedgerError } from '../ledger';
import type { HistoryDatabase, SqlClient } from './database';
import { unnestColumns } from './columns';
import type { BlockRow, TransactionRow, WriteRow } from './rows';

/** Where ingestion stands: the next block to ingest, and the last block's hash. */
export interface Checkpoint {
    nextBlock: number;
    source: string;
    updatedAt: string;
}

/** The index's block headers broke their chain: the ledger delivered a block that does not link. */
export class ChainBrokenError extends Error {
    constructor(
        readonly blockNumber: number,
        readonly expectedPreviousHash: string,
        readonly actualPreviousHash: string,
    ) {
        super(
            `block ${blockNumber} does not link to block ${blockNumber - 1}: its previous hash is ${actualPreviousHash || '(empty)'}, the index holds ${expectedPreviousHash}`,
        );
        this.name = 'ChainBrokenError';
    }
}

/**
 * Reads and writes the index's tables. `append` writes blocks with the checkpoint that follows
 * them in one database transaction: after a crash the index holds every block up to its
 * checkpoint and none after it, so ingestion resumes at the checkpoint and writes nothing twice.
 */
export class HistoryStore {
    constructor(readonly db: HistoryDatabase) {}

    async checkpoint(client: SqlClient = this.db): Promise<Checkpoint | undefined> {
        const rows = await client.query<{ next_block: number; source: string; updated_at: string }>(
            'SELECT next_block, source, updated_at FROM history_checkpoint WHERE id = 1',
        );
        return rows[0] && { nextBlock: rows[0].next_block, source: rows[0].source, updatedAt: rows[0].updated_at };
    }

    /** Number of blocks the index reflects (the next block it will ingest); 0 when empty. */
    async height(): Promise<number> {
        return (await this.checkpoint())?.nextBlock ?? 0;
    }

    /**
     * Appends consecutive blocks and moves the checkpoint past them, in one transaction.
     * Blocks the checkpoint is already past are skipped (a stream that delivers a block twice);
     * a gap or a block that does not link to its predecessor is refused.
     * @returns the number of blocks written.
     */
    async append(blocks: readonly BlockRow[], source: string): Promise<number> {
        return this.db.transaction(async (tx) => {
            await tx.query('SELECT pg_advisory_xact_lock($1)', [7_301_401]);
            // The checkpoint and the hash of the block before it, in one round trip (after the lock: its snapshot sees the last writer's commit).
            const [held] = await tx.query<{
                next_block: number;
                source: string;
                previous_hash: string | null;
            }>(
                `SELECT c.next_block, c.source,
                        (SELECT hash FROM history_blocks WHERE number = c.next_block - 1) AS previous_hash
                 FROM history_checkpoint c WHERE c.id = 1`,
            );
            if (held && held.source !== source) {
                throw new LedgerError(
                    'CONFLICT',
                    `this index was built from ${held.source}, not ${source}: use a database of its own`,
                );
            }
            const next = held?.next_block ?? 0;
            const fresh = blocks.filter((block) => block.number >= next);
            if (fresh.length === 0) {
                return 0;
            }
            if (fresh[0].number !== next) {
                throw new Error(`block ${fresh[0].number} delivered while the index expects block ${next}`);
            }
            let previous = next === 0 ? undefined : (held?.previous_hash ?? undefined);
            for (const [index, block] of fresh.entries()) {
                if (block.number !== next + index) {
                    throw new Error(`blocks out of order: ${block.number} after ${next + index - 1}`);
                }
                if (previous !== undefined && block.previousHash !== previous) {
                    throw new ChainBrokenError(block.number, previous, block.previousHash);
                }
                previous = block.hash;
            }
            await insertBlocks(tx, fresh, { nextBlock: fresh[fresh.length - 1].number + 1, source });
            return fresh.length;
        });
    }

    /** The rows the index holds for blocks `from` to `to` (inclusive), as {@link blockRow} builds them. */
    async blocks(from: number, to: number): Promise<BlockRow[]> {
        const headers = await this.db.query<{
            number: number;
            hash: string;
            previous_hash: string;
            data_hash: string;
        }>(
            'SELECT number, hash, previous_hash, data_hash FROM history_blocks WHERE number BETWEEN $1 AND $2 ORDER BY number',
            [from, to],
        );
        const txs = await this.db.query<{
            block_number: number;
            position: number;
            tx_id: string;
            ts: string;
            creator_msp: string;
            creator_role: string | null;
            contract: string | null;
            function: string | null;
            validation_code: string;
            event_name: string | null;
            event_payload: Buffer | null;
        }>(
            `SELECT block_number, position, tx_id, ts, creator_msp, creator_role, contract, function, validation_code,
                    event_name, event_payload
             FROM history_transactions WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number, position`,
            [from, to],
        );
        const writes = await this.db.query<{
            block_number: number;
            position: number;
            key: string;
            object_type: string | null;
            is_delete: boolean;
            value: Buffer | null;
            doc: unknown;
        }>(
            `SELECT block_number, position, key, object_type, is_delete, value, doc
             FROM history_writes WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number, position, key COLLATE "C"`,
            [from, to],
        );
        const byNumber = new Map<number, BlockRow>();
        for (const header of headers) {
            byNumber.set(header.number, {
                number: header.number,
                hash: header.hash,
                previousHash: header.previous_hash,
                dataHash: header.data_hash,
                transactions: [],
            });
        }
        const txByPosition = new Map<string, TransactionRow>();
        for (const row of txs) {
            const tx: TransactionRow = {
                txId: row.tx_id,
                position: row.position,
                ts: row.ts,
                creatorMsp: row.creator_msp,
                creatorRole: row.creator_role,
                contract: row.contract,
                function: row.function,
                validationCode: row.validation_code,
                eventName: row.event_name,
                eventPayload: row.event_payload,
                writes: [],
            };
            txByPosition.set(`${row.block_number}/${row.position}`, tx);
            // Rows of a block whose header is gone still count: verify reports the block.
            let block = byNumber.get(row.block_number);
            if (!block) {
                block = { number: row.block_number, hash: '', previousHash: '', dataHash: '', transactions: [] };
                byNumber.set(row.block_number, block);
            }
            block.transactions.push(tx);
        }
        for (const row of writes) {
            const write: WriteRow = {
                key: row.key,
                objectType: row.object_type,
                isDelete: row.is_delete,
                value: row.value,
                text: row.value !== null && isUtf8(row.value) ? row.value.toString('utf8') : null,
                json: row.doc !== null,
            };
            const tx = txByPosition.get(`${row.block_number}/${row.position}`);
            if (tx) {
                tx.writes.push(write);
            } else {
                // A write without its transaction: an orphan verify must still see.
                let block = byNumber.get(row.block_number);
                if (!block) {
                    block = { number: row.block_number, hash: '', previousHash: '', dataHash: '', transactions: [] };
                    byNumber.set(row.block_number, block);
                }
                block.transactions.push({
                    txId: '(missing)',
                    position: row.position,
                    ts: '',
                    creatorMsp: '',
                    creatorRole: null,
                    contract: null,
                    function: null,
                    validationCode: '',
                    eventName: null,
                    eventPayload: null,
                    writes: [write],
                });
            }
        }
        return [...byNumber.values()].sort((a, b) => a.number - b.number);
    }
}

const b64 = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString('base64'));

/**
 * Writes `blocks` (headers, transactions, key history, current state) and moves the checkpoint
 * to `checkpoint` in one statement (data-modifying CTEs over distinct tables or rows): each
 * database round trip of a write waits for both processes to be scheduled, which on a busy
 * machine is what a block's lag behind the peer is made of (README, "Following the Fabric
 * network live"). Keys deleted as their last write are removed after it.
 */
async function insertBlocks(
    tx: SqlClient,
    blocks: readonly BlockRow[],
    checkpoint: { nextBlock: number; source: string },
): Promise<void> {
    const params: unknown[] = [];
    const columns = (list: Parameters<typeof unnestColumns>[0]) => {
        const built = unnestColumns(list, params.length);
        params.push(...built.params);
        return built.sql;
    };
    const parts: string[] = [];
    parts.push(
        `new_blocks AS (INSERT INTO history_blocks (number, hash, previous_hash, data_hash, tx_count) SELECT * FROM ${columns(
            [
                [blocks.map((b) => b.number), 'bigint'],
                [blocks.map((b) => b.hash), 'text'],
                [blocks.map((b) => b.previousHash), 'text'],
                [blocks.map((b) => b.dataHash), 'text'],
                [blocks.map((b) => b.transactions.length), 'int'],
            ],
        )})`,
    );
    const txs = blocks.flatMap((block) => block.transactions.map((t) => ({ block: block.number, t })));
    if (txs.length) {
        const rows = columns([
            [txs.map((x) => x.block), 'bigint'],
            [txs.map((x) => x.t.position), 'int'],
            [txs.map((x) => x.t.txId), 'text'],
            [txs.map((x) => x.t.ts), 'text'],
            [txs.map((x) => x.t.creatorMsp), 'text'],
            [txs.map((x) => x.t.creatorRole), 'text'],
            [txs.map((x) => x.t.contract), 'text'],
            [txs.map((x) => x.t.function), 'text'],
            [txs.map((x) => x.t.validationCode), 'text'],
            [txs.map((x) => x.t.eventName), 'text'],
            [txs.map((x) => b64(x.t.eventPayload)), 'text'],
        ]);
        parts.push(
            `new_transactions AS (INSERT INTO history_transactions (block_number, position, tx_id, ts, creator_msp,
                 creator_role, contract, function, validation_code, event_name, event_payload)
             SELECT b, p, id, ts, msp, role, c, f, code, en, decode(ep, 'base64')
             FROM ${rows} AS u(b, p, id, ts, msp, role, c, f, code, en, ep))`,
        );
    }
    const writes = txs.flatMap((x) => x.t.writes.map((w) => ({ block: x.block, position: x.t.position, w })));
    const deleted: string[] = [];
    if (writes.length) {
        // The last write of each key in these blocks decides its current state.
        const last = new Map<string, (typeof writes)[number]>();
        for (const write of writes) {
            last.set(write.w.key, write);
        }
        const latest = writes.map((write) => {
            const isLatest = last.get(write.w.key) === write;
            if (isLatest && write.w.isDelete) {
                deleted.push(write.w.key);
            }
            return isLatest && !write.w.isDelete;
        });
        // The key history and the current state from the same rows: every value crosses to the
        // database once, as text when it is UTF-8, and jsonb parses it once.
        const input = columns([
            [writes.map((x) => x.w.key), 'text'],
            [writes.map((x) => x.block), 'bigint'],
            [writes.map((x) => x.position), 'int'],
            [writes.map((x) => x.w.objectType), 'text'],
            [writes.map((x) => x.w.isDelete), 'boolean'],
            [writes.map((x) => x.w.text), 'text'],
            [writes.map((x) => (x.w.text === null ? b64(x.w.value) : null)), 'text'],
            [writes.map((x) => x.w.json), 'boolean'],
            [latest, 'boolean'],
        ]);
        parts.push(
            `input AS (
                 SELECT k, b, p, ot, d, coalesce(convert_to(t, 'UTF8'), decode(v, 'base64')) AS value,
                        CASE WHEN j THEN t::jsonb END AS doc, l
                 FROM ${input} AS u(k, b, p, ot, d, t, v, j, l))`,
            `written AS (
                 INSERT INTO history_writes (key, block_number, position, object_type, is_delete, value, doc)
                 SELECT k, b, p, ot, d, value, doc FROM input)`,
            `state AS (
                 INSERT INTO history_state (key, object_type, doc, block_number, position)
                 SELECT k, ot, doc, b, p FROM input WHERE l
                 ON CONFLICT (key) DO UPDATE SET object_type = EXCLUDED.object_type, doc = EXCLUDED.doc,
                     block_number = EXCLUDED.block_number, position = EXCLUDED.position)`,
        );
    }
    params.push(checkpoint.nextBlock, checkpoint.source, new Date().toISOString());
    const n = params.length;
    await tx.query(
        `WITH ${parts.join(',\n')}
         INSERT INTO history_checkpoint (id, next_block, source, updated_at) VALUES (1, $${n - 2}, $${n - 1}, $${n})
         ON CONFLICT (id) DO UPDATE SET next_block = EXCLUDED.next_block, updated_at = EXCLUDED.updated_at`,
        params,
    );
    if (deleted.length) {
        await tx.query('DELETE FROM history_state WHERE key = ANY($1::text[])', [deleted]);
    }
}
