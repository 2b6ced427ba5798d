import { LedgerError } from '../ledger';

/**
 * What a benchmark run measured, from its samples: one sample per ledger call (a submit, from
 * the call until the commit status came back, or an evaluate) and one per operation (what a
 * workload does once, which may be several calls). Only samples that end inside the measured
 * window count, so warm-up and the calls still in flight at the end do not.
 */
export type FailureKind = 'mvcc' | 'timeout' | 'endorsement' | 'other';

export const FailureKinds: readonly FailureKind[] = ['mvcc', 'timeout', 'endorsement', 'other'];

export interface CallSample {
    startMs: number;
    endMs: number;
    call: 'submit' | 'evaluate';
    failure?: FailureKind;
}

export interface OpSample {
    startMs: number;
    endMs: number;
    ok: boolean;
}

export interface Percentiles {
    p50: number;
    p95: number;
    p99: number;
    mean: number;
    max: number;
}

export interface RunSummary {
    windowSeconds: number;
    /** Successful ledger calls of the workload's kind (committed submits, or evaluates) per second. */
    txPerSecond: number;
    opsPerSecond: number;
    /** Calls that succeeded / failed inside the window. */
    succeeded: number;
    failed: number;
    failures: Record<FailureKind, number>;
    /** Latency of successful calls, ms: submit to commit, or the evaluate's round trip. */
    latencyMs: Percentiles;
    /** Latency of successful operations, ms. */
    opLatencyMs: Percentiles;
}

/** The failure kind of a ledger error: what the benchmark counts separately. */
export function failureKind(error: unknown): FailureKind {
    if (error instanceof LedgerError) {
        switch (error.code) {
            case 'MVCC_CONFLICT':
                return 'mvcc';
            case 'TIMEOUT':
                return 'timeout';
            case 'ENDORSEMENT_FAILURE':
                return 'endorsement';
        }
    }
    return 'other';
}

/** Nearest-rank percentile of ascending `sorted` values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
    if (sorted.length === 0) {
        return 0;
    }
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function percentiles(values: readonly number[]): Percentiles {
    const sorted = [...values].sort((a, b) => a - b);
    const sum = sorted.reduce((total, value) => total + value, 0);
    return {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        mean: sorted.length ? sum / sorted.length : 0,
        max: sorted.length ? sorted[sorted.length - 1] : 0,
    };
}

/**
 * Summarises the samples that ended in `[fromMs, toMs)`. `call` is the kind of call the
 * workload is measured by (a submit workload's setup evaluates do not count as its throughput).
 */
export function summarize(
    calls: readonly CallSample[],
    ops: readonly OpSample[],
    window: { fromMs: number; toMs: number },
    call: CallSample['call'],
): RunSummary {
    const seconds = Math.max(0.001, (window.toMs - window.fromMs) / 1000);
    const inWindow = <T extends { endMs: number }>(sample: T) =>
        sample.endMs >= window.fromMs && sample.endMs < window.toMs;
    const measured = calls.filter((sample) => sample.call === call && inWindow(sample));
    const ok = measured.filter((sample) => !sample.failure);
    const failures: Record<FailureKind, number> = { mvcc: 0, timeout: 0, endorsement: 0, other: 0 };
    for (const sample of measured) {
        if (sample.failure) {
            failures[sample.failure] += 1;
        }
    }
    const okOps = ops.filter((sample) => sample.ok && inWindow(sample));
    return {
        windowSeconds: seconds,
        txPerSecond: ok.length / seconds,
        opsPerSecond: okOps.length / seconds,
        succeeded: ok.length,
        failed: measured.length - ok.length,
        failures,
        latencyMs: percentiles(ok.map((sample) => sample.endMs - sample.startMs)),
        opLatencyMs: percentiles(okOps.map((sample) => sample.endMs - sample.startMs)),
    };
}
