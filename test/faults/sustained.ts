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
import { writeFileSync } from 'node:fs';
import { loadLedgerConfig } from '../../gateway/src/ledger';
import { openFabricLedger } from '../../gateway/src/ledger/fabric';
import { audit, network } from './audit';
import { BoundedLoad, errorsByKind, foreignIds } from './load';
import { loadClients } from './run';

interface Sample {
    at: number;
    rssMb: Record<string, number>;
}

/** Resident memory (MB) of every network process, from `network.sh status`. */
function sampleMemory(): Sample {
    const rssMb: Record<string, number> = {};
    for (const line of network('status').split('\n')) {
        const match = /^(\S+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
        if (match) {
            rssMb[match[1]] = Number(match[3]);
        }
    }
    return { at: Date.now(), rssMb };
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
        while (Date.now() - started < minutes * 60_000) {
            await new Promise((resolve) => setTimeout(resolve, 30_000));
            if (Date.now() - started >= warmupMs) {
                samples.push(sampleMemory());
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
        const report = {
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
            foreignIds: foreignIds(load.acknowledged, load.errors).length,
            heightsAgree: result.heightsAgree,
            digestsAgree: result.digestsAgree,
            height: Math.max(...Object.values(result.heights)),
            memorySamples: samples.length,
            memoryAfterWarmupMb: memory,
            totalRssMb: samples.map((s) => Object.values(s.rssMb).reduce((a, b) => a + b, 0)),
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
