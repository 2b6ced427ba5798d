import { Command, InvalidArgumentError } from 'commander';
import { FollowDatabases, type FollowDatabase } from './index-follow';
import type { WorkloadName } from './workload';

export const AllWorkloads: readonly WorkloadName[] = [
    'floor-put',
    'register-ehr-pointer',
    'grant-consent',
    'access-record',
    'ship-receive',
    'floor-get',
    'verify-product',
    'verify-credential',
    'read-model-verify-product',
    'read-model-verify-credential',
    'commission',
    'bulk-ship-receive',
    'verify-list',
    'ehr-pointers',
    'ehr-pointers-bulk',
    'ehr-consents-bulk',
];

export interface BenchOptions {
    /** Seconds each workload runs at its peak concurrency. */
    durationS: number;
    /** Seconds of each other point of the sweep (the single client, the middle level). */
    stepDurationS: number;
    /** Seconds before each measured window, not measured. */
    warmupS: number;
    /** Concurrency levels of submit workloads; the last is the peak load. 1 is the single sequential client. */
    submitLevels: number[];
    /** Concurrency levels of evaluate workloads. */
    evaluateLevels: number[];
    /** Concurrency levels of commissioning (each client has its own lot). */
    commissionLevels: number[];
    commissionBatch: number;
    bulkLevels: number[];
    shipUnits: number;
    /** Workloads also run open loop at half their peak throughput. */
    halfLoad: WorkloadName[];
    workloads: WorkloadName[];
    /** `fresh`: take any network down, time a new one from down to ready, take it down at the end. `reuse`: the running network. */
    network: 'fresh' | 'reuse';
    keepNetwork: boolean;
    outDir: string;
    /** Databases of history indexes that follow the network during the runs, each timed per block (index-follow.ts). */
    followIndex: FollowDatabase[];
}

const positiveInt = (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
    return n;
};

const positiveNumber = (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number');
    return n;
};

const levels = (value: string): number[] => {
    const list = value.split(',').map((part) => positiveInt(part.trim()));
    return [...new Set(list)].sort((a, b) => a - b);
};

const followList = (value: string): FollowDatabase[] => {
    const names = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    for (const name of names) {
        if (!(FollowDatabases as readonly string[]).includes(name)) {
            throw new InvalidArgumentError(`unknown database ${name}; one of ${FollowDatabases.join(', ')}`);
        }
    }
    return [...new Set(names)] as FollowDatabase[];
};

const workloadList = (value: string): WorkloadName[] => {
    const names = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    for (const name of names) {
        if (!(AllWorkloads as readonly string[]).includes(name)) {
            throw new InvalidArgumentError(`unknown workload ${name}; workloads: ${AllWorkloads.join(', ')}`);
        }
    }
    return names as WorkloadName[];
};

/**
 * Flags, each also settable as `CARELEDGER_BENCH_<FLAG>` (e.g. CARELEDGER_BENCH_DURATION=10);
 * a flag wins over the environment.
 */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
    const fromEnv = (flag: string, fallback: string) =>
        env[`CARELEDGER_BENCH_${flag.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
    const program = new Command('npm run bench --')
        .description('CareLedger benchmark on the real Fabric network (see bench/README.md)')
        .option(
            '--duration <s>',
            'seconds per workload at peak load',
            positiveNumber,
            Number(fromEnv('duration', '20')),
        )
        .option(
            '--step-duration <s>',
            'seconds of each lighter sweep point',
            positiveNumber,
            Number(fromEnv('step-duration', '8')),
        )
        .option('--warmup <s>', 'unmeasured seconds before each window', positiveNumber, Number(fromEnv('warmup', '3')))
        .option(
            '--submit-levels <list>',
            'concurrent clients of submit workloads, e.g. 1,32,128 (last = peak)',
            levels,
            levels(fromEnv('submit-levels', '1,32,128')),
        )
        .option(
            '--evaluate-levels <list>',
            'concurrent clients of evaluate workloads',
            levels,
            levels(fromEnv('evaluate-levels', '1,32,128')),
        )
        .option(
            '--commission-levels <list>',
            'concurrent clients of batch workloads (commissioning, bulk pointers, bulk consents)',
            levels,
            levels(fromEnv('commission-levels', '1,4')),
        )
        .option(
            '--bulk-levels <list>',
            'concurrent clients of bulk ship + receive (a 1,000-unit pallet each)',
            levels,
            levels(fromEnv('bulk-levels', '1,2')),
        )
        .option(
            '--commission-batch <n>',
            'serials per commissioning transaction',
            positiveInt,
            Number(fromEnv('commission-batch', '1000')),
        )
        .option(
            '--ship-units <n>',
            'units commissioned for ship + receive',
            positiveInt,
            Number(fromEnv('ship-units', '5000')),
        )
        .option(
            '--half-load <list>',
            'workloads also run at half their peak throughput',
            workloadList,
            workloadList(fromEnv('half-load', 'floor-put,register-ehr-pointer')),
        )
        .option(
            '--workloads <list>',
            'workloads to run (default: all)',
            workloadList,
            workloadList(fromEnv('workloads', AllWorkloads.join(','))),
        )
        .option(
            '--network <mode>',
            'fresh: a new network, timed from down to ready, down at the end; reuse: the running one',
            fromEnv('network', 'fresh'),
        )
        .option('--keep-network', 'leave a fresh network running at the end', fromEnv('keep-network', '') === '1')
        .option('--out <dir>', 'results folder', fromEnv('out', 'bench-results'))
        .option(
            '--follow-index <list>',
            'history indexes that follow the network during the runs, with their lag per block: postgres, pglite, pglite-memory',
            followList,
            followList(fromEnv('follow-index', '')),
        )
        .exitOverride()
        .showHelpAfterError();
    program.parse([...argv], { from: 'user' });
    const opts = program.opts<{
        duration: number;
        stepDuration: number;
        warmup: number;
        submitLevels: number[];
        evaluateLevels: number[];
        commissionLevels: number[];
        commissionBatch: number;
        bulkLevels: number[];
        shipUnits: number;
        halfLoad: WorkloadName[];
        workloads: WorkloadName[];
        network: string;
        keepNetwork: boolean;
        out: string;
        followIndex: FollowDatabase[];
    }>();
    if (opts.network !== 'fresh' && opts.network !== 'reuse') {
        throw new InvalidArgumentError(`--network must be fresh or reuse, not ${opts.network}`);
    }
    return {
        durationS: opts.duration,
        stepDurationS: opts.stepDuration,
        warmupS: opts.warmup,
        submitLevels: opts.submitLevels,
        evaluateLevels: opts.evaluateLevels,
        commissionLevels: opts.commissionLevels,
        commissionBatch: opts.commissionBatch,
        bulkLevels: opts.bulkLevels,
        shipUnits: opts.shipUnits,
        halfLoad: opts.halfLoad,
        workloads: AllWorkloads.filter((name) => opts.workloads.includes(name)),
        network: opts.network,
        keepNetwork: opts.keepNetwork,
        outDir: opts.out,
        followIndex: opts.followIndex,
    };
}
