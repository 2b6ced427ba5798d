/**
 * `npm run faults`: the fault suite on a fresh Fabric network. Brings the network up
 * (`network.sh restart`), runs every fault of faults.ts in turn under a bounded load, prints one
 * JSON report per fault and a table, writes them to $CARELEDGER_FAULTS_OUT when set, and takes
 * the network down. Exit status 1 if any fault lost an acknowledged transaction or left the
 * peers, the snapshots or the event consumer inconsistent. Run it through /work/wt/with-fabric
 * on a shared machine. Environment: CARELEDGER_FAULTS (comma-separated fault name fragments to
 * run only those), CARELEDGER_FAULTS_CLIENTS (default 8), CARELEDGER_FAULTS_TIMING
 * (warmup,outage,tail seconds; default 10,10,20), CARELEDGER_FAULTS_CONNECT_MS and
 * CARELEDGER_GRPC_RECONNECT_BACKOFF=default (the library's reconnection as before the tuning),
 * CARELEDGER_FAULTS_RESUBMIT_MS (the library's resubmitAfterMs; 0: as before it existed).
 */
import { writeFileSync } from 'node:fs';
import { loadLedgerConfig } from '../../gateway/src/ledger';
import { openFabricLedger } from '../../gateway/src/ledger/fabric';
import { readProfiles } from '../../gateway/src/ledger/fabric/profile';
import { network } from './audit';
import { faults } from './faults';
import { loadClients, runFault, type FaultReport } from './run';

async function main(): Promise<number> {
    const [warmup, outage, tail] = (process.env.CARELEDGER_FAULTS_TIMING ?? '10,10,20').split(',').map(Number);
    const only = process.env.CARELEDGER_FAULTS?.split(',').filter(Boolean);
    const clients = loadClients(Number(process.env.CARELEDGER_FAULTS_CLIENTS ?? 8));
    if (process.env.CARELEDGER_FAULTS_KEEP_NETWORK !== 'true') {
        console.log('network restart ...');
        network('restart');
    }
    const config = loadLedgerConfig({ ...process.env, CARELEDGER_LEDGER: 'fabric' });
    // CARELEDGER_FAULTS_CONNECT_MS=0 (with CARELEDGER_GRPC_RECONNECT_BACKOFF=default): the library as it was before
    // issue #18, to measure against.
    const connectMs = process.env.CARELEDGER_FAULTS_CONNECT_MS;
    // CARELEDGER_FAULTS_RESUBMIT_MS=0: no resending of a transaction whose commit status is slow (as before).
    const resubmitMs = process.env.CARELEDGER_FAULTS_RESUBMIT_MS;
    // CARELEDGER_FAULTS_ORDERING_RETRY_MS=0: an UNAVAILABLE ordering service fails the call at once (as before).
    const orderingRetryMs = process.env.CARELEDGER_FAULTS_ORDERING_RETRY_MS;
    const ledger = await openFabricLedger(config, {
        ...(connectMs === undefined ? {} : { connectMs: Number(connectMs) }),
        ...(resubmitMs === undefined ? {} : { resubmitAfterMs: Number(resubmitMs) }),
        ...(orderingRetryMs === undefined ? {} : { orderingRetryMs: Number(orderingRetryMs) }),
    });
    const reports: FaultReport[] = [];
    try {
        const peerEndpoints = [...(await readProfiles(config.networkDir)).values()].flatMap((p) =>
            p.peers.map((peer) => peer.endpoint),
        );
        for (const fault of faults(config.channel)) {
            if (only && !only.some((fragment) => fault.name.includes(fragment))) {
                continue;
            }
            console.log(
                `\n=== ${fault.name} (${clients.length} clients, ${warmup}s + ${outage}s fault + ${tail}s) ===`,
            );
            try {
                await fault.prepare?.();
                const report = await runFault(ledger, fault, {
                    clients,
                    timing: { warmupMs: warmup * 1000, outageMs: outage * 1000, tailMs: tail * 1000 },
                    networkDir: config.networkDir,
                    channel: config.channel,
                    peerEndpoints,
                });
                reports.push(report);
                console.log(JSON.stringify(report));
            } finally {
                await fault.recover().catch(() => undefined);
                await fault.cleanup?.().catch((error: unknown) => console.error(`cleanup of ${fault.name}:`, error));
            }
        }
    } finally {
        await ledger.close();
        if (process.env.CARELEDGER_FAULTS_KEEP_NETWORK !== 'true') {
            network('down');
        }
    }
    console.log(`\n${table(reports)}`);
    if (process.env.CARELEDGER_FAULTS_OUT) {
        writeFileSync(process.env.CARELEDGER_FAULTS_OUT, JSON.stringify(reports, null, 2));
    }
    return reports.every(healthy) ? 0 : 1;
}

export function healthy(report: FaultReport): boolean {
    return (
        report.lost === 0 &&
        report.foreignIds === 0 &&
        report.toldFailedButCommitted === 0 &&
        report.heightsAgree &&
        report.digestsAgree &&
        report.eventsMissing === 0 &&
        report.eventsRepeated === 0
    );
}

function table(reports: FaultReport[]): string {
    const rows = reports.map((r) =>
        [
            r.fault,
            r.acknowledged,
            r.lost,
            r.foreignIds,
            Object.entries(r.errors)
                .map(([k, v]) => {
                    const unknown = r.errorOutcomes[k]?.commitUnknown;
                    const open = unknown ? unknown.committed + unknown.notCommitted : 0;
                    return open ? `${k} ${v} (${open} commit unknown: ${unknown.committed} committed)` : `${k} ${v}`;
                })
                .join(', ') || '-',
            r.stallSeconds.toFixed(1),
            r.firstAckAfterRecoverySeconds?.toFixed(1) ?? '-',
            r.catchUpSeconds?.toFixed(1) ?? '-',
            Object.entries(r.measured ?? {})
                .map(([k, v]) => `${k} ${v ?? '-'}`)
                .join(', ') || '-',
            r.duplicated,
            r.heightsAgree && r.digestsAgree ? `yes (${r.height})` : 'NO',
            `${r.eventsMissing}/${r.eventsRepeated}`,
        ].join(' | '),
    );
    return [
        'fault | acknowledged | lost | foreign ids | client errors (commit unknown: sent, no status) | stall s | first ack after recovery s | catch-up s | measured | ordered twice | peers agree (height) | events missing/repeated',
        ...rows,
    ].join('\n');
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
