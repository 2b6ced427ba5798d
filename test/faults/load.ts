import { LedgerError } from '../../gateway/src/ledger/errors';
import type { Ledger, LedgerSession } from '../../gateway/src/ledger';
import { withRetry } from '../../gateway/src/ledger/retry';

/**
 * A bounded, closed-loop load through the gateway library: each client submits one transaction
 * at a time (a `system:Ping` under its own key, or every `beatEvery`-th a `system:Beat` of a name
 * all clients share, so MVCC conflicts happen and `withRetry` resolves them), and records every
 * transaction the library told it committed. After an error a client pauses, so a dead network
 * is not hammered. Every error is kept with its code, its time and the transaction id it carried.
 */
export interface LoadClient {
    org: string;
    user: string;
}

export interface Acknowledged {
    transactionId: string;
    blockNumber: bigint;
    at: number;
    kind: 'ping' | 'beat';
}

export interface ClientError {
    code: string;
    call: 'submit' | 'query';
    at: number;
    transactionId?: string;
    /** How long the failed call ran (with the library's own retries and failover). */
    seconds: number;
    /** The library said the transaction was sent for ordering and may still commit (LedgerError.commitUnknown). */
    commitUnknown: boolean;
    detail: string;
}

export interface LoadOptions {
    clients: readonly LoadClient[];
    /** Every n-th transaction of a client is a shared Beat (MVCC conflicts); 0: never. */
    beatEvery?: number;
    /** Every n-th operation of a client is a query (`system:WhoAmI`, evaluate); 0: never (default). */
    queryEvery?: number;
    /** Pause after an error (default 200 ms). */
    pauseAfterErrorMs?: number;
    /** A label that makes Ping messages and Beat names unique to this run. */
    label: string;
}

export class BoundedLoad {
    readonly acknowledged: Acknowledged[] = [];
    readonly errors: ClientError[] = [];
    mvccRetries = 0;
    queries = 0;
    private stopping = false;
    private loops: Promise<void>[] = [];

    constructor(
        private readonly ledger: Ledger,
        private readonly options: LoadOptions,
    ) {}

    async start(): Promise<void> {
        const sessions = await Promise.all(
            this.options.clients.map(async ({ org, user }) =>
                withRetry(this.ledger.connect(await this.ledger.identities.get(org, user)), {
                    attempts: 5,
                    onRetry: () => {
                        this.mvccRetries++;
                    },
                }),
            ),
        );
        this.loops = sessions.map((session, index) => this.loop(session, index));
    }

    async stop(): Promise<void> {
        this.stopping = true;
        await Promise.all(this.loops);
    }

    private async loop(session: LedgerSession, client: number): Promise<void> {
        const beatEvery = this.options.beatEvery ?? 5;
        const queryEvery = this.options.queryEvery ?? 0;
        for (let n = 1; !this.stopping; n++) {
            const started = Date.now();
            if (queryEvery > 0 && n % queryEvery === 0) {
                try {
                    await session.evaluate({ contract: 'system', name: 'WhoAmI' });
                    this.queries++;
                } catch (error) {
                    this.record(error, 'query', started);
                    await new Promise((resolve) => setTimeout(resolve, this.options.pauseAfterErrorMs ?? 200));
                }
                continue;
            }
            const beat = beatEvery > 0 && n % beatEvery === 0;
            const label = `${this.options.label}-${client}-${n}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
            try {
                const result = await session.submit(
                    beat
                        ? {
                              contract: 'system',
                              name: 'Beat',
                              args: ['faults', `shared-${this.options.label}`.slice(0, 64)],
                          }
                        : { contract: 'system', name: 'Ping', args: [label] },
                );
                this.acknowledged.push({
                    transactionId: result.transactionId,
                    blockNumber: result.blockNumber,
                    at: Date.now(),
                    kind: beat ? 'beat' : 'ping',
                });
            } catch (error) {
                this.record(error, 'submit', started);
                await new Promise((resolve) => setTimeout(resolve, this.options.pauseAfterErrorMs ?? 200));
            }
        }
    }

    private record(error: unknown, call: ClientError['call'], started: number): void {
        const ledgerError = error instanceof LedgerError ? error : undefined;
        const at = Date.now();
        this.errors.push({
            code: ledgerError?.code ?? 'NOT_A_LEDGER_ERROR',
            call,
            at,
            seconds: (at - started) / 1000,
            transactionId: ledgerError?.transactionId,
            commitUnknown: ledgerError?.commitUnknown ?? false,
            detail: (error instanceof Error ? error.message : String(error)).slice(0, 600),
        });
    }
}

/** Errors by code, e.g. `{ UNAVAILABLE: 12, TIMEOUT: 1 }`. */
export function errorsByKind(errors: readonly ClientError[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const error of errors) {
        counts[error.code] = (counts[error.code] ?? 0) + 1;
    }
    return counts;
}

/**
 * Errors that carried a transaction id that is not theirs: one acknowledged to a call (a
 * transaction cannot both commit for one call and fail another), or one carried by more than
 * one error (each failed call has its own transaction).
 */
export function foreignIds(acknowledged: readonly Acknowledged[], errors: readonly ClientError[]): ClientError[] {
    const acked = new Set(acknowledged.map((a) => a.transactionId));
    const seen = new Map<string, number>();
    for (const error of errors) {
        if (error.transactionId) {
            seen.set(error.transactionId, (seen.get(error.transactionId) ?? 0) + 1);
        }
    }
    return errors.filter(
        (error) => error.transactionId && (acked.has(error.transactionId) || (seen.get(error.transactionId) ?? 0) > 1),
    );
}

/**
 * What became of each failed call's own transaction, by error code: `final` errors (nothing can
 * commit: the library did not say otherwise) and `commitUnknown` ones (sent for ordering, no
 * commit status), each split by what the audit found on the peers. `final` with `committed`
 * must stay 0: a client told "failed" for a write that happened, without being warned.
 */
export interface ErrorOutcomes {
    final: { committed: number; notCommitted: number; noTransaction: number };
    commitUnknown: { committed: number; notCommitted: number };
}

export function errorOutcomes(
    errors: readonly ClientError[],
    committedValid: (transactionId: string) => boolean,
): Record<string, ErrorOutcomes> {
    const outcomes: Record<string, ErrorOutcomes> = {};
    for (const error of errors) {
        const o = (outcomes[error.code] ??= {
            final: { committed: 0, notCommitted: 0, noTransaction: 0 },
            commitUnknown: { committed: 0, notCommitted: 0 },
        });
        const committed = !!error.transactionId && committedValid(error.transactionId);
        if (error.commitUnknown) {
            o.commitUnknown[committed ? 'committed' : 'notCommitted']++;
        } else if (!error.transactionId) {
            o.final.noTransaction++;
        } else {
            o.final[committed ? 'committed' : 'notCommitted']++;
        }
    }
    return outcomes;
}

/** The longest time in seconds between consecutive acknowledgements within [from, to]. */
export function longestStall(acknowledged: readonly Acknowledged[], from: number, to: number): number {
    const times = acknowledged
        .map((a) => a.at)
        .filter((at) => at >= from && at <= to)
        .sort((a, b) => a - b);
    let previous = from;
    let longest = 0;
    for (const at of [...times, to]) {
        longest = Math.max(longest, at - previous);
        previous = at;
    }
    return longest / 1000;
}
