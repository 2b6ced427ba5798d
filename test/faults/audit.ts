import { connect, type Gateway } from '@hyperledger/fabric-gateway';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { Ledger } from '../../gateway/src/ledger';
import { ConnectionPool } from '../../gateway/src/ledger/fabric/connections';
import { readProfiles, type PeerEndpoint } from '../../gateway/src/ledger/fabric/profile';

/**
 * What every peer holds, read from the peer itself: each peer's own deliver service (through
 * its Fabric Gateway) streams its blocks, filtered to each transaction's id and validation
 * code, from block 0 to its height. With `network.sh snapshot`'s digests (Fabric's ledger
 * snapshots at one height on every peer), this is what the fault suite checks after each fault.
 */
export interface PeerLedger {
    peer: string;
    org: string;
    height: number;
    /**
     * Validation code name by transaction id, e.g. VALID, MVCC_READ_CONFLICT: the code of the id's
     * first occurrence, the one Fabric's commit status reports (a later copy of the same signed
     * transaction, ordered again after a broadcast timeout, is invalidated as DUPLICATE_TXID).
     */
    codes: Map<string, string>;
    /** Transaction ids that occur in more than one transaction of the chain (later copies). */
    duplicates: Set<string>;
}

const root = path.resolve(__dirname, '..', '..');
export const networkScript = path.join(root, 'network', 'network.sh');

/** network.sh with `args`; throws with its output when it fails. */
export function network(...args: string[]): string {
    const result = spawnSync('bash', [networkScript, ...args], { cwd: root, encoding: 'utf8' });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) {
        throw new Error(`network.sh ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
    }
    return output;
}

/**
 * network.sh with `args` in a child process, without blocking this process: the load and the
 * consumer running beside a fault keep calling while a node stops or starts (with
 * {@link network}, spawnSync, every client stood still for as long as the verb took, and that
 * time was counted as the network's stall). Rejects with its output when it fails.
 */
export function networkAsync(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn('bash', [networkScript, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (status) =>
            status === 0
                ? resolve(output)
                : reject(new Error(`network.sh ${args.join(' ')} failed (exit ${status}):\n${output}`)),
        );
    });
}

/** Validation code names of peer.TxValidationCode, by number. */
const validationCodes: Record<number, string> = {
    0: 'VALID',
    11: 'MVCC_READ_CONFLICT',
    12: 'PHANTOM_READ_CONFLICT',
    10: 'ENDORSEMENT_POLICY_FAILURE',
    9: 'DUPLICATE_TXID',
};

/** Every peer's blocks, as one org's admin (a channel reader) sees them on that peer. */
export async function readPeerLedgers(ledger: Ledger, networkDir: string, channel: string): Promise<PeerLedger[]> {
    const profiles = await readProfiles(networkDir);
    const pool = new ConnectionPool();
    try {
        const result: PeerLedger[] = [];
        for (const profile of profiles.values()) {
            const admin = await ledger.identities.get(profile.org, 'admin');
            for (const peer of profile.peers) {
                const gateway = connect({
                    client: pool.get(peer),
                    identity: { mspId: admin.mspId, credentials: Buffer.from(admin.certificate) },
                    signer: admin.signer,
                });
                try {
                    result.push({ peer: peer.name, org: profile.org, ...(await readBlocks(gateway, channel, peer)) });
                } finally {
                    gateway.close();
                }
            }
        }
        return result;
    } finally {
        pool.close();
    }
}

async function readBlocks(
    gateway: Gateway,
    channel: string,
    peer: PeerEndpoint,
): Promise<{ height: number; codes: Map<string, string>; duplicates: Set<string> }> {
    const network = gateway.getNetwork(channel);
    // The height first (qscc on this peer), then the blocks up to it.
    const height = await peerHeight(peer);
    const codes = new Map<string, string>();
    const duplicates = new Set<string>();
    const blocks = await network.getFilteredBlockEvents({ startBlock: 0n });
    try {
        for await (const block of blocks) {
            for (const tx of block.getFilteredTransactionsList()) {
                const code = tx.getTxValidationCode();
                if (codes.has(tx.getTxid())) {
                    duplicates.add(tx.getTxid());
                } else {
                    codes.set(tx.getTxid(), validationCodes[code] ?? `code ${code}`);
                }
            }
            if (block.getNumber() >= height - 1) {
                break;
            }
        }
    } finally {
        blocks.close();
    }
    return { height, codes, duplicates };
}

/** A peer's block height from its operations endpoint (Prometheus metric ledger_blockchain_height). */
export async function peerHeight(peer: Pick<PeerEndpoint, 'endpoint'>): Promise<number> {
    const heights = await peerHeights([peer.endpoint]);
    const height = heights.get(peer.endpoint);
    if (height === undefined) {
        throw new Error(`no ledger_blockchain_height from the peer at ${peer.endpoint}`);
    }
    return height;
}

/** Block heights of the peers at `endpoints` (gRPC host:port; operations port = +4), skipping those that do not answer. */
export async function peerHeights(endpoints: readonly string[]): Promise<Map<string, number>> {
    const heights = new Map<string, number>();
    await Promise.all(
        endpoints.map(async (endpoint) => {
            const [host, port] = endpoint.split(':');
            try {
                const response = await fetch(`http://${host}:${Number(port) + 4}/metrics`, {
                    signal: AbortSignal.timeout(2_000),
                });
                const text = await response.text();
                const match = /^ledger_blockchain_height\{channel="[^"]+"\} (\d+)/m.exec(text);
                if (match) {
                    heights.set(endpoint, Number(match[1]));
                }
            } catch {
                // not answering: no height
            }
        }),
    );
    return heights;
}

/** `network.sh snapshot`: per peer its height and the digest of its ledger snapshot. */
export function snapshotDigests(): Array<{ peer: string; height: number; digest: string }> {
    return network('snapshot')
        .split('\n')
        .map((line) => /^(\S+) (\d+) ([0-9a-f]{64})$/.exec(line.trim()))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => ({ peer: match[1], height: Number(match[2]), digest: match[3] }));
}

export interface AuditResult {
    /** Acknowledged transactions that some peer does not hold as VALID. */
    lost: Array<{ transactionId: string; peer: string; code: string }>;
    /** Audited transaction ids ordered more than once (on any peer; the later copies are invalid). */
    duplicated: string[];
    heights: Record<string, number>;
    digests: Record<string, string>;
    heightsAgree: boolean;
    digestsAgree: boolean;
}

/** Every acknowledged transaction VALID on every peer; heights and snapshot digests equal. */
export async function audit(
    ledger: Ledger,
    networkDir: string,
    channel: string,
    acknowledged: readonly string[],
): Promise<AuditResult> {
    const snapshots = snapshotDigests();
    const peers = await readPeerLedgers(ledger, networkDir, channel);
    const lost: AuditResult['lost'] = [];
    for (const peer of peers) {
        for (const transactionId of acknowledged) {
            const code = peer.codes.get(transactionId) ?? 'ABSENT';
            if (code !== 'VALID') {
                lost.push({ transactionId, peer: peer.peer, code });
            }
        }
    }
    const audited = new Set(acknowledged);
    const duplicated = [...new Set(peers.flatMap((p) => [...p.duplicates]))].filter((id) => audited.has(id));
    const heights = Object.fromEntries(peers.map((p) => [p.peer, p.height]));
    const digests = Object.fromEntries(snapshots.map((s) => [s.peer, s.digest]));
    return {
        lost,
        duplicated,
        heights,
        digests,
        heightsAgree: new Set(Object.values(heights)).size === 1,
        digestsAgree: snapshots.length === peers.length && new Set(Object.values(digests)).size === 1,
    };
}
