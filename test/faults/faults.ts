import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { networkAsync } from './audit';

/**
 * The faults, each injected and recovered only through network/network.sh (the verbs an
 * operator uses) or, for the disk faults, the file system. Node names and ports come from
 * network/consortium.json and the port plan in network/scripts/env.sh. The verbs run in a child
 * process without blocking this one (networkAsync), so the load keeps calling meanwhile.
 */
export interface Fault {
    name: string;
    /** Before the load starts (not timed): e.g. moving a peer's ledger onto a small file system. */
    prepare?(): Promise<void>;
    inject(): Promise<void>;
    recover(): Promise<void>;
    /** After the fault's audit (not timed): undo what `prepare` did. Always called. */
    cleanup?(): Promise<void>;
    /** What happened, in words (e.g. how the peer failed). */
    observed?: string[];
    /** What the fault measured itself, e.g. seconds from the fault to a new Raft leader. */
    measured?: Record<string, number | null>;
}

const root = path.resolve(__dirname, '..', '..');
const consortium = JSON.parse(readFileSync(path.join(root, 'network', 'consortium.json'), 'utf8')) as {
    ordererOrg: { domain: string; orderers: number };
};
const portBase = () => Number(process.env.CARELEDGER_PORT_BASE ?? 7000);
const ordererName = (i: number) => `orderer${i}.${consortium.ordererOrg.domain}`;
const dataDir = () => process.env.CARELEDGER_NETWORK_DATA_DIR ?? path.join(root, 'network', 'data');
const logDir = () => process.env.CARELEDGER_NETWORK_LOG_DIR ?? path.join(root, 'network', 'logs');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The index of the Raft leader of the channel (other than `except`), from the orderers'
 * consensus metrics, asked in parallel.
 */
export async function raftLeader(channel: string, except?: number): Promise<number> {
    const isLeader = new RegExp(`^consensus_etcdraft_is_leader\\{channel="${channel}"\\} 1$`, 'm');
    const answers = await Promise.all(
        Array.from({ length: consortium.ordererOrg.orderers }, async (_, i) => {
            if (i === except) {
                return false;
            }
            try {
                const response = await fetch(`http://127.0.0.1:${portBase() + 104 + 10 * i}/metrics`, {
                    signal: AbortSignal.timeout(2_000),
                });
                return isLeader.test(await response.text());
            } catch {
                return false; // a stopped orderer: not the leader
            }
        }),
    );
    const leader = answers.indexOf(true);
    if (leader < 0) {
        throw new Error('no Raft leader found');
    }
    return leader;
}

const stopStart = (name: string, node: () => Promise<string> | string, how: 'stop' | 'kill' = 'stop'): Fault => {
    let target = '';
    let down = false;
    return {
        name,
        async inject() {
            target = await node();
            await networkAsync(how, target);
            down = true;
        },
        async recover() {
            if (down) {
                await networkAsync('start', target);
                down = false;
            }
        },
    };
};

/**
 * The Raft leader stopped (or killed): also measures `newLeaderSeconds`, from the fault until
 * another orderer reports itself leader in its metrics (polled every 100 ms), to tell the time
 * Raft takes to elect from the time transactions still wait after that.
 */
function raftLeaderLost(name: string, channel: string, how: 'stop' | 'kill'): Fault {
    let target = '';
    let down = false;
    const measured: Record<string, number | null> = {};
    return {
        name,
        measured,
        async inject() {
            const faultAt = Date.now();
            const leader = await raftLeader(channel);
            target = ordererName(leader);
            // The verb's child process needs a while (seconds on the loaded machine) before it
            // signals the orderer; `verbSeconds` says when it returned.
            const verb = networkAsync(how, target).then(() => {
                down = true;
                measured.verbSeconds = (Date.now() - faultAt) / 1000;
            });
            measured.leaderGoneSeconds = null;
            measured.newLeaderSeconds = null;
            while (Date.now() - faultAt < 30_000) {
                if (measured.leaderGoneSeconds === null && !running(target)) {
                    measured.leaderGoneSeconds = (Date.now() - faultAt) / 1000;
                }
                const elected = await raftLeader(channel, leader).catch(() => undefined);
                if (elected !== undefined) {
                    measured.newLeaderSeconds = (Date.now() - faultAt) / 1000;
                    break;
                }
                await sleep(50);
            }
            await verb;
        },
        async recover() {
            if (down) {
                await networkAsync('start', target);
                down = false;
            }
        },
    };
}

export function faults(channel: string): Fault[] {
    return [
        stopStart('orderer follower stopped', async () => {
            const leader = await raftLeader(channel);
            return ordererName((leader + 1) % consortium.ordererOrg.orderers);
        }),
        raftLeaderLost('orderer leader stopped', channel, 'stop'),
        // SIGKILL: the leader is gone at once (no drain), so the stall is Raft's and the cluster's alone.
        raftLeaderLost('orderer leader kill -9', channel, 'kill'),
        stopStart('gateway peer stopped', () => 'peer0.hospital.careledger.local'),
        stopStart('chaincode server kill -9', () => 'chaincode.peer0.hospital.careledger.local', 'kill'),
        stopStart('whole network stopped (SIGTERM)', () => 'all'),
        stopStart('whole network kill -9', () => 'all', 'kill'),
        readOnlyLedger('peer0.distributor.careledger.local'),
        fullLedgerDisk('peer0.hospital.careledger.local'),
    ];
}

/**
 * One peer's ledger directory becomes read-only (a read-only bind mount over it: the kernel
 * refuses writes even to root, as a failed or full disk would refuse them) and the peer is
 * restarted on it; what the peer does is recorded in `observed`. Recovery: the directory is
 * writable again and the peer started. Needs CAP_SYS_ADMIN (mount); the mount is always undone.
 */
function readOnlyLedger(peer: string): Fault {
    const ledgers = () => path.join(dataDir(), peer, 'ledgersData');
    const observed: string[] = [];
    let mounted = false;
    return {
        name: `ledger directory of ${peer.split('.')[1]}'s peer read-only, peer restarted on it`,
        observed,
        async inject() {
            execFileSync('mount', ['--bind', ledgers(), ledgers()]);
            mounted = true;
            execFileSync('mount', ['-o', 'remount,ro,bind', ledgers()]);
            await networkAsync('stop', peer);
            try {
                await networkAsync('start', peer);
                observed.push('the peer started on a read-only ledger directory');
            } catch (error) {
                const lines = String((error as Error).message).split('\n');
                observed.push(`the peer refused to start: ${lines.find((l) => /read-only|ERROR/.test(l)) ?? lines[0]}`);
            }
        },
        async recover() {
            if (mounted) {
                execFileSync('umount', [ledgers()]);
                mounted = false;
            }
            if (!running(peer)) {
                await networkAsync('start', peer);
            }
        },
    };
}

/**
 * One running peer's ledger file system fills up. Before the load, the peer's ledger directory
 * is moved onto a file system of its own (a tmpfs with 64 MiB to spare; stop, copy, mount, copy
 * in, start). The fault: a filler file takes every free byte while the peer commits under load.
 * What the peer then does (keeps running, or exits, and the last lines it logged) is recorded
 * in `observed`, with `peerExitedSeconds`. Recovery: the filler is deleted (space returns) and
 * the peer started if it is not running; it catches up from the other peers and the orderers.
 * Cleanup, after the audit: the ledger is copied back to the disk and the tmpfs unmounted.
 * Needs CAP_SYS_ADMIN (mount); the mount is always undone.
 */
function fullLedgerDisk(peer: string): Fault {
    const ledgers = () => path.join(dataDir(), peer, 'ledgersData');
    const filler = () => path.join(ledgers(), 'careledger-disk-filler');
    const observed: string[] = [];
    const measured: Record<string, number | null> = {};
    let mounted = false;
    const logLines = () => {
        const log = path.join(logDir(), `${peer}.log`);
        return existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
    };
    return {
        name: `ledger file system of ${peer.split('.')[1]}'s peer full under load`,
        observed,
        measured,
        async prepare() {
            await networkAsync('stop', peer);
            const saved = `${ledgers()}.on-disk`;
            rmSync(saved, { recursive: true, force: true });
            execFileSync('cp', ['-a', ledgers(), saved]);
            const usedKiB = Number(execFileSync('du', ['-sk', ledgers()], { encoding: 'utf8' }).split(/\s/)[0]);
            execFileSync('mount', [
                '-t',
                'tmpfs',
                '-o',
                `size=${usedKiB + 64 * 1024}k`,
                'careledger-ledger',
                ledgers(),
            ]);
            mounted = true;
            execFileSync('cp', ['-a', `${saved}/.`, ledgers()]);
            rmSync(saved, { recursive: true, force: true });
            await networkAsync('start', peer);
        },
        async inject() {
            const faultAt = Date.now();
            const logged = logLines().length;
            // dd stops at ENOSPC (exit 1): the file system is full.
            try {
                execFileSync('dd', ['if=/dev/zero', `of=${filler()}`, 'bs=1M'], { stdio: 'ignore' });
            } catch {
                // expected: No space left on device
            }
            observed.push(`filler ${Math.round(statSync(filler()).size / 1048576)} MiB; file system full`);
            measured.peerExitedSeconds = null;
            while (Date.now() - faultAt < 8_000) {
                if (!running(peer)) {
                    measured.peerExitedSeconds = (Date.now() - faultAt) / 1000;
                    break;
                }
                await sleep(200);
            }
            const said = logLines()
                .slice(logged)
                .filter((l) => /panic|PANI|ERRO|no space|ENOSPC/i.test(l));
            observed.push(
                measured.peerExitedSeconds === null
                    ? 'the peer kept running on the full file system'
                    : `the peer exited ${measured.peerExitedSeconds} s after the disk filled`,
                ...said.slice(0, 3).map((l) => `log: ${l.slice(0, 400)}`),
            );
        },
        async recover() {
            rmSync(filler(), { force: true });
            if (!running(peer)) {
                await networkAsync('start', peer);
            }
        },
        async cleanup() {
            rmSync(filler(), { force: true });
            if (!mounted) {
                return;
            }
            await networkAsync('stop', peer).catch(() => undefined);
            const saved = `${ledgers()}.from-tmpfs`;
            rmSync(saved, { recursive: true, force: true });
            execFileSync('cp', ['-a', ledgers(), saved]);
            execFileSync('umount', [ledgers()]);
            mounted = false;
            rmSync(ledgers(), { recursive: true, force: true });
            execFileSync('mv', [saved, ledgers()]);
            await networkAsync('start', peer);
        },
    };
}

/**
 * Whether the process network.sh recorded for `node` (network/.pids/NODE.pid: pid and start
 * time) still runs. Read here rather than with `network.sh status`, which would block the load
 * each time it is polled.
 */
function running(node: string): boolean {
    const file = path.join(root, 'network', '.pids', `${node}.pid`);
    if (!existsSync(file)) {
        return false;
    }
    const pid = Number(readFileSync(file, 'utf8').split(' ')[0]);
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    // A zombie (exited, not yet reaped) is not running.
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    return !/^\d+ \(.*\) Z /.test(stat);
}
