import type { BlockStream, LedgerSession } from '../ledger';
import { backoffDelay } from '../ledger/retry';
import { blockRow, type BlockRow } from './rows';
import { ChainBrokenError, type HistoryStore } from './store';

export type IndexerState = 'idle' | 'running' | 'retrying' | 'stopped' | 'broken';

export interface IndexerStatus {
    state: IndexerState;
    /** Blocks the index holds (the next block it will ingest). */
    indexedHeight: number;
    /** Database or ledger failures in a row since the last successful write. */
    failures: number;
    lastError?: string;
    /** When the last blocks were written, ISO-8601. */
    lastWriteAt?: string;
    /** Where blocks come from now: on Fabric the peer's host alias (`embedded` on the embedded ledger). */
    source?: string;
    /** Times the block stream moved to another peer since the indexer was made. */
    sourceSwitches: number;
    /** The last such move: from and to which peer, when it was noticed, and the first block read from the new peer. */
    lastSwitch?: { from: string; to: string; at: string; block: number };
    /** Times the indexer reopened its block stream from the checkpoint after a failure (every peer failed, database down). */
    reconnects: number;
}

/**
 * What one database write changed: the index now holds `height` blocks, and `keys` (index text)
 * were written by them. `reset` means "anything may have changed" (the indexer restarted from
 * the database's checkpoint, which another process may have moved).
 */
export type IndexChange =
    | { reset: true }
    | {
          reset: false;
          height: number;
          keys: readonly string[];
          ledgerTime?: string;
          /** Blocks in this write, and how long the database took to commit them (ms): what bounds the lag. */
          blocks?: number;
          writeMs?: number;
      };

export interface IndexerOptions {
    store: HistoryStore;
    /** The session whose peer's blocks are indexed: what the org's peer sees. */
    session: LedgerSession;
    /** Names the ledger the index follows (e.g. `embedded:careledger/careledger`); an index never mixes two. */
    source: string;
    /** Most blocks written in one database transaction while catching up (default 200). */
    batchBlocks?: number;
    /** Retry delays after a failure: exponential with full jitter (defaults 200 ms to 10 s). */
    retry?: { baseDelayMs?: number; maxDelayMs?: number };
    /** Called after every write with the index height. */
    onProgress?: (indexedHeight: number) => void;
    /** Called after every write with what changed (see {@link IndexChange}); read models invalidate with it. */
    onChange?: (change: IndexChange) => void;
    log?: (message: string) => void;
}

/**
 * The block listener: reads blocks from the org's peer from the index's checkpoint, and writes
 * them in batches, each batch with its checkpoint in one database transaction. Any failure
 * (database down, peer gone) closes the stream, waits with backoff and starts again from the
 * checkpoint the database holds — so nothing is lost or written twice. A block whose header
 * does not link to the index's last block stops the listener (`broken`): that is tampering or
 * a different ledger, never something to retry past.
 */
export class HistoryIndexer {
    private stateValue: IndexerState = 'idle';
    private failures = 0;
    private lastError?: string;
    private lastWriteAt?: string;
    private source?: string;
    private sourceSwitches = 0;
    private lastSwitch?: IndexerStatus['lastSwitch'];
    private reconnects = 0;
    private height = 0;
    private stream?: BlockStream;
    private running?: Promise<void>;
    private stopped = false;
    private wakeSleep?: () => void;
    private readonly waiters = new Set<{ height: number; resolve: () => void }>();

    constructor(private readonly options: IndexerOptions) {}

    status(): IndexerStatus {
        return {
            state: this.stateValue,
            indexedHeight: this.height,
            failures: this.failures,
            lastError: this.lastError,
            lastWriteAt: this.lastWriteAt,
            source: this.source,
            sourceSwitches: this.sourceSwitches,
            lastSwitch: this.lastSwitch,
            reconnects: this.reconnects,
        };
    }

    /** Starts following the ledger in the background; resolves once the loop has started. */
    start(): void {
        this.stopped = false;
        // A restart is not "stopped" until it stops again (catchUp waits on that state).
        if (this.stateValue === 'stopped') {
            this.stateValue = 'idle';
        }
        this.running ??= this.loop().finally(() => (this.running = undefined));
    }

    async stop(): Promise<void> {
        this.stopped = true;
        this.stream?.close();
        this.wakeSleep?.();
        await this.running;
        if (this.stateValue !== 'broken') {
            this.stateValue = 'stopped';
        }
        this.waiters.forEach((waiter) => waiter.resolve());
        this.waiters.clear();
    }

    /** Resolves when the index holds at least `height` blocks (or the indexer stops). */
    waitFor(height: number): Promise<void> {
        if (this.height >= height || this.stopped) {
            return Promise.resolve();
        }
        return new Promise((resolve) => this.waiters.add({ height, resolve }));
    }

    private async loop(): Promise<void> {
        let opened = false;
        while (!this.stopped) {
            try {
                if (opened) {
                    this.reconnects++;
                }
                opened = true;
                this.height = await this.options.store.height();
                this.options.onChange?.({ reset: true });
                this.notify();
                this.stateValue = 'running';
                this.stream = await this.options.session.blocks({ startBlock: BigInt(this.height) });
                if (this.stopped) {
                    this.stream.close();
                    break;
                }
                this.noteSource(this.stream.source, this.height);
                await this.consume(this.stream);
            } catch (error) {
                this.stream?.close();
                if (this.stopped) {
                    break;
                }
                this.lastError = (error as Error).message;
                if (error instanceof ChainBrokenError) {
                    this.stateValue = 'broken';
                    this.options.log?.(`history index stopped: ${this.lastError}`);
                    return;
                }
                this.failures++;
                this.stateValue = 'retrying';
                const delay = backoffDelay(this.failures, {
                    baseDelayMs: this.options.retry?.baseDelayMs ?? 200,
                    maxDelayMs: this.options.retry?.maxDelayMs ?? 10_000,
                });
                this.options.log?.(`history index: ${this.lastError}; retrying from the checkpoint in ${delay} ms`);
                await new Promise<void>((resolve) => {
                    this.wakeSleep = resolve;
                    setTimeout(resolve, delay);
                });
                this.wakeSleep = undefined;
            }
        }
    }

    /** Pulls blocks as fast as they come and writes whatever has arrived in one transaction. */
    private async consume(stream: BlockStream): Promise<void> {
        const iterator = stream[Symbol.asyncIterator]();
        const max = this.options.batchBlocks ?? 200;
        // Blocks are converted to rows as they arrive, so converting overlaps the database's write of the batch before.
        const queue: BlockRow[] = [];
        let ended = false;
        let consuming = true;
        let failure: unknown;
        let wake: (() => void) | undefined;
        let room: (() => void) | undefined;
        const pump = (async () => {
            try {
                for (;;) {
                    while (queue.length >= 2 * max && consuming) {
                        await new Promise<void>((resolve) => (room = resolve));
                    }
                    if (!consuming) {
                        break;
                    }
                    const next = await iterator.next();
                    if (next.done) {
                        break;
                    }
                    this.noteSource(stream.source, Number(next.value.number));
                    queue.push(blockRow(next.value));
                    wake?.();
                }
            } catch (error) {
                failure = error;
            } finally {
                ended = true;
                wake?.();
            }
        })();
        try {
            while (!this.stopped) {
                if (queue.length === 0) {
                    if (ended) {
                        if (failure !== undefined) {
                            throw failure;
                        }
                        throw new Error('the ledger ended the block stream');
                    }
                    await new Promise<void>((resolve) => (wake = resolve));
                    wake = undefined;
                    continue;
                }
                const batch = queue.splice(0, max);
                room?.();
                const rows = batch;
                const writeStarted = performance.now();
                await this.options.store.append(rows, this.options.source);
                const writeMs = performance.now() - writeStarted;
                this.height = rows[rows.length - 1].number + 1;
                if (this.options.onChange) {
                    const transactions = rows.flatMap((row) => row.transactions);
                    this.options.onChange({
                        reset: false,
                        height: this.height,
                        blocks: rows.length,
                        writeMs,
                        keys: transactions.flatMap((tx) => tx.writes.map((write) => write.key)),
                        ledgerTime: transactions.reduce<string | undefined>(
                            (latest, tx) => (latest === undefined || tx.ts > latest ? tx.ts : latest),
                            undefined,
                        ),
                    });
                }
                this.failures = 0;
                this.lastError = undefined;
                this.stateValue = 'running';
                this.lastWriteAt = new Date().toISOString();
                this.options.onProgress?.(this.height);
                this.notify();
            }
        } finally {
            // Stop the pump whatever it waits on: room in the queue, or the next block.
            consuming = false;
            stream.close();
            room?.();
            await pump;
        }
    }

    /** Records a move of the block stream to another peer, noticed at `block` (the first block read from it). */
    private noteSource(source: string | undefined, block: number): void {
        if (source === undefined || source === this.source) {
            return;
        }
        if (this.source !== undefined) {
            this.sourceSwitches++;
            this.lastSwitch = { from: this.source, to: source, at: new Date().toISOString(), block };
            this.options.log?.(`history index: block stream moved from ${this.source} to ${source} at block ${block}`);
        }
        this.source = source;
    }

    private notify(): void {
        for (const waiter of this.waiters) {
            if (this.height >= waiter.height) {
                this.waiters.delete(waiter);
                waiter.resolve();
            }
        }
    }
}
