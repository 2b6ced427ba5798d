import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, type Recorder } from './recorder';

/** What a workload does once, as client `client` (0-based) for the `seq`-th time. */
export type Operation = (client: number, seq: number) => Promise<void>;

export interface LoadResult {
    /** The measured window: after warm-up, until the load stopped. */
    window: { fromMs: number; toMs: number };
    calls: ReturnType<Recorder['end']>['calls'];
    ops: ReturnType<Recorder['end']>['ops'];
    /** The first distinct error messages of failed operations, with counts: what went wrong. */
    errors: Array<{ message: string; count: number }>;
    /** Open loop only: operations not started because too many were outstanding. */
    dropped: number;
}

interface Timing {
    warmupMs: number;
    durationMs: number;
    /** How long to wait for operations still in flight when the load stops. */
    drainMs?: number;
}

/**
 * Closed loop: `clients` concurrent clients, each starting its next operation as soon as the
 * last one ends (pipelining: `clients` transactions in flight at once), for warm-up plus duration.
 */
export async function closedLoop(
    recorder: Recorder,
    operation: Operation,
    options: Timing & { clients: number },
): Promise<LoadResult> {
    const run = new LoadRun(recorder, operation);
    const stopAt = run.startMs + options.warmupMs + options.durationMs;
    const client = async (index: number) => {
        for (let seq = 0; nowMs() < stopAt; seq++) {
            await run.start(index, seq);
        }
    };
    await run.finish(
        Promise.all(Array.from({ length: options.clients }, (_, index) => client(index))),
        options,
        stopAt,
    );
    return run.result(options);
}

/**
 * Open loop: operations started at a fixed rate whatever their latency, as independent users
 * would, spread over `clients` client indexes; at most `maxOutstanding` in flight (the rest are
 * dropped and counted).
 */
export async function openLoop(
    recorder: Recorder,
    operation: Operation,
    options: Timing & { ratePerSecond: number; clients: number; maxOutstanding: number },
): Promise<LoadResult> {
    const run = new LoadRun(recorder, operation);
    const stopAt = run.startMs + options.warmupMs + options.durationMs;
    const intervalMs = 1000 / options.ratePerSecond;
    const inFlight = new Set<Promise<void>>();
    const pace = async () => {
        for (let issued = 0; ; issued++) {
            const dueMs = run.startMs + issued * intervalMs;
            if (dueMs >= stopAt) {
                return;
            }
            const waitMs = dueMs - nowMs();
            if (waitMs > 1) {
                await sleep(waitMs);
            }
            if (inFlight.size >= options.maxOutstanding) {
                run.dropped += 1;
                continue;
            }
            const started = run.start(issued % options.clients, Math.floor(issued / options.clients));
            inFlight.add(started);
            void started.finally(() => inFlight.delete(started));
        }
    };
    await run.finish(
        pace().then(() => Promise.all(inFlight)),
        options,
        stopAt,
    );
    return run.result(options);
}

class LoadRun {
    readonly startMs: number;
    dropped = 0;
    private readonly errors = new Map<string, number>();

    constructor(
        private readonly recorder: Recorder,
        private readonly operation: Operation,
    ) {
        recorder.begin();
        this.startMs = nowMs();
    }

    async start(client: number, seq: number): Promise<void> {
        const startMs = nowMs();
        try {
            await this.operation(client, seq);
            this.recorder.op({ startMs, endMs: nowMs(), ok: true });
        } catch (error) {
            this.recorder.op({ startMs, endMs: nowMs(), ok: false });
            this.noteError(error);
            // A failing operation must not spin: yield before the client's next one.
            await sleep(1);
        }
    }

    /** Waits for `load`, or for the in-flight operations at most `drainMs` after the load stopped. */
    async finish(load: Promise<unknown>, timing: Timing, stopAt: number): Promise<void> {
        const drainMs = timing.drainMs ?? 15_000;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
            const check = () => {
                const leftMs = stopAt + drainMs - nowMs();
                if (leftMs <= 0) {
                    resolve();
                } else {
                    timer = setTimeout(check, Math.min(leftMs, 1000));
                }
            };
            check();
        });
        await Promise.race([load, deadline]);
        clearTimeout(timer);
    }

    result(timing: Timing): LoadResult {
        const { calls, ops } = this.recorder.end();
        const fromMs = this.startMs + timing.warmupMs;
        return {
            window: { fromMs, toMs: fromMs + timing.durationMs },
            calls,
            ops,
            errors: [...this.errors].map(([message, count]) => ({ message, count })),
            dropped: this.dropped,
        };
    }

    private noteError(error: unknown): void {
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
        if (this.errors.has(message) || this.errors.size < 8) {
            this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
        }
    }
}
