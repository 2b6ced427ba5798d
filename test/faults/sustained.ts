/**
 * `npm run sustained`: a sustained run on a fresh Fabric network. CARELEDGER_SUSTAINED_MINUTES
 * (default 10) of mixed, bounded load from the gateway library (8 closed-loop clients over the
 * founding orgs: Pings under their own keys, every 5th a Beat of one shared key, conflicting
 * and retried by withRetry, every 4th operation a query), then: every acknowledged transaction
 * VALID on every peer, heights and snapshot digests equal; every failed call by kind; and the
 * resident memory of every network process sampled each 30 s, reported after a 2-minute
 * warm-up (first, last, peak, and growth per minute fitted over the samples). Holds a Fabric
 * slot for about MINUTES + 2 minutes: run it through /work/wt/with-fabric.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { loadLedgerConfig } from '../../gateway/src/ledger';
import { openFabricLedger } from '../../gateway/src/ledger/fabric';
import { audit, network } from './audit';
import { BoundedLoad, errorsByKind, foreignIds } from './load';
import { loadClients } from './run';

interface Sample {
    at: number;
    rssMb: Record<string, number>;
    /** The machine's 1-minute load average when sampled (it is shared). */
    load: number;
}

const pidDir = path.resolve(__dirname, '..', '..', 'network', '.pids');

/**
 * Resident memory (MB) of every network process: the pids network.sh recorded (network/.pids)
 * and each one's VmRSS in /proc. Read directly, not with `network.sh status`, whose spawnSync
 * stood every client still for the seconds it took, every 30 s.
 */
function sampleMemory(): Sample {
    const rssMb: Record<string, number> = {};
    for (const file of existsSync(pidDir) ? readdirSync(pidDir) : []) {
        const pid = readFileSync(path.join(pidDir, file), 'utf8').split(' ')[0];
        const status = `/proc/${pid}/status`;
        const match = existsSync(status) ? /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8')) : null;
        if (match) {
            rssMb[file.replace(/\.pid$/, '')] = Math.round(Number(match[1]) / 1024);
        }
    }
    return { at: Date.now(), rssMb, load: Number(loadavg()[0].toFixed(1)) };
}

/** consensus_etcdraft_leader_changes of every orderer (operations port B+104+10i), or null if it did not answer. */
async function raftLeaderChanges(): Promise<Array<number | null>> {
    const base = Number(process.env.CARELEDGER_PORT_BASE ?? 7000);
    return Promise.all(
        [0, 1, 2].map(async (i) => {
            try {
                const response = await fetch(`http://127.0.0.1:${base + 104 + 10 * i}/metrics`, {
                    signal: AbortSignal.timeout(5_000),
                });
                const match = /^consensus_etcdraft_leader_changes\{[^}]*\} (\d+)/m.exec(await response.text());
                return match ? Number(match[1]) : null;
            } catch {
                return null;
            }
        }),
    );
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
    const n = points.length;
    const mx = points.reduce((s, [x]) => s + x, 0) / n;
    const my = points.reduce((s, [, y]) => s + y, 0) / n;
    const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
    const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
    return sxx === 0 ? 0 : sxy / sxx;
}

async function main(): Promise<number> {
    const minutes = Number(process.env.CARELEDGER_SUSTAINED_MINUTES ?? 10);
    const warmupMs = Math.min(120_000, (minutes * 60_000) / 5);
    network('restart');
    const config = loadLedgerConfig({ ...process.env, CARELEDGER_LEDGER: 'fabric' });
    const ledger = await openFabricLedger(config);
    try {
        const load = new BoundedLoad(ledger, {
            clients: loadClients(8),
            label: `s${Date.now().toString(36)}`,
            beatEvery: 5,
            queryEvery: 4,
        });
        const started = Date.now();
        await load.start();
        const samples: Sample[] = [];
        const sampleEveryMs = Number(process.env.CARELEDGER_SUSTAINED_SAMPLE_SECONDS ?? 30) * 1000;
        while (Date.now() - started < minutes * 60_000) {
            await new Promise((resolve) => setTimeout(resolve, sampleEveryMs));
            if (Date.now() - started >= warmupMs) {
                samples.push(sampleMemory());
                const last = samples.at(-1) as Sample;
                console.log(
                    `${((last.at - started) / 60_000).toFixed(1)} min, load ${last.load}: ${load.acknowledged.length} acknowledged, ${load.errors.length} errors, ${Object.values(last.rssMb).reduce((a, b) => a + b, 0)} MB`,
                );
            }
        }
        await load.stop();
        const seconds = (Date.now() - started) / 1000;
        const acked = load.acknowledged.map((a) => a.transactionId);
        const result = await audit(ledger, config.networkDir, config.channel, acked);
        const memory = Object.fromEntries(
            Object.keys(samples[0]?.rssMb ?? {}).map((name) => {
                const series = samples.filter((s) => name in s.rssMb).map((s) => s.rssMb[name]);
                const perMinute = slope(samples.map((s) => [(s.at - started) / 60_000, s.rssMb[name] ?? 0]));
                return [
                    name,
                    {
                        first: series[0],
                        last: series.at(-1),
                        peak: Math.max(...series),
                        mbPerMinute: Number(perMinute.toFixed(2)),
                    },
                ];
            }),
        );
        const leaderChanges = await raftLeaderChanges();
        const report = {
            // Raft leader changes seen by each orderer over the run (a short election timeout must not cause spurious ones).
            leaderChanges,
            minutes: Number((seconds / 60).toFixed(1)),
            acknowledged: acked.length,
            perSecond: Number((acked.length / seconds).toFixed(1)),
            queries: load.queries,
            mvccRetriesResolved: load.mvccRetries,
            failedSubmits: errorsByKind(load.errors.filter((e) => e.call === 'submit')),
            failedQueries: errorsByKind(load.errors.filter((e) => e.call === 'query')),
            errorExamples: Object.fromEntries(
                [...new Set(load.errors.map((e) => `${e.call} ${e.code}`))].map((kind) => [
                    kind,
                    load.errors.find((e) => `${e.call} ${e.code}` === kind)?.detail ?? '',
                ]),
            ),
            lost: new Set(result.lost.map((l) => l.transactionId)).size,
            // Acknowledged transactions whose id was ordered twice (the library resent them: commit-wait.ts, ordering-retry.ts).
            orderedTwice: result.duplicated.length,
            foreignIds: foreignIds(load.acknowledged, load.errors).length,
            heightsAgree: result.heightsAgree,
            digestsAgree: result.digestsAgree,
            height: Math.max(...Object.values(result.heights)),
            memorySamples: samples.length,
            memoryAfterWarmupMb: memory,
            totalRssMb: samples.map((s) => Object.values(s.rssMb).reduce((a, b) => a + b, 0)),
            // Every sample: minute of the run, load average, MB per process (the figure over time).
            memoryOverTime: samples.map((s) => ({
                minute: Number(((s.at - started) / 60_000).toFixed(1)),
                load: s.load,
                rssMb: s.rssMb,
            })),
            // When each call failed (seconds into the run), to see whether failures come in bursts.
            errorTimes: load.errors.map((e) => ({
                second: Number(((e.at - started) / 1000).toFixed(1)),
                call: e.call,
                code: e.code,
            })),
        };
        console.log(JSON.stringify(report, null, 2));
        if (process.env.CARELEDGER_SUSTAINED_OUT) {
            writeFileSync(process.env.CARELEDGER_SUSTAINED_OUT, JSON.stringify(report, null, 2));
        }
        return report.lost === 0 && report.foreignIds === 0 && result.heightsAgree && result.digestsAgree ? 0 : 1;
    } finally {
        await ledger.close();
        network('down');
    }
}

if (require.main === module) {
    main().then(
        (status) => process.exit(status),
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}
