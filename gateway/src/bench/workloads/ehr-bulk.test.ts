import type { RunResult, WorkloadResult } from '../results';
import { checkEhrTargets } from './ehr-bulk';

/** A workload whose one (peak) run committed `txPerSecond`, handling `unitsPerSecond` business units. */
function workload(name: string, txPerSecond: number, unitsPerSecond?: number, units?: string): WorkloadResult {
    const peak = { clients: 128, loop: 'closed', summary: { txPerSecond }, unitsPerSecond } as unknown as RunResult;
    return {
        name,
        title: name,
        call: 'submit',
        operation: name,
        callsPerOp: 1,
        units: units ? { name: units, perOp: 1 } : undefined,
        floor: name === 'floor-put' ? undefined : 'floor-put',
        runs: [peak],
        peakRun: 0,
        setupSeconds: 0,
    } as unknown as WorkloadResult;
}

describe('EHR targets against the floor', () => {
    it('compares pointers and consents per second (units), and plain workloads in tx/s, with the floor tx/s', () => {
        const byName = new Map(
            [
                workload('floor-put', 100),
                workload('ehr-pointers', 90, 45, 'pointers'),
                workload('ehr-pointers-bulk', 4, 400, 'pointers'),
                workload('ehr-consents-bulk', 1, 50, 'consents'),
                workload('grant-consent', 86),
                workload('access-record', 79),
            ].map((w) => [w.name, w] as const),
        );
        const checks = checkEhrTargets(byName);
        expect(checks.map((c) => [c.target.split(',')[0], c.met])).toEqual([
            ['EHR pointers one at a time (both transactions)', true],
            ['EHR pointers in bulk', true],
            ['Consents in bulk', false],
            ['Grant consent', true],
            ['Access record', false],
        ]);
        expect(checks[0].measured).toMatch(/^0\.45 × \(45\.0 pointers\/s against 100\.0 floor tx\/s\)$/);
    });

    it('checks nothing without the floor in the same run', () => {
        expect(checkEhrTargets(new Map([['ehr-pointers', workload('ehr-pointers', 90, 45, 'pointers')]]))).toEqual([]);
    });
});
