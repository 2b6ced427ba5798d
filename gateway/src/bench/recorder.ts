import { performance } from 'node:perf_hooks';
import type {
    BlockOptions,
    BlockStream,
    EventOptions,
    EventStream,
    LedgerSession,
    SubmitResult,
    TransactionRequest,
} from '../ledger';
import { failureKind, type CallSample, type OpSample } from './stats';

/** Milliseconds on a monotonic clock: what every sample is stamped with. */
export const nowMs = (): number => performance.now();

/**
 * Collects the samples of the run in progress. Sessions from {@link Recorder.instrument} record
 * every submit and evaluate into it while a run is open; calls made outside a run (setup) are
 * not recorded.
 */
export class Recorder {
    private calls: CallSample[] = [];
    private ops: OpSample[] = [];
    private open = false;

    begin(): void {
        this.calls = [];
        this.ops = [];
        this.open = true;
    }

    end(): { calls: CallSample[]; ops: OpSample[] } {
        this.open = false;
        return { calls: this.calls, ops: this.ops };
    }

    call(sample: CallSample): void {
        if (this.open) {
            this.calls.push(sample);
        }
    }

    op(sample: OpSample): void {
        if (this.open) {
            this.ops.push(sample);
        }
    }

    /** Times `run` as one call of kind `call`, its failure classified as a session's would be. */
    async measure<T>(call: CallSample['call'], run: () => Promise<T>): Promise<T> {
        const startMs = nowMs();
        try {
            const result = await run();
            this.call({ startMs, endMs: nowMs(), call });
            return result;
        } catch (error) {
            this.call({ startMs, endMs: nowMs(), call, failure: failureKind(error) });
            throw error;
        }
    }

    /** `session`, with each submit and evaluate timed and its failure classified. */
    instrument(session: LedgerSession): LedgerSession {
        return new RecordedSession(session, this);
    }
}

class RecordedSession implements LedgerSession {
    constructor(
        private readonly inner: LedgerSession,
        private readonly recorder: Recorder,
    ) {}

    get identity() {
        return this.inner.identity;
    }

    submit(request: TransactionRequest): Promise<SubmitResult> {
        return this.timed('submit', () => this.inner.submit(request));
    }

    evaluate(request: TransactionRequest): Promise<Uint8Array> {
        return this.timed('evaluate', () => this.inner.evaluate(request));
    }

    events(options?: EventOptions): Promise<EventStream> {
        return this.inner.events(options);
    }

    blocks(options?: BlockOptions): Promise<BlockStream> {
        return this.inner.blocks(options);
    }

    chainHeight(): Promise<bigint> {
        return this.inner.chainHeight();
    }

    private async timed<T>(call: CallSample['call'], run: () => Promise<T>): Promise<T> {
        const startMs = nowMs();
        try {
            const result = await run();
            this.recorder.call({ startMs, endMs: nowMs(), call });
            return result;
        } catch (error) {
            this.recorder.call({ startMs, endMs: nowMs(), call, failure: failureKind(error) });
            throw error;
        }
    }
}
