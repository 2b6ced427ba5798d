import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createPostgresDatabase, HistoryIndex } from '../history';
import type { BlockStream, LedgerSession } from '../ledger';
import { nowMs } from './recorder';
import { percentiles, type Percentiles } from './stats';

/**
 * The history index following the network while the write workloads drive it (issue 14: "keeping
 * up with the network's peak commit rate live with ≤ 1 s lag"). Two readers of the same peer:
 * a plain block listener, which notes when each block arrives (the block's commit at the peer,
 * as any client of it sees it), and the org's HistoryIndex, which notes when the database
 * transaction holding the block committed. A block's lag is the second time minus the first.
 */
export type FollowDatabase = 'postgres' | 'pglite' | 'pglite-memory';

export const FollowDatabases: readonly FollowDatabase[] = ['postgres', 'pglite', 'pglite-memory'];

/** The lag of the index behind the network over one measured window. */
export interface IndexLag {
    database: FollowDatabase;
    /** Blocks the plain listener received in the window. */
    blocks: number;
    /** Transactions in them, per second of the window: the network's commit rate. */
    committedTxPerSecond: number;
    /** Transactions the index committed in the window, per second. */
    ingestedTxPerSecond: number;
    /** Received block to index commit, ms, over the blocks of the window that the index committed. */
    lagMs: Percentiles;
    /** Blocks of the window with a lag over one second. */
    overOneSecond: number;
    /** Blocks of the window the index had not committed when the follower stopped waiting (60 s after the window). */
    notIndexed: number;
    /** Database transactions the index wrote in the window (a batch holds every block that arrived meanwhile). */
    writes: number;
    /** How long each of those writes took to commit, ms. */
    writeMs: Percentiles;
    /** Blocks per write, the largest. */
    maxBlocksPerWrite: number;
    /**
     * How late this process's event loop ran a 50 ms timer in the window, ms: the load generator, the listener
     * and the indexer share it, so a busy loop delays the index's reading and writing alike.
     */
    eventLoopDelayMs: Percentiles;
}

interface BlockTiming {
    txs: number;
    receivedMs?: number;
    indexedMs?: number;
}

/** One index and its plain listener, from the chain's current height to {@link close}. */
export class IndexFollower {
    private readonly blocks = new Map<number, BlockTiming>();
    private readonly writes: Array<{ at: number; ms: number; blocks: number }> = [];
    private readonly loopDelays: Array<{ at: number; ms: number }> = [];
    private loopTimer?: NodeJS.Timeout;
    private listener?: BlockStream;
    private listening?: Promise<void>;
    private indexedHeight = 0;

    private constructor(
        readonly database: FollowDatabase,
        private readonly index: HistoryIndex,
        private readonly cleanup: () => void,
    ) {}

    /**
     * Opens a fresh index on `database` (PostgreSQL: a new database on the server that
     * tools/postgres/postgres.sh starts, installing it when absent; PGlite on disk in a temporary
     * folder, as the gateway's default, or in memory), catches it up with the chain (not
     * measured), then follows the chain beside a plain listener of `listenerSession`'s peer.
     */
    static async start(
        database: FollowDatabase,
        indexSession: LedgerSession,
        listenerSession: LedgerSession,
        root: string,
        log: (message: string) => void,
    ): Promise<IndexFollower> {
        const { url, cleanup } = await databaseFor(database, root);
        // The index calls back on every write; the follower exists once the index does.
        const ref: { follower?: IndexFollower } = {};
        const index = await HistoryIndex.open({
            databaseUrl: url,
            session: indexSession,
            source: `bench-follow:${database}`,
            indexer: {
                onChange: (change) => {
                    if (!change.reset) {
                        ref.follower?.indexed(change.height, change.writeMs ?? 0, change.blocks ?? 0);
                    }
                },
                log,
            },
        });
        const follower = new IndexFollower(database, index, cleanup);
        ref.follower = follower;
        const started = Date.now();
        const caughtUp = await index.catchUp();
        if (caughtUp.state === 'broken') {
            throw new Error(`history index broken: ${caughtUp.lastError}`);
        }
        follower.indexedHeight = caughtUp.indexedHeight;
        log(
            `index on ${database}: caught up with ${caughtUp.indexedHeight} blocks in ${Date.now() - started} ms; following`,
        );
        follower.listener = await listenerSession.blocks({ startBlock: BigInt(caughtUp.indexedHeight) });
        follower.listening = follower.listen(follower.listener);
        follower.watchEventLoop();
        index.start();
        return follower;
    }

    /** Waits until the index holds every block the listener received up to now (at most `timeoutMs`). */
    async drain(timeoutMs = 60_000): Promise<void> {
        const target =
            Math.max(-1, ...[...this.blocks.entries()].filter(([, b]) => b.receivedMs !== undefined).map(([n]) => n)) +
            1;
        const deadline = Date.now() + timeoutMs;
        while (this.indexedHeight < target && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
    }

    /** The lag over the blocks received in `window` (recorder clock). Call after {@link drain}. */
    lagIn(window: { fromMs: number; toMs: number }): IndexLag {
        const seconds = Math.max(1e-9, (window.toMs - window.fromMs) / 1000);
        const received = [...this.blocks.values()].filter(
            (block) =>
                block.receivedMs !== undefined && block.receivedMs >= window.fromMs && block.receivedMs < window.toMs,
        );
        const lags = received
            .filter((block) => block.indexedMs !== undefined)
            .map((block) => block.indexedMs! - block.receivedMs!)
            .sort((a, b) => a - b);
        const writes = this.writes.filter((write) => write.at >= window.fromMs && write.at < window.toMs);
        const ingested = [...this.blocks.values()].filter(
            (block) =>
                block.indexedMs !== undefined && block.indexedMs >= window.fromMs && block.indexedMs < window.toMs,
        );
        return {
            database: this.database,
            blocks: received.length,
            committedTxPerSecond: received.reduce((sum, block) => sum + block.txs, 0) / seconds,
            ingestedTxPerSecond: ingested.reduce((sum, block) => sum + block.txs, 0) / seconds,
            lagMs: percentiles(lags),
            overOneSecond: lags.filter((lag) => lag > 1000).length,
            notIndexed: received.length - lags.length,
            writes: writes.length,
            writeMs: percentiles(writes.map((write) => write.ms)),
            maxBlocksPerWrite: Math.max(0, ...writes.map((write) => write.blocks)),
            eventLoopDelayMs: percentiles(
                this.loopDelays.filter((delay) => delay.at >= window.fromMs && delay.at < window.toMs).map((d) => d.ms),
            ),
        };
    }

    async close(): Promise<void> {
        clearInterval(this.loopTimer);
        this.listener?.close();
        await this.listening?.catch(() => undefined);
        await this.index.close();
        this.cleanup();
    }

    private async listen(stream: BlockStream): Promise<void> {
        for await (const block of stream) {
            const timing = this.timing(Number(block.number));
            timing.receivedMs = nowMs();
            timing.txs = block.transactions.length;
        }
    }

    /** Samples how late a 50 ms timer fires, while following. */
    private watchEventLoop(): void {
        let expected = nowMs() + 50;
        this.loopTimer = setInterval(() => {
            const at = nowMs();
            this.loopDelays.push({ at, ms: Math.max(0, at - expected) });
            expected = at + 50;
        }, 50);
        this.loopTimer.unref();
    }

    /** The index committed every block below `height`, in a write of `blocks` blocks that took `ms`. */
    private indexed(height: number, ms: number, blocks: number): void {
        const at = nowMs();
        this.writes.push({ at, ms, blocks });
        for (let number = this.indexedHeight; number < height; number++) {
            this.timing(number).indexedMs ??= at;
        }
        this.indexedHeight = Math.max(this.indexedHeight, height);
    }

    private timing(number: number): BlockTiming {
        let timing = this.blocks.get(number);
        if (!timing) {
            timing = { txs: 0 };
            this.blocks.set(number, timing);
        }
        return timing;
    }
}

async function databaseFor(database: FollowDatabase, root: string): Promise<{ url: string; cleanup: () => void }> {
    if (database === 'pglite-memory') {
        return { url: 'memory://', cleanup: () => undefined };
    }
    if (database === 'pglite') {
        const folder = mkdtempSync(path.join(tmpdir(), 'careledger-bench-index-'));
        return { url: folder, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
    }
    const base = execFileSync('bash', [path.join(root, 'tools', 'postgres', 'postgres.sh'), 'start'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    const url = await createPostgresDatabase(base, `bench_follow_${Date.now().toString(36)}`);
    return { url, cleanup: () => undefined };
}
