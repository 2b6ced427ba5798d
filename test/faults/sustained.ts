/**
 * `npm run sustained`: a sustained run on a fresh Fabric network. CARELEDGER_SUSTAINED_MINUTES
 * (default 20) of mixed, bounded load from the gateway library (8 closed-loop clients over the
 * founding orgs: Pings under their own keys, every 5th a Beat of one shared key, conflicting
 * and retried by withRetry, every 4th operation a query), then: every acknowledged transaction
 * VALID on every peer, heights and snapshot digests equal; every failed call by kind; and the
 * memory of every network process sampled each 30 s from the start (memory.ts: RSS, and the Go
 * heap of peers and orderers). Fails when a process's RSS grew faster than
 * CARELEDGER_SUSTAINED_MAX_MB_PER_MINUTE (default 1) after warm-up, which ends when every peer's
 * and orderer's chain holds Fabric's 50 MiB block cache and not before
 * CARELEDGER_SUSTAINED_WARMUP_MINUTES (default 5); fails too when less than 5 minutes remain after
 * it to judge (at a few transactions per second the cache takes half an hour to fill). With CARELEDGER_PROFILE=true, heap and goroutine profiles of every peer
 * and orderer after 2 minutes, after CARELEDGER_SUSTAINED_WARMUP_MINUTES and at the end go to
 * CARELEDGER_SUSTAINED_PROFILE_DIR. Holds a Fabric slot for about MINUTES + 3 minutes: run it
 * through /work/wt/with-fabric.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadLedgerConfig } from '../../gateway/src/ledger';
import { openFabricLedger } from '../../gateway/src/ledger/fabric';
import { readProfiles } from '../../gateway/src/ledger/fabric/profile';
import { audit, network } from './audit';
import { BoundedLoad, errorsByKind, foreignIds } from './load';
import { blockCacheFullMinute, goNodes, memoryVerdict, sampleMemory, saveProfiles, type MemorySample } from './memory';
import { loadClients } from './run';

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

async function main(): Promise<number> {
    const minutes = Number(process.env.CARELEDGER_SUSTAINED_MINUTES ?? 20);
    // The slope is fitted after this, and after Fabric's block cache is full (memory.ts, docs/reliability.md).
    const minWarmupMinutes = Number(process.env.CARELEDGER_SUSTAINED_WARMUP_MINUTES ?? 5);
    // At least this long after warm-up, or memory is not judged (and the run fails: run longer).
    const judgedMinutes = 5;
    const maxMbPerMinute = Number(process.env.CARELEDGER_SUSTAINED_MAX_MB_PER_MINUTE ?? 1);
    const profileDir =
        process.env.CARELEDGER_PROFILE === 'true'
            ? (process.env.CARELEDGER_SUSTAINED_PROFILE_DIR ?? path.join(tmpdir(), `careledger-profiles-${Date.now()}`))
            : undefined;
    network('restart');
    const config = loadLedgerConfig({ ...process.env, CARELEDGER_LEDGER: 'fabric' });
    const ledger = await openFabricLedger(config);
    try {
        const nodes = goNodes([...(await readProfiles(config.networkDir)).values()].flatMap((p) => p.peers));
        const load = new BoundedLoad(ledger, {
            clients: loadClients(8),
            label: `s${Date.now().toString(36)}`,
            beatEvery: 5,
            queryEvery: 4,
        });
        const started = Date.now();
        await load.start();
        const samples: MemorySample[] = [await sampleMemory(nodes, config.channel)];
        const profiles: string[] = [];
        // Profiles after the first 2 minutes (early), at the end of warm-up and at the end.
        const profileAt = [
            { label: 'early', minute: Math.min(2, minWarmupMinutes) },
            { label: 'warm', minute: minWarmupMinutes },
        ];
        const sampleEveryMs = Number(process.env.CARELEDGER_SUSTAINED_SAMPLE_SECONDS ?? 30) * 1000;
        while (Date.now() - started < minutes * 60_000) {
            await new Promise((resolve) => setTimeout(resolve, sampleEveryMs));
            const sample = await sampleMemory(nodes, config.channel);
            samples.push(sample);
            const minute = (sample.at - started) / 60_000;
            const due = profileAt.filter((p) => minute >= p.minute);
            for (const point of due) {
                profileAt.splice(profileAt.indexOf(point), 1);
                if (profileDir) {
                    profiles.push(...(await saveProfiles(nodes, profileDir, point.label)));
                }
            }
            const heap = Object.values(sample.go).reduce((a, g) => a + g.heapInuseMb, 0);
            console.log(
                `${minute.toFixed(1)} min, load ${sample.load}: ${load.acknowledged.length} acknowledged, ${load.errors.length} errors, RSS ${Object.values(sample.rssMb).reduce((a, b) => a + b, 0)} MB, Go heap in use ${heap.toFixed(0)} MB`,
            );
        }
        if (profileDir) {
            profiles.push(...(await saveProfiles(nodes, profileDir, 'end')));
        }
        await load.stop();
        const seconds = (Date.now() - started) / 1000;
        const acked = load.acknowledged.map((a) => a.transactionId);
        const result = await audit(ledger, config.networkDir, config.channel, acked);
        const cacheFullMinute = blockCacheFullMinute(samples, started);
        const warmupMinutes = Math.max(minWarmupMinutes, cacheFullMinute ?? Infinity);
        const judged = seconds / 60 - warmupMinutes >= judgedMinutes;
        const memory = memoryVerdict(samples, started, judged ? warmupMinutes : 0, maxMbPerMinute);
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
            commitUnknown: load.errors.filter((e) => e.commitUnknown).length,
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
            // When every peer's and orderer's chain first held Fabric's 50 MiB block cache (null: never).
            blockCacheFullMinute: cacheFullMinute ?? null,
            // Whether the run went on long enough after warm-up to judge memory (if not, it fails: run longer).
            memoryJudged: judged,
            // Per process: RSS start / warm / end / peak, slope after warm-up (bounded) and over the whole run;
            // for peers and orderers the Go heap in use and goroutines too.
            memory,
            profiles,
            // Every sample: minute of the run, load average, RSS per process, Go heap in use per Go process.
            memoryOverTime: samples.map((s) => ({
                minute: Number(((s.at - started) / 60_000).toFixed(1)),
                load: s.load,
                rssMb: s.rssMb,
                go: s.go,
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
        if (!judged) {
            console.error(
                `memory not judged: warm-up lasted until minute ${warmupMinutes} (Fabric's block cache full at ${cacheFullMinute ?? 'never'}), leaving less than ${judgedMinutes} minutes; run longer (CARELEDGER_SUSTAINED_MINUTES)`,
            );
        } else if (memory.growing.length > 0) {
            console.error(
                `memory not flat after ${warmupMinutes} min of warm-up (bound ${maxMbPerMinute} MB/min): ${memory.growing
                    .map((name) => `${name} ${memory.processes[name].mbPerMinuteAfterWarmup} MB/min`)
                    .join(', ')}`,
            );
        }
        return report.lost === 0 &&
            report.foreignIds === 0 &&
            result.heightsAgree &&
            result.digestsAgree &&
            judged &&
            memory.growing.length === 0
            ? 0
            : 1;
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
