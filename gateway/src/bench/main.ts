#!/usr/bin/env node
import '../server/quiet-contract-logs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommanderError } from 'commander';
import { loadLedgerConfig, openLedger, projectRoot, type Ledger, type LedgerSession } from '../ledger';
import { IndexFollowerThread } from './index-follow-thread';
import { closedLoop, openLoop, type LoadResult, type Operation } from './load';
import { NetworkScript, FloorChaincode } from './network';
import { parseBenchOptions, type BenchOptions } from './options';
import { renderPlot } from './plot';
import { Recorder } from './recorder';
import { plotPanels, renderSummary } from './report';
import { machineSpeed, ResourceMonitor, ProcessGroups } from './resources';
import { peakOf, type BenchResults, type RunResult, type WorkloadResult } from './results';
import { summarize } from './stats';
import { checkTargets } from './targets';
import type { BenchContext, Workload } from './workload';
import { workloadsOf } from './workloads';

/**
 * `npm run bench`: CareLedger's workloads and the floor chaincode on the real Fabric network,
 * through the gateway library. Writes results.json, summary.md and throughput-latency.svg to
 * bench-results/<time>/. See bench/README.md.
 */
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(argv: string[]): Promise<void> {
    const options = parseBenchOptions(argv);
    const root = projectRoot();
    const startedAt = new Date();
    const outDir = path.resolve(root, options.outDir, startedAt.toISOString().replace(/[:.]/g, '-'));
    mkdirSync(outDir, { recursive: true });
    const network = new NetworkScript(root, path.join(outDir, 'network.log'));
    log(`results in ${path.relative(process.cwd(), outDir) || outDir}; network.sh output in network.log there`);

    let readyFromDownSeconds: number | undefined;
    let floorDeploySeconds: number | undefined;
    if (options.network === 'fresh') {
        log('network: down, then timing up createChannel deployCC (a network ready from down)');
        await network.run('down');
        readyFromDownSeconds = await network.run('up', 'createChannel', 'deployCC');
        log(`network: ready from down in ${readyFromDownSeconds.toFixed(1)} s`);
    } else if (!network.running()) {
        throw new Error('--network reuse: the network is not running (bash network/network.sh restart)');
    }
    try {
        if (options.network === 'fresh' || !network.floorDeployed()) {
            log(`network: deploying the floor chaincode ${FloorChaincode.name} from ${FloorChaincode.path}`);
            floorDeploySeconds = await network.deployFloor();
            log(`network: floor chaincode ready in ${floorDeploySeconds.toFixed(1)} s`);
        }
        const { settings, fabricVersion } = network.settings();
        const results = await runWorkloads(options, network);
        const partial: Omit<BenchResults, 'targets'> = {
            startedAt: startedAt.toISOString(),
            finishedAt: new Date().toISOString(),
            host: {
                cpus: os.cpus().length,
                cpuModel: os.cpus()[0]?.model ?? 'unknown',
                memoryGiB: os.totalmem() / 1024 ** 3,
                node: process.versions.node,
                platform: `${os.platform()} ${os.release()}`,
            },
            options,
            network: { mode: options.network, readyFromDownSeconds, floorDeploySeconds, settings, fabricVersion },
            workloads: results,
            peakNetworkRssBytes: Math.max(
                0,
                ...results.map((workload) => peakOf(workload).resources.peakNetworkRssBytes),
            ),
            peakRssWithFloorBytes: Math.max(
                0,
                ...results.map((workload) => peakOf(workload).resources.peakRssWithFloorBytes),
            ),
        };
        const full: BenchResults = { ...partial, targets: checkTargets(partial) };
        writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(full, null, 2)}\n`);
        writeFileSync(path.join(outDir, 'summary.md'), renderSummary(full));
        writeFileSync(path.join(outDir, 'throughput-latency.svg'), renderPlot(plotPanels(full)));
        log('targets:');
        for (const check of full.targets) {
            log(`  ${check.met ? 'met   ' : 'MISSED'} ${check.target}: ${check.measured}`);
        }
        log(
            `wrote ${['results.json', 'summary.md', 'throughput-latency.svg'].map((file) => path.join(outDir, file)).join(', ')}`,
        );
    } finally {
        if (options.network === 'fresh' && !options.keepNetwork) {
            log('network: down');
            await network
                .run('down')
                .catch((error: unknown) => log(`network down failed: ${(error as Error).message}`));
        }
    }
}

async function runWorkloads(options: BenchOptions, network: NetworkScript): Promise<WorkloadResult[]> {
    const config = { ...loadLedgerConfig(), kind: 'fabric' as const };
    const ledger = await openLedger(config);
    const floorLedger = await openLedger({ ...config, chaincode: FloorChaincode.name });
    const recorder = new Recorder();
    const monitor = new ResourceMonitor(network.pidDir);
    const cleanups: Array<() => Promise<void>> = [];
    const context = benchContext(options, recorder, ledger, floorLedger, cleanups);
    const all = workloadsOf(options);
    const results: WorkloadResult[] = [];
    const followers: IndexFollowerThread[] = [];
    /** The following indexes' lag over the run's window, once they hold every block received in it. */
    const lagOf = async (window: LoadResult['window']) => {
        if (followers.length === 0) {
            return undefined;
        }
        const lags = await Promise.all(followers.map((follower) => follower.lag(window)));
        for (const lag of lags) {
            const { p50, p99, max } = lag.lagMs;
            log(
                `  index on ${lag.database}: ${lag.blocks} blocks, committed ${lag.committedTxPerSecond.toFixed(1)} tx/s, ` +
                    `ingested ${lag.ingestedTxPerSecond.toFixed(1)} tx/s in ${lag.writes} writes, lag p50/p99/max ` +
                    `${p50.toFixed(0)}/${p99.toFixed(0)}/${max.toFixed(0)} ms, ${lag.overOneSecond} over 1 s, ${lag.notIndexed} not indexed; ` +
                    `write p50/p99 ${lag.writeMs.p50.toFixed(0)}/${lag.writeMs.p99.toFixed(0)} ms (up to ${lag.maxBlocksPerWrite} blocks), ` +
                    `event loop delay p50/p99 ${lag.eventLoopDelayMs.p50.toFixed(0)}/${lag.eventLoopDelayMs.p99.toFixed(0)} ms`,
            );
        }
        return lags;
    };
    try {
        for (const database of options.followIndex) {
            followers.push(await IndexFollowerThread.start(database, network.root, log));
        }
        for (const name of options.workloads) {
            const workload = all[name];
            log(`${name}: setting up`);
            const setupStarted = Date.now();
            const prepared = await workload.prepare(context);
            // Sequence numbers unique across the workload's runs: ids built from them never repeat.
            let issued = 0;
            const operation: Operation = (client) => prepared(client, issued++);
            const setupSeconds = (Date.now() - setupStarted) / 1000;
            // Batch workloads (commissioning, bulk pointers and consents: many units per call) saturate the
            // network with a few clients; 128 batches of 100 pointers in flight never commit inside a window.
            const levels =
                name === 'bulk-ship-receive'
                    ? options.bulkLevels
                    : name === 'commission' || (workload.units?.perOp ?? 1) > 1
                      ? options.commissionLevels
                      : workload.call === 'evaluate'
                        ? options.evaluateLevels
                        : options.submitLevels;
            const runs: RunResult[] = [];
            for (const clients of levels) {
                const peakLevel = clients === levels[levels.length - 1];
                const durationS = peakLevel ? options.durationS : options.stepDurationS;
                const speed = await settled();
                monitor.start();
                const load = await closedLoop(recorder, operation, {
                    clients,
                    warmupMs: options.warmupS * 1000,
                    durationMs: durationS * 1000,
                });
                const label = clients === 1 ? '1 client (sequential)' : `${clients} clients`;
                const resources = monitor.stop();
                runs.push({
                    ...report(workload, label, 'closed', clients, load, resources),
                    machineSpeed: speed,
                    indexLag: workload.call === 'submit' ? await lagOf(load.window) : undefined,
                });
            }
            const peakRun = indexOfPeak(runs);
            if (options.halfLoad.includes(name)) {
                const peak = runs[peakRun];
                const rate = Math.max(1, peak.summary.opsPerSecond / 2);
                const speed = await settled();
                monitor.start();
                const load = await openLoop(recorder, operation, {
                    ratePerSecond: rate,
                    clients: peak.clients,
                    maxOutstanding: peak.clients * 4,
                    warmupMs: options.warmupS * 1000,
                    durationMs: options.durationS * 1000,
                });
                const resources = monitor.stop();
                runs.push({
                    ...report(workload, 'half peak load', 'open', peak.clients, load, resources),
                    offeredOpsPerSecond: rate,
                    machineSpeed: speed,
                    indexLag: workload.call === 'submit' ? await lagOf(load.window) : undefined,
                });
            }
            results.push({
                name,
                title: workload.title,
                call: workload.call,
                operation: workload.operation,
                callsPerOp: workload.callsPerOp,
                units: workload.units,
                floor: workload.floor,
                setupSeconds,
                runs,
                peakRun,
            });
        }
    } finally {
        for (const follower of followers) {
            await follower.close().catch((error: unknown) => log(`index close failed: ${(error as Error).message}`));
        }
        for (const cleanup of cleanups) {
            await cleanup().catch((error: unknown) => log(`cleanup failed: ${(error as Error).message}`));
        }
        await ledger.close();
        await floorLedger.close();
    }
    for (const result of results) {
        const floor = results.find((candidate) => candidate.name === result.floor);
        if (floor) {
            // In business units when the workload has them (pointers, consents): what users get per floor transaction.
            const peak = peakOf(result);
            result.ratioToFloor =
                (peak.unitsPerSecond ?? peak.summary.txPerSecond) / Math.max(1e-9, peakOf(floor).summary.txPerSecond);
        }
    }
    return results;
}

/** A second for the network to finish the last run's backlog, then the machine's speed. */
async function settled(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return machineSpeed();
}

function indexOfPeak(runs: readonly RunResult[]): number {
    let best = 0;
    runs.forEach((run, index) => {
        if (run.loop === 'closed' && run.summary.txPerSecond > runs[best].summary.txPerSecond) best = index;
    });
    return best;
}

function report(
    workload: Workload,
    label: string,
    loop: RunResult['loop'],
    clients: number,
    load: LoadResult,
    resources: RunResult['resources'],
): RunResult {
    const summary = summarize(load.calls, load.ops, load.window, workload.call);
    const cpuCores = ProcessGroups.reduce((sum, group) => sum + resources.cpuPercent[group], 0) / 100;
    const run: RunResult = {
        label,
        loop,
        clients,
        summary,
        unitsPerSecond: workload.units ? summary.opsPerSecond * workload.units.perOp : undefined,
        resources,
        cpuMsPerCall: summary.txPerSecond > 0 ? (1000 * cpuCores) / summary.txPerSecond : undefined,
        errors: load.errors,
        dropped: load.dropped,
    };
    const { p50, p95, p99 } = summary.latencyMs;
    const { mvcc, timeout, endorsement, other } = summary.failures;
    log(
        `${workload.name} ${label}: ${summary.txPerSecond.toFixed(1)} ${workload.call === 'evaluate' ? 'queries' : 'tx'}/s` +
            `${run.unitsPerSecond !== undefined ? ` (${run.unitsPerSecond.toFixed(0)} ${workload.units?.name}/s)` : ''}` +
            `, p50/p95/p99 ${p50.toFixed(0)}/${p95.toFixed(0)}/${p99.toFixed(0)} ms, failures mvcc ${mvcc} timeout ${timeout} endorsement ${endorsement} other ${other}` +
            `; CPU ${ProcessGroups.map((group) => `${group} ${resources.cpuPercent[group].toFixed(0)}%`).join(' ')}` +
            `; machine busy ${resources.machineBusyPercent.toFixed(0)}%; network RSS ${(resources.peakNetworkRssBytes / 1024 ** 2).toFixed(0)} MiB`,
    );
    for (const error of load.errors.slice(0, 3)) {
        log(`  ${error.count} × ${error.message}`);
    }
    return run;
}

function benchContext(
    options: BenchOptions,
    recorder: Recorder,
    ledger: Ledger,
    floorLedger: Ledger,
    cleanups: Array<() => Promise<void>>,
): BenchContext {
    const sessions = new Map<string, Promise<LedgerSession>>();
    const sessionOf = (target: Ledger, key: string, org: string, user: string) => {
        let session = sessions.get(key);
        if (!session) {
            session = target.identities
                .get(org, user)
                .then((identity) => recorder.instrument(target.connect(identity)));
            sessions.set(key, session);
        }
        return session;
    };
    const once = new Map<string, Promise<unknown>>();
    return {
        tag: randomBytes(3).toString('hex'),
        commissionBatch: options.commissionBatch,
        shipUnits: options.shipUnits,
        session: (org, user) => sessionOf(ledger, `cc/${org}/${user}`, org, user),
        floorSession: (org, user) => sessionOf(floorLedger, `floor/${org}/${user}`, org, user),
        once<T>(key: string, setup: () => Promise<T>): Promise<T> {
            let done = once.get(key);
            if (!done) {
                done = setup();
                once.set(key, done);
            }
            return done as Promise<T>;
        },
        measure: (run) => recorder.measure('evaluate', run),
        atEnd: (cleanup) => cleanups.push(cleanup),
        log,
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((error: unknown) => {
        if (error instanceof CommanderError) {
            process.exitCode = error.exitCode;
            return;
        }
        console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        process.exitCode = 1;
    });
}
