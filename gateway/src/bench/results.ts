import type { IndexLag } from './index-follow';
import type { BenchOptions } from './options';
import type { ResourceUsage } from './resources';
import type { RunSummary } from './stats';
import type { Workload, WorkloadName } from './workload';

/** One load level of one workload. */
export interface RunResult {
    /** e.g. `1 client (sequential)`, `64 clients`, `half peak load`. */
    label: string;
    loop: 'closed' | 'open';
    clients: number;
    /** Open loop: operations started per second. */
    offeredOpsPerSecond?: number;
    summary: RunSummary;
    /** Business units per second (serials for commissioning). */
    unitsPerSecond?: number;
    resources: ResourceUsage;
    /** SHA-256 hashes of 1 KiB per ms just before the run ({@link machineSpeed}): the machine's speed then. */
    machineSpeed?: number;
    /** CPU milliseconds (all network processes and the client) per measured call. */
    cpuMsPerCall?: number;
    errors: Array<{ message: string; count: number }>;
    dropped: number;
    /** `--follow-index`: each following index's lag behind the blocks committed in the window. */
    indexLag?: IndexLag[];
}

export interface WorkloadResult {
    name: WorkloadName;
    title: string;
    call: Workload['call'];
    operation: string;
    callsPerOp: number;
    units?: Workload['units'];
    floor?: Workload['floor'];
    setupSeconds: number;
    runs: RunResult[];
    /** Index in `runs` of the closed-loop run with the most calls per second. */
    peakRun: number;
    /** Peak calls per second over the floor's peak, same run of the benchmark. */
    ratioToFloor?: number;
}

export interface TargetCheck {
    target: string;
    measured: string;
    met: boolean;
}

export interface BenchResults {
    startedAt: string;
    finishedAt: string;
    host: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
    options: BenchOptions;
    network: {
        mode: BenchOptions['network'];
        /** `network.sh up createChannel deployCC` after `down`, seconds (fresh mode). */
        readyFromDownSeconds?: number;
        floorDeploySeconds?: number;
        /** The network settings in force (network/scripts/env.sh and the environment). */
        settings: Record<string, string>;
        fabricVersion?: string;
    };
    workloads: WorkloadResult[];
    /** Largest resident memory of CareLedger's whole network seen at any peak-load run, bytes (floor chaincode excluded). */
    peakNetworkRssBytes: number;
    /** The same with the floor chaincode's servers. */
    peakRssWithFloorBytes: number;
    targets: TargetCheck[];
}

export function peakOf(workload: WorkloadResult): RunResult {
    return workload.runs[workload.peakRun];
}
