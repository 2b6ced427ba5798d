import { peakOf, type BenchResults, type RunResult, type TargetCheck, type WorkloadResult } from './results';
import type { WorkloadName } from './workload';
import { checkEhrTargets } from './workloads/ehr-bulk';

/** Issue 9's targets for this 2-core machine, checked against a benchmark's results. */
export const Targets = {
    registerTxPerSecond: 300,
    registerRatioToFloor: 0.9,
    sequentialP50Ms: 100,
    evaluatesPerSecond: 1500,
    readModelQueriesPerSecond: 5000,
    readModelP99Ms: 20,
    serialsPerSecond: 20_000,
    /** Issue 19: ship + receive of a 1,000-unit pallet, one sequential client. */
    bulkPalletMs: 1000,
    halfLoadP50Ms: 250,
    halfLoadP99Ms: 1000,
    networkRssBytes: 2 * 1024 ** 3,
    readyFromDownSeconds: 30,
} as const;

const fixed = (value: number, digits = 0) => value.toFixed(digits);

export function checkTargets(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
    const byName = new Map<WorkloadName, WorkloadResult>(
        results.workloads.map((workload) => [workload.name, workload]),
    );
    const checks: TargetCheck[] = [];

    const register = byName.get('register-ehr-pointer');
    if (register) {
        const peak = peakOf(register);
        checks.push({
            target: `Register EHR pointer ≥ ${Targets.registerTxPerSecond} committed tx/s`,
            measured: `${fixed(peak.summary.txPerSecond, 1)} tx/s (${fixed(peak.summary.opsPerSecond, 1)} pointers/s) at ${peak.clients} clients`,
            met: peak.summary.txPerSecond >= Targets.registerTxPerSecond,
        });
        if (register.ratioToFloor !== undefined) {
            checks.push({
                target: `Register EHR pointer ≥ ${Targets.registerRatioToFloor} × the floor's throughput`,
                measured: `${fixed(register.ratioToFloor, 2)} × floor-put`,
                met: register.ratioToFloor >= Targets.registerRatioToFloor,
            });
        }
    }

    for (const name of ['floor-put', 'register-ehr-pointer'] as const) {
        const sequential = byName.get(name)?.runs.find((run) => run.loop === 'closed' && run.clients === 1);
        if (sequential) {
            checks.push({
                target: `Single sequential client (${name}): p50 ≤ ${Targets.sequentialP50Ms} ms submit-to-commit`,
                measured: `p50 ${fixed(sequential.summary.latencyMs.p50)} ms, ${fixed(sequential.summary.txPerSecond, 1)} tx/s`,
                met: sequential.summary.latencyMs.p50 <= Targets.sequentialP50Ms,
            });
        }
    }

    for (const name of ['verify-product', 'verify-credential'] as const) {
        const workload = byName.get(name);
        if (workload) {
            const peak = peakOf(workload);
            checks.push({
                target: `${workload.title}: ≥ ${Targets.evaluatesPerSecond} queries/s`,
                measured: `${fixed(peak.summary.txPerSecond)} queries/s at ${peak.clients} clients`,
                met: peak.summary.txPerSecond >= Targets.evaluatesPerSecond,
            });
        }
    }

    for (const name of ['read-model-verify-product', 'read-model-verify-credential'] as const) {
        const workload = byName.get(name);
        if (workload) {
            const peak = peakOf(workload);
            checks.push({
                target: `${workload.title}: ≥ ${Targets.readModelQueriesPerSecond} queries/s with p99 ≤ ${Targets.readModelP99Ms} ms`,
                measured: `${fixed(peak.summary.txPerSecond)} queries/s, p99 ${fixed(peak.summary.latencyMs.p99, 1)} ms at ${peak.clients} clients`,
                met:
                    peak.summary.txPerSecond >= Targets.readModelQueriesPerSecond &&
                    peak.summary.latencyMs.p99 <= Targets.readModelP99Ms,
            });
        }
    }

    const commission = byName.get('commission');
    if (commission) {
        const peak = peakOf(commission);
        const serials = peak.unitsPerSecond ?? 0;
        checks.push({
            target: `Commissioning ≥ ${Targets.serialsPerSecond.toLocaleString('en')} serials/s`,
            measured: `${fixed(serials)} serials/s (${fixed(peak.summary.txPerSecond, 1)} batches/s of ${commission.units?.perOp}) at ${peak.clients} clients`,
            met: serials >= Targets.serialsPerSecond,
        });
    }

    const bulk = byName.get('bulk-ship-receive');
    if (bulk) {
        const sequential = bulk.runs.find((run) => run.clients === 1 && run.loop === 'closed');
        if (sequential) {
            const ms = sequential.summary.opLatencyMs.p50;
            checks.push({
                target: `Bulk ship + receive of a ${bulk.units?.perOp ?? ''}-unit pallet ≤ ${Targets.bulkPalletMs / 1000} s`,
                measured: `p50 ${fixed(ms)} ms per pallet (ship + receive), 1 client`,
                met: ms <= Targets.bulkPalletMs,
            });
        }
    }

    for (const workload of results.workloads) {
        const half = workload.runs.find((run: RunResult) => run.loop === 'open');
        if (half) {
            const { p50, p99 } = half.summary.latencyMs;
            checks.push({
                target: `Half the peak load (${workload.name}): p50 ≤ ${Targets.halfLoadP50Ms} ms and p99 ≤ ${Targets.halfLoadP99Ms} ms`,
                measured: `p50 ${fixed(p50)} ms, p99 ${fixed(p99)} ms at ${fixed(half.summary.txPerSecond, 1)} tx/s`,
                met: p50 <= Targets.halfLoadP50Ms && p99 <= Targets.halfLoadP99Ms,
            });
        }
    }

    checks.push(...checkEhrTargets(byName));

    if (results.peakNetworkRssBytes > 0) {
        checks.push({
            target: 'Resident memory of the whole network under peak load ≤ 2 GiB',
            measured: `${fixed(results.peakNetworkRssBytes / 1024 ** 3, 2)} GiB (${fixed(results.peakRssWithFloorBytes / 1024 ** 3, 2)} GiB with the floor chaincode's servers)`,
            met: results.peakNetworkRssBytes <= Targets.networkRssBytes,
        });
    }
    if (results.network.readyFromDownSeconds !== undefined) {
        checks.push({
            target: `A network ready from down in ≤ ${Targets.readyFromDownSeconds} s`,
            measured: `${fixed(results.network.readyFromDownSeconds, 1)} s`,
            met: results.network.readyFromDownSeconds <= Targets.readyFromDownSeconds,
        });
    }
    return checks;
}
