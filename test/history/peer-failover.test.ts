import { HistoryIndex } from '../../gateway/src/history';
import type { BlockOptions, BlockStream, LedgerSession } from '../../gateway/src/ledger';
import { network } from '../network/support';
import { openScenarioLedger, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { freshDatabaseUrl } from './support';

/**
 * The indexer survives the loss of the peer it reads blocks from, while transactions keep
 * committing (issue 14: "gateway failover to another peer keeps ingesting").
 *
 * - Fabric: the hospital's indexer reads its org's first peer; the test SIGKILLs that peer
 *   (`network.sh kill`) mid-ingest. The block stream moves to the hospital's other peer at
 *   the block after the last one delivered, and GET /history/status names the switch. The
 *   killed peer is started again before the test ends (`network.sh start` waits until it
 *   serves and gossips), so the files after this one find the network as it was.
 * - Embedded ledger: it has one peer, in-process, so there is no other peer to move to; the
 *   equivalent fault is the block stream ending under the indexer (what the indexer sees when
 *   every peer of its org failed): the test ends the open stream mid-ingest, and the indexer
 *   reopens it from the checkpoint in its database (status counts the reconnect).
 *
 * Both: nothing lost or written twice (the index's blocks and transaction ids equal the
 * ledger's, read again from the ledger afterwards), every transaction the writers saw commit
 * is in the index once, the checkpoint moved past the fault, `verify` passes.
 */
jest.setTimeout(600_000);

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting until ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/** `session` with a handle on the block stream it opened last, so the embedded test can end it under the indexer. */
function interruptible(session: LedgerSession): { session: LedgerSession; interrupt(): void } {
    let open: BlockStream | undefined;
    return {
        session: {
            identity: session.identity,
            submit: (request) => session.submit(request),
            evaluate: (request) => session.evaluate(request),
            events: (options) => session.events(options),
            chainHeight: () => session.chainHeight(),
            async blocks(options?: BlockOptions) {
                open = await session.blocks(options);
                return open;
            },
        },
        interrupt: () => open?.close(),
    };
}

/** Transaction ids of blocks `from`..`to`-1 as the ledger holds them now, in block order. */
async function ledgerTxIds(session: LedgerSession, from: number, to: number): Promise<string[]> {
    const stream = await session.blocks({ startBlock: BigInt(from) });
    const ids: string[] = [];
    try {
        for await (const block of stream) {
            ids.push(...block.transactions.map((tx) => tx.transactionId));
            if (Number(block.number) >= to - 1) {
                break;
            }
        }
    } finally {
        stream.close();
    }
    return ids;
}

describe('history index: the peer it reads blocks from is lost mid-ingest', () => {
    let env: ScenarioLedger;
    let index: HistoryIndex | undefined;
    let gateway: RestGateway | undefined;
    let killed: string | undefined;

    beforeAll(async () => {
        env = await openScenarioLedger();
    });

    afterAll(async () => {
        await gateway?.app.close();
        await index?.close().catch(() => undefined);
        if (killed) {
            // Leave the network as it was found: the peer serves and gossips again.
            network('start', killed);
        }
        await env?.close();
    });

    it('keeps ingesting through another peer (or a reopened stream), losing and duplicating nothing', async () => {
        const fabric = env.kind === 'fabric';
        const reader = interruptible(await env.session('hospital', 'admin'));
        index = await HistoryIndex.open({
            databaseUrl: await freshDatabaseUrl(),
            session: reader.session,
            source: `${env.ledger.kind}:careledger/careledger`,
            // A few blocks per database transaction, so the fault lands between writes of a busy stream.
            indexer: { batchBlocks: 4, retry: { baseDelayMs: 50, maxDelayMs: 1_000 } },
        });
        gateway = await startGateway(env, 'hospital', { history: index });
        const token = await gateway.token('admin');
        const status = async () => {
            const answer = await gateway!.call<Record<string, unknown>>('GET', '/history/status', { token });
            expect(answer.status).toBe(200);
            return answer.body;
        };

        // Writers: the manufacturer's and the regulator's gateway peers, so their submits do not go through the hospital's.
        const writers = [await env.session('manufacturer', 'operator1'), await env.session('regulator', 'admin')];
        const committed: string[] = [];
        const failedSubmits: string[] = [];
        let writing = true;
        const write = async (session: LedgerSession, name: string) => {
            for (let i = 0; writing; i++) {
                try {
                    const result = await session.submit({
                        contract: 'system',
                        name: 'Ping',
                        args: [`failover ${name} ${process.pid} ${i}`],
                    });
                    committed.push(result.transactionId);
                } catch (error) {
                    // A submit whose endorsement reached the lost peer may fail; what committed is checked below.
                    failedSubmits.push((error as Error).message);
                }
            }
        };
        const writing$ = Promise.all(writers.map((session, i) => write(session, `w${i}`)));

        const startHeight = Number(await reader.session.chainHeight());
        try {
            index.start();
            await until('the index follows the ledger', () => index!.indexer.status().indexedHeight >= startHeight);
            await until('new blocks are ingested live', () => index!.indexer.status().indexedHeight >= startHeight + 3);
            const before = await status();
            const firstSource = before.source as string;
            expect(before).toMatchObject({ state: 'running', sourceSwitches: 0, reconnects: 0 });
            expect(firstSource).toBe(fabric ? 'peer0.hospital.careledger.local' : 'embedded');

            const heightAtFault = index.indexer.status().indexedHeight;
            if (fabric) {
                network('kill', firstSource);
                killed = firstSource;
            } else {
                reader.interrupt();
            }
            const committedAtFault = committed.length;

            // Transactions keep committing; the index keeps up with them.
            await until('more transactions commit after the fault', () => committed.length >= committedAtFault + 10);
            // The status reports the switch (or the reconnect) once the indexer is running again past the fault.
            let after: Record<string, unknown> = {};
            await until('the index ingests blocks committed after the fault, and says how', async () => {
                after = await status();
                return (
                    after.state === 'running' &&
                    (after.indexedHeight as number) >= heightAtFault + 5 &&
                    ((after.sourceSwitches as number) > 0 || (after.reconnects as number) > 0)
                );
            });
            expect(after.state).toBe('running');
            if (fabric) {
                // The block stream moved to the hospital's other peer, and the status says so.
                expect(after).toMatchObject({
                    source: 'peer1.hospital.careledger.local',
                    sourceSwitches: 1,
                    lastSwitch: { from: firstSource, to: 'peer1.hospital.careledger.local' },
                });
                const lastSwitch = after.lastSwitch as { block: number; at: string };
                expect(lastSwitch.block).toBeGreaterThanOrEqual(heightAtFault);
                expect(Date.parse(lastSwitch.at)).not.toBeNaN();
            } else {
                expect(after).toMatchObject({ source: 'embedded', sourceSwitches: 0 });
                expect(after.reconnects).toBeGreaterThanOrEqual(1);
            }
        } finally {
            writing = false;
            await writing$;
        }

        // Every block and transaction id equal to the ledger's, once each.
        const finalHeight = Number(await reader.session.chainHeight());
        await until('the index holds every block', () => index!.indexer.status().indexedHeight >= finalHeight);
        expect(committed.length).toBeGreaterThan(10);
        const [counts] = await index.db.query<{
            blocks: number;
            distinct_blocks: number;
            txs: number;
            distinct_txs: number;
            expected: number;
            checkpoint: number;
        }>(
            `SELECT (SELECT count(*) FROM history_blocks WHERE number < $1)::int AS blocks,
                    (SELECT count(DISTINCT number) FROM history_blocks WHERE number < $1)::int AS distinct_blocks,
                    (SELECT count(*) FROM history_transactions WHERE block_number < $1)::int AS txs,
                    (SELECT count(DISTINCT tx_id) FROM history_transactions WHERE block_number < $1)::int AS distinct_txs,
                    (SELECT coalesce(sum(tx_count), 0) FROM history_blocks WHERE number < $1)::int AS expected,
                    (SELECT max(next_block) FROM history_checkpoint)::int AS checkpoint`,
            [finalHeight],
        );
        expect(counts.blocks).toBe(finalHeight);
        expect(counts.distinct_blocks).toBe(finalHeight);
        expect(counts.txs).toBe(counts.expected);
        expect(counts.distinct_txs).toBe(counts.txs);
        expect(counts.checkpoint).toBeGreaterThanOrEqual(finalHeight);

        // The blocks written live, before and after the fault, as the ledger holds them (verify compares every block's rows too).
        const from = startHeight;
        const indexed = await index.db.query<{ tx_id: string }>(
            `SELECT tx_id FROM history_transactions WHERE block_number >= $1 AND block_number < $2
              ORDER BY block_number, position`,
            [from, finalHeight],
        );
        expect(indexed.map((row) => row.tx_id)).toEqual(await ledgerTxIds(reader.session, from, finalHeight));
        const mine = await index.db.query<{ tx_id: string; n: number }>(
            `SELECT tx_id, count(*)::int AS n FROM history_transactions WHERE tx_id = ANY($1::text[]) GROUP BY tx_id`,
            [committed],
        );
        expect(mine).toHaveLength(committed.length);
        expect(mine.every((row) => row.n === 1)).toBe(true);

        expect(await index.verify()).toMatchObject({ ok: true, checkedBlocks: index.indexer.status().indexedHeight });
    });
});
