import type { PlotPanel } from './plot';
import { peakOf, type BenchResults, type RunResult, type WorkloadResult } from './results';
import { ProcessGroups } from './resources';

const f0 = (value: number) => value.toFixed(0);
const f1 = (value: number) => value.toFixed(1);
const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(2);
const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);

function failures(run: RunResult): string {
    const { mvcc, timeout, endorsement, other } = run.summary.failures;
    return `${mvcc} / ${timeout} / ${endorsement} / ${other}`;
}

function cpu(run: RunResult): string {
    return ProcessGroups.map((group) => `${group} ${f0(run.resources.cpuPercent[group])}`)
        .filter((entry) => !entry.endsWith(' 0'))
        .join(', ');
}

function throughputUnit(workload: WorkloadResult): string {
    return workload.call === 'evaluate' ? 'queries/s' : 'committed tx/s';
}

/** The markdown summary written next to results.json. */
export function renderSummary(results: BenchResults): string {
    const lines: string[] = [];
    const { host, options, network } = results;
    lines.push('# CareLedger benchmark', '');
    lines.push(
        `Run ${results.startedAt} – ${results.finishedAt} on ${host.cpus} × ${host.cpuModel}, ${f1(host.memoryGiB)} GiB, Node ${host.node}` +
            `${network.fabricVersion ? `, Fabric ${network.fabricVersion}` : ''}. Network: ${network.mode}` +
            `${network.readyFromDownSeconds !== undefined ? `, ready from down in ${f1(network.readyFromDownSeconds)} s` : ''}` +
            `${network.floorDeploySeconds !== undefined ? `, floor chaincode deployed in ${f1(network.floorDeploySeconds)} s` : ''}.`,
        '',
        `Peak load: ${options.durationS} s per workload after ${options.warmupS} s warm-up; other levels ${options.stepDurationS} s. ` +
            `Latency is per ledger call: submit to commit status for submits, the round trip for evaluates.`,
        '',
    );

    lines.push('## Targets', '', '| target | measured | met |', '| --- | --- | --- |');
    for (const check of results.targets) {
        lines.push(`| ${check.target} | ${check.measured} | ${check.met ? 'yes' : '**no**'} |`);
    }
    lines.push('');

    lines.push(
        '## Peak throughput per workload',
        '',
        '| workload | clients | throughput | ops/s | units/s | p50 / p95 / p99 ms | failures mvcc / timeout / endorsement / other | ratio to floor | CPU % of one core (2 cores = 200) |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const workload of results.workloads) {
        const peak = peakOf(workload);
        const { p50, p95, p99 } = peak.summary.latencyMs;
        lines.push(
            `| ${workload.title} | ${peak.clients} | ${f1(peak.summary.txPerSecond)} ${throughputUnit(workload)} | ${f1(peak.summary.opsPerSecond)} | ` +
                `${peak.unitsPerSecond !== undefined ? `${f0(peak.unitsPerSecond)} ${workload.units?.name}` : ''} | ` +
                `${f0(p50)} / ${f0(p95)} / ${f0(p99)} | ${failures(peak)} | ` +
                `${workload.ratioToFloor !== undefined ? `${workload.ratioToFloor.toFixed(2)} × ${workload.floor}` : ''} | ${cpu(peak)} |`,
        );
    }
    lines.push('');

    lines.push(
        '## Every run',
        '',
        '| workload | load | throughput /s | p50 / p95 / p99 ms | op p50 ms | failures m/t/e/o | machine busy % | CPU ms per call | machine speed | network RSS MiB |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const workload of results.workloads) {
        for (const run of workload.runs) {
            const { p50, p95, p99 } = run.summary.latencyMs;
            lines.push(
                `| ${workload.name} | ${run.label} | ${f1(run.summary.txPerSecond)} | ${f0(p50)} / ${f0(p95)} / ${f0(p99)} | ` +
                    `${f0(run.summary.opLatencyMs.p50)} | ${failures(run)} | ${f0(run.resources.machineBusyPercent)} | ` +
                    `${run.cpuMsPerCall !== undefined ? f1(run.cpuMsPerCall) : ''} | ${run.machineSpeed !== undefined ? f0(run.machineSpeed) : ''} | ${mib(run.resources.peakNetworkRssBytes)} |`,
            );
        }
    }
    lines.push('');

    const followed = results.workloads.flatMap((workload) =>
        workload.runs.flatMap((run) => (run.indexLag ?? []).map((lag) => ({ workload, run, lag }))),
    );
    if (followed.length > 0) {
        lines.push(
            '## History index following the network (--follow-index)',
            '',
            "Lag of a block: from its arrival at a plain block listener of the regulator's peer to the index's database " +
                'commit holding it (the index reads the same peer), over the blocks received in the measured window.',
            '',
            '| workload | load | database | blocks | committed tx/s | ingested tx/s | lag p50 / p99 / max ms | over 1 s | not indexed | writes | write p50 / p99 ms | blocks per write (max) | event loop delay p50 / p99 ms |',
            '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        );
        for (const { workload, run, lag } of followed) {
            const { p50, p99, max } = lag.lagMs;
            lines.push(
                `| ${workload.name} | ${run.label} | ${lag.database} | ${lag.blocks} | ${f1(lag.committedTxPerSecond)} | ` +
                    `${f1(lag.ingestedTxPerSecond)} | ${f0(p50)} / ${f0(p99)} / ${f0(max)} | ${lag.overOneSecond} | ${lag.notIndexed} | ` +
                    `${lag.writes} | ${f0(lag.writeMs.p50)} / ${f0(lag.writeMs.p99)} | ${lag.maxBlocksPerWrite} | ` +
                    `${f0(lag.eventLoopDelayMs.p50)} / ${f0(lag.eventLoopDelayMs.p99)} |`,
            );
        }
        lines.push('');
    }

    lines.push('## Workloads', '');
    for (const workload of results.workloads) {
        lines.push(
            `- **${workload.name}** (${workload.call}, ${workload.callsPerOp} call${workload.callsPerOp > 1 ? 's' : ''} per operation; set up in ${f1(workload.setupSeconds)} s): ${workload.operation}`,
        );
        for (const run of workload.runs) {
            for (const error of run.errors) {
                lines.push(`  - ${run.label}: ${error.count} × ${error.message}`);
            }
            if (run.dropped > 0) {
                lines.push(`  - ${run.label}: ${run.dropped} operations not started (too many outstanding)`);
            }
        }
    }
    lines.push('');

    lines.push(
        `## Memory`,
        '',
        `Largest resident memory of the whole network at peak load (CAs, orderers, peers, CareLedger's chaincode servers): ` +
            `${gib(results.peakNetworkRssBytes)} GiB; ${gib(results.peakRssWithFloorBytes)} GiB with the floor chaincode's servers, ` +
            'which only the benchmark deploys.',
        '',
    );
    lines.push('## Network settings', '', '| setting | value |', '| --- | --- |');
    for (const [name, value] of Object.entries(network.settings)) {
        lines.push(`| ${name} | ${value} |`);
    }
    lines.push('');
    return `${lines.join('\n')}\n`;
}

/** One panel per workload for the plot, with the floor it is compared with. */
export function plotPanels(results: BenchResults): PlotPanel[] {
    // Runs are in the order the load rose; units workloads (commissioning) are plotted in units per second.
    const pointsOf = (workload: WorkloadResult) =>
        workload.runs.map((run) => ({
            throughput: run.unitsPerSecond ?? run.summary.txPerSecond,
            p50: run.summary.latencyMs.p50,
            p99: run.summary.latencyMs.p99,
            label: run.loop === 'open' ? '½ peak' : String(run.clients),
            alone: run.loop === 'open',
        }));
    const byName = new Map(results.workloads.map((workload) => [workload.name, workload]));
    return results.workloads.map((workload) => {
        const floor = workload.floor ? byName.get(workload.floor) : undefined;
        return {
            title: workload.title,
            xLabel: workload.units ? `${workload.units.name}/s` : throughputUnit(workload),
            points: pointsOf(workload),
            floor: floor && {
                title: floor.title,
                points: pointsOf(floor).filter((_, index) => floor.runs[index].loop === 'closed'),
            },
        };
    });
}
