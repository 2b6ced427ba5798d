import { LedgerError } from './errors';
import type {
    BlockOptions,
    BlockStream,
    EventOptions,
    EventStream,
    LedgerSession,
    SubmitResult,
    TransactionRequest,
} from './ledger';

/**
 * Retries submits that lost an MVCC race. A read conflict means another transaction changed
 * what this one read between endorsement and commit (or, seen at endorsement, that the
 * endorsers read it at different heights); endorsing again reads the new values, so the retry
 * is safe for every CareLedger transaction (each re-validates its inputs against current
 * state). Other errors, and evaluates, are passed through untouched.
 */
export interface RetryOptions {
    /** Retries after the first attempt (default 3). */
    attempts?: number;
    /** Delay before the first retry, doubled each time (default 50 ms). */
    baseDelayMs?: number;
    /** Cap on one delay (default 2 s). */
    maxDelayMs?: number;
    /** Full jitter source in [0, 1); replaceable so tests are exact. */
    random?: () => number;
    sleep?: (ms: number) => Promise<void>;
    /** Told about each retry, e.g. to count it in metrics. */
    onRetry?: (error: LedgerError, attempt: number, delayMs: number) => void;
}

const defaults = { attempts: 3, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * MVCC conflicts, and endorsements whose endorsers returned different results because one of
 * them had not yet committed a concurrent write to what the transaction read (Fabric's
 * "ProposalResponsePayloads do not match"): nothing was ordered, and endorsing again reads
 * the new values. (Non-deterministic chaincode also disagrees; it fails again, `attempts` times.)
 */
export function isRetryable(error: unknown): error is LedgerError {
    return (
        error instanceof LedgerError &&
        (error.code === 'MVCC_CONFLICT' ||
            (error.code === 'ENDORSEMENT_FAILURE' && endorsersDisagreed.test(error.detail)))
    );
}

const endorsersDisagreed = /ProposalResponsePayloads do not match/;

/** The delay before retry `attempt` (1-based): full jitter over an exponential ceiling. */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
    const base = options.baseDelayMs ?? defaults.baseDelayMs;
    const max = options.maxDelayMs ?? defaults.maxDelayMs;
    const ceiling = Math.min(max, base * 2 ** (attempt - 1));
    return Math.floor((options.random ?? Math.random)() * ceiling);
}

export function withRetry(session: LedgerSession, options: RetryOptions = {}): LedgerSession {
    const attempts = options.attempts ?? defaults.attempts;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    return {
        get identity() {
            return session.identity;
        },
        async submit(request: TransactionRequest): Promise<SubmitResult> {
            for (let attempt = 1; ; attempt++) {
                try {
                    return await session.submit(request);
                } catch (error) {
                    if (!isRetryable(error) || attempt > attempts) {
                        throw error;
                    }
                    const delay = backoffDelay(attempt, options);
                    options.onRetry?.(error, attempt, delay);
                    await sleep(delay);
                }
            }
        },
        evaluate: (request: TransactionRequest) => session.evaluate(request),
        events: (eventOptions?: EventOptions): Promise<EventStream> => session.events(eventOptions),
        blocks: (blockOptions?: BlockOptions): Promise<BlockStream> => session.blocks(blockOptions),
        chainHeight: () => session.chainHeight(),
        // Offline transactions are signed by the client step by step; a conflict is the client's to retry.
        prepare: session.prepare?.bind(session),
    };
}
