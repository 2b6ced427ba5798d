import { LedgerError } from '../ledger';
import { failureKind, percentile, percentiles, summarize, type CallSample, type OpSample } from './stats';

describe('bench statistics', () => {
    it('takes nearest-rank percentiles', () => {
        const values = Array.from({ length: 100 }, (_, index) => index + 1);
        expect(percentile(values, 50)).toBe(50);
        expect(percentile(values, 95)).toBe(95);
        expect(percentile(values, 99)).toBe(99);
        expect(percentile(values, 100)).toBe(100);
        expect(percentile([7], 99)).toBe(7);
        expect(percentile([], 50)).toBe(0);
    });

    it('sorts before taking percentiles and reports mean and max', () => {
        expect(percentiles([30, 10, 20, 40])).toEqual({ p50: 20, p95: 40, p99: 40, mean: 25, max: 40 });
        expect(percentiles([])).toEqual({ p50: 0, p95: 0, p99: 0, mean: 0, max: 0 });
    });

    it('classifies ledger failures into the kinds the benchmark counts', () => {
        expect(failureKind(new LedgerError('MVCC_CONFLICT', 'x'))).toBe('mvcc');
        expect(failureKind(new LedgerError('TIMEOUT', 'x'))).toBe('timeout');
        expect(failureKind(new LedgerError('ENDORSEMENT_FAILURE', 'x'))).toBe('endorsement');
        expect(failureKind(new LedgerError('CONFLICT', 'x'))).toBe('other');
        expect(failureKind(new Error('boom'))).toBe('other');
    });

    it('counts only the calls of the measured kind that end inside the window', () => {
        const calls: CallSample[] = [
            { startMs: 0, endMs: 500, call: 'submit' }, // warm-up: ends before the window
            { startMs: 900, endMs: 1100, call: 'submit' },
            { startMs: 1000, endMs: 1300, call: 'submit' },
            { startMs: 1200, endMs: 1250, call: 'evaluate' }, // not the measured kind
            { startMs: 1400, endMs: 1500, call: 'submit', failure: 'mvcc' },
            { startMs: 1500, endMs: 1900, call: 'submit', failure: 'timeout' },
            { startMs: 2900, endMs: 3100, call: 'submit' }, // ends after the window
        ];
        const ops: OpSample[] = [
            { startMs: 900, endMs: 1300, ok: true },
            { startMs: 1400, endMs: 1900, ok: false },
        ];
        const summary = summarize(calls, ops, { fromMs: 1000, toMs: 3000 }, 'submit');
        expect(summary.windowSeconds).toBe(2);
        expect(summary.succeeded).toBe(2);
        expect(summary.failed).toBe(2);
        expect(summary.txPerSecond).toBe(1);
        expect(summary.opsPerSecond).toBe(0.5);
        expect(summary.failures).toEqual({ mvcc: 1, timeout: 1, endorsement: 0, other: 0 });
        expect(summary.latencyMs.p50).toBe(200);
        expect(summary.latencyMs.p99).toBe(300);
        expect(summary.opLatencyMs.p50).toBe(400);
    });
});
