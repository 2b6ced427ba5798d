import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Ledger } from '../../gateway/src/ledger';
import { audit, peerHeights } from './audit';
import { eventCheck, SupervisedConsumer } from './consumers';
import type { Fault } from './faults';
import {
    BoundedLoad,
    errorOutcomes,
    errorsByKind,
    foreignIds,
    longestStall,
    type ErrorOutcomes,
    type LoadClient,
} from './load';

/**
 * One fault under load: the load runs `warmupMs`, the fault is injected, the network stays
 * faulty for `outageMs`, recovers, and the load runs `tailMs` more. Then: every acknowledged
 * transaction VALID on every peer, heights and snapshot digests equal, the checkpointed
 * consumer saw every acknowledged transaction's event exactly once.
 */
export interface Timing {
    warmupMs: number;
    outageMs: number;
    tailMs: number;
}

export interface FaultReport {
    fault: string;
    acknowledged: number;
    lost: number;
    lostExamples: Array<{ transactionId: string; peer: string; code: string }>;
    /** Errors carrying a transaction id that was not theirs (must be 0). */
    foreignIds: number;
    /** Errors whose own transaction did commit VALID (the client was told "failed" for a write that happened). */
    failedButCommitted: number;
    /** Of those, errors that did not say the outcome was unknown (must be 0: the client was misled). */
    toldFailedButCommitted: number;
    /** Per error code: final or commit-status-unknown, and whether the error's own transaction committed VALID. */
    errorOutcomes: Record<string, ErrorOutcomes>;
    /** Transactions (acknowledged or failed) ordered twice: the gateway tried another orderer after a broadcast timeout. */
    duplicated: number;
    errors: Record<string, number>;
    errorsAfterRecovery: Record<string, number>;
    /** The first detail of each kind of error, to say what failed. */
    errorExamples: Record<string, string>;
    mvccRetries: number;
    /** Longest time without an acknowledged transaction, from the fault to the end of the load. */
    stallSeconds: number;
    /** From recovery (the node serving again) to the first acknowledged transaction after it. */
    firstAckAfterRecoverySeconds: number | null;
    /** From recovery to every peer holding every block that existed at recovery. */
    catchUpSeconds: number | null;
    heightsAgree: boolean;
    digestsAgree: boolean;
    height: number;
    eventsMissing: number;
    eventsRepeated: number;
    consumerRestarts: number;
    injectSeconds: number;
    recoverSeconds: number;
    /** How long the load took to stop: its slowest call still running at the end (e.g. a commit-status wait). */
    stopSeconds: number;
    observed?: string[];
    /** What the fault measured itself, e.g. seconds until a new Raft leader was seen. */
    measured?: Record<string, number | null>;
    /** Acknowledged transactions in each second from the fault on (index 0: the fault's first second). */
    acksPerSecond: number[];
    /** Each error after the fault: seconds from the fault, code, whether its commit is unknown, how long the call ran. */
    errorsAt: string[];
    /** What the first few commit-status-unknown errors said. */
    unknownExamples: string[];
}

const root = path.resolve(__dirname, '..', '..');

/** Up to `count` non-admin users, round-robin over the founding orgs (consortium.json). */
export function loadClients(count: number): LoadClient[] {
    const consortium = JSON.parse(readFileSync(path.join(root, 'network', 'consortium.json'), 'utf8')) as {
        orgs: Array<{ org: string; users: Array<{ name: string; role: string }> }>;
    };
    const perOrg = consortium.orgs.map((o) =>
        o.users.filter((u) => u.role !== 'admin').map((u) => ({ org: o.org, user: u.name })),
    );
    const clients: LoadClient[] = [];
    for (let round = 0; clients.length < count && round < 10; round++) {
        for (const users of perOrg) {
            if (users[round] && clients.length < count) {
                clients.push(users[round]);
            }
        }
    }
    return clients;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFault(
    ledger: Ledger,
    fault: Fault & { observed?: string[]; measured?: Record<string, number | null> },
    options: { clients: LoadClient[]; timing: Timing; networkDir: string; channel: string; peerEndpoints: string[] },
): Promise<FaultReport> {
    const startHeights = await peerHeights(options.peerEndpoints);
    const startAt = { blockNumber: BigInt(Math.max(0, ...startHeights.values())) };
    // The hospital's two peers: the consumer's stream fails over when the first one stops.
    const consumer = await SupervisedConsumer.open(ledger, 'hospital', consumerUser(), startAt);
    consumer.start();
    const load = new BoundedLoad(ledger, {
        clients: options.clients,
        label: `f${Date.now().toString(36)}`,
    });
    await load.start();
    await sleep(options.timing.warmupMs);

    const faultAt = Date.now();
    await fault.inject();
    const injected = Date.now();
    await sleep(Math.max(0, options.timing.outageMs - (injected - faultAt)));
    const recoverStarted = Date.now();
    await fault.recover();
    const recovered = Date.now();

    // Catch-up: every peer up to the highest height at recovery.
    const target = Math.max(0, ...(await peerHeights(options.peerEndpoints)).values());
    let catchUpSeconds: number | null = null;
    const tailEnd = recovered + options.timing.tailMs;
    while (Date.now() < tailEnd + 30_000) {
        const heights = await peerHeights(options.peerEndpoints);
        if (heights.size === options.peerEndpoints.length && Math.min(...heights.values()) >= target) {
            catchUpSeconds = (Date.now() - recovered) / 1000;
            break;
        }
        await sleep(200);
    }
    await sleep(Math.max(0, tailEnd - Date.now()));
    // The stall is measured up to here: after it no client starts a call, and load.stop() waits
    // for calls still running (up to a commit-status deadline), which is not a gap in service.
    const stopAt = Date.now();
    await load.stop();
    const stopSeconds = (Date.now() - stopAt) / 1000;

    const ackedIds = load.acknowledged.map((a) => a.transactionId);
    await consumer.caughtUp(ackedIds, 60_000);
    await consumer.stop();
    const events = eventCheck(consumer.seen, ackedIds);

    const result = await audit(ledger, options.networkDir, options.channel, [
        ...ackedIds,
        ...load.errors.map((e) => e.transactionId).filter((id): id is string => !!id),
    ]);
    const ackedSet = new Set(ackedIds);
    const lost = result.lost.filter((l) => ackedSet.has(l.transactionId));
    // An error's own transaction that is VALID on the peers (absent from `lost`) committed after all.
    const invalidOrAbsent = new Set(result.lost.map((l) => l.transactionId));
    const committedValid = (id: string) => !ackedSet.has(id) && !invalidOrAbsent.has(id);
    const failedButCommitted = load.errors.filter((e) => e.transactionId && committedValid(e.transactionId));
    const firstAck = load.acknowledged
        .map((a) => a.at)
        .filter((at) => at >= recovered)
        .sort((a, b) => a - b)[0];

    return {
        fault: fault.name,
        acknowledged: ackedIds.length,
        lost: new Set(lost.map((l) => l.transactionId)).size,
        lostExamples: lost.slice(0, 5),
        foreignIds: foreignIds(load.acknowledged, load.errors).length,
        failedButCommitted: failedButCommitted.length,
        toldFailedButCommitted: failedButCommitted.filter((e) => !e.commitUnknown).length,
        errorOutcomes: errorOutcomes(load.errors, committedValid),
        duplicated: result.duplicated.length,
        errors: errorsByKind(load.errors),
        errorsAfterRecovery: errorsByKind(load.errors.filter((e) => e.at >= recovered)),
        errorExamples: Object.fromEntries(
            [...new Set(load.errors.map((e) => e.code))].map((code) => [
                code,
                load.errors.find((e) => e.code === code)?.detail ?? '',
            ]),
        ),
        mvccRetries: load.mvccRetries,
        stallSeconds: longestStall(load.acknowledged, faultAt, stopAt),
        firstAckAfterRecoverySeconds: firstAck === undefined ? null : (firstAck - recovered) / 1000,
        catchUpSeconds,
        heightsAgree: result.heightsAgree,
        digestsAgree: result.digestsAgree,
        height: Math.max(...Object.values(result.heights)),
        eventsMissing: events.missing.length,
        eventsRepeated: events.repeated.length,
        consumerRestarts: consumer.restarts,
        injectSeconds: (injected - faultAt) / 1000,
        recoverSeconds: (recovered - recoverStarted) / 1000,
        stopSeconds,
        ...(fault.observed ? { observed: fault.observed } : {}),
        ...(fault.measured ? { measured: fault.measured } : {}),
        acksPerSecond: Array.from(
            { length: Math.ceil((stopAt - faultAt) / 1000) },
            (_, second) => load.acknowledged.filter((a) => Math.floor((a.at - faultAt) / 1000) === second).length,
        ),
        errorsAt: load.errors
            .filter((e) => e.at >= faultAt)
            .map(
                (e) =>
                    `${((e.at - faultAt) / 1000).toFixed(1)} ${e.code}${e.commitUnknown ? ' (commit unknown)' : ''} after ${e.seconds.toFixed(1)} s`,
            ),
        unknownExamples: load.errors
            .filter((e) => e.commitUnknown)
            .slice(0, 3)
            .map((e) => e.detail),
    };
}

/** The hospital's first user that is neither admin nor among the load's first clients. */
function consumerUser(): string {
    const consortium = JSON.parse(readFileSync(path.join(root, 'network', 'consortium.json'), 'utf8')) as {
        orgs: Array<{ org: string; users: Array<{ name: string; role: string }> }>;
    };
    const hospital = consortium.orgs.find((o) => o.org === 'hospital');
    return hospital?.users.filter((u) => u.role !== 'admin').at(-1)?.name ?? 'admin';
}
