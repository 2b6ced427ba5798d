import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { network } from './audit';

/**
 * The faults, each injected and recovered only through network/network.sh (the verbs an
 * operator uses) or, for the disk fault, the file system. Node names and ports come from
 * network/consortium.json and the port plan in network/scripts/env.sh.
 */
export interface Fault {
    name: string;
    inject(): Promise<void>;
    recover(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');
const consortium = JSON.parse(readFileSync(path.join(root, 'network', 'consortium.json'), 'utf8')) as {
    ordererOrg: { domain: string; orderers: number };
};
const portBase = () => Number(process.env.CARELEDGER_PORT_BASE ?? 7000);
const ordererName = (i: number) => `orderer${i}.${consortium.ordererOrg.domain}`;
const dataDir = () => process.env.CARELEDGER_NETWORK_DATA_DIR ?? path.join(root, 'network', 'data');

/** The index of the Raft leader of the channel, from each orderer's consensus metrics. */
export async function raftLeader(channel: string): Promise<number> {
    for (let i = 0; i < consortium.ordererOrg.orderers; i++) {
        try {
            const response = await fetch(`http://127.0.0.1:${portBase() + 104 + 10 * i}/metrics`, {
                signal: AbortSignal.timeout(2_000),
            });
            const text = await response.text();
            if (new RegExp(`^consensus_etcdraft_is_leader\\{channel="${channel}"\\} 1$`, 'm').test(text)) {
                return i;
            }
        } catch {
            // a stopped orderer: not the leader
        }
    }
    throw new Error('no Raft leader found');
}

const stopStart = (name: string, node: () => Promise<string> | string, how: 'stop' | 'kill' = 'stop'): Fault => {
    let target = '';
    let down = false;
    return {
        name,
        async inject() {
            target = await node();
            network(how, target);
            down = true;
        },
        async recover() {
            if (down) {
                network('start', target);
                down = false;
            }
        },
    };
};

export function faults(channel: string): Fault[] {
    return [
        stopStart('orderer follower stopped', async () => {
            const leader = await raftLeader(channel);
            return ordererName((leader + 1) % consortium.ordererOrg.orderers);
        }),
        stopStart('orderer leader stopped', async () => ordererName(await raftLeader(channel))),
        // SIGKILL: the leader is gone at once (no drain), so the stall is Raft's and the cluster's alone.
        stopStart('orderer leader kill -9', async () => ordererName(await raftLeader(channel)), 'kill'),
        stopStart('gateway peer stopped', () => 'peer0.hospital.careledger.local'),
        stopStart('chaincode server kill -9', () => 'chaincode.peer0.hospital.careledger.local', 'kill'),
        stopStart('whole network stopped (SIGTERM)', () => 'all'),
        stopStart('whole network kill -9', () => 'all', 'kill'),
        readOnlyLedger('peer0.distributor.careledger.local'),
    ];
}

/**
 * One peer's ledger directory becomes read-only (a read-only bind mount over it: the kernel
 * refuses writes even to root, as a failed or full disk would refuse them) and the peer is
 * restarted on it; what the peer does is recorded in `observed`. Recovery: the directory is
 * writable again and the peer started. Needs CAP_SYS_ADMIN (mount); the mount is always undone.
 */
function readOnlyLedger(peer: string): Fault & { observed: string[] } {
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
            network('stop', peer);
            try {
                network('start', peer);
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
                network('start', peer);
            }
        },
    };
}

function running(node: string): boolean {
    return network('status')
        .split('\n')
        .some((line) => line.startsWith(`${node} `) && /\s\d+\s+\d+\s*$/.test(line));
}
