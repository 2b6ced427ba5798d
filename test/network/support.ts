import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
    loadLedgerConfig,
    openLedger,
    type EventStream,
    type Ledger,
    type LedgerEvent,
} from '../../gateway/src/ledger';

/**
 * Helpers of the network-only tests. They run against the Fabric network that test/run.js
 * brings up (`network.sh restart`) with CARELEDGER_LEDGER=fabric; they drive the network
 * itself through network/network.sh.
 */
export const root = path.resolve(__dirname, '..', '..');
export const networkScript = path.join(root, 'network', 'network.sh');

export interface ConsortiumOrg {
    org: string;
    mspId: string;
    domain: string;
    peers: number;
    users: Array<{ name: string; role: string; id: string }>;
}

export const consortium = JSON.parse(readFileSync(path.join(root, 'network', 'consortium.json'), 'utf8')) as {
    channel: string;
    chaincode: string;
    orgs: ConsortiumOrg[];
    addableOrgs: ConsortiumOrg[];
};

/** The ledger these tests use: the one `npm test` configures, which must be the Fabric one. */
export async function openNetworkLedger(): Promise<Ledger> {
    const config = loadLedgerConfig();
    if (config.kind !== 'fabric') {
        throw new Error(
            'test/network needs the Fabric network: run `npm test`, or set CARELEDGER_LEDGER=fabric with the network up',
        );
    }
    return openLedger(config);
}

/** Runs network.sh with `args`; throws with its output when it fails. */
export function network(...args: string[]): string {
    const result = spawnSync('bash', [networkScript, ...args], { cwd: root, encoding: 'utf8' });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) {
        throw new Error(`network.sh ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
    }
    return output;
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
export const json = <T = Record<string, unknown>>(bytes: Uint8Array): T => JSON.parse(text(bytes)) as T;

/**
 * The next event of `stream` that `matches`, or a rejection after `timeoutMs`. Reads the
 * stream's iterator directly (a for-await loop would close the stream when it returns), so
 * a test can wait for several events in turn. The timeout only stops a test that would
 * otherwise hang; it is not a performance assertion.
 */
export async function nextEvent(
    stream: EventStream,
    matches: (event: LedgerEvent) => boolean,
    timeoutMs = 30_000,
): Promise<LedgerEvent> {
    const iterator = stream[Symbol.asyncIterator]();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms`)), timeoutMs);
    });
    const search = (async () => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            if (matches(next.value)) {
                return next.value;
            }
        }
        throw new Error('event stream ended without a matching event');
    })();
    try {
        return await Promise.race([search, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** A message unique to this run, valid for system:Ping (letters, digits, spaces, `.`, `_`, `-`). */
export function pingMessage(label: string): string {
    return `${label} ${process.pid}-${Date.now().toString(36)}`.slice(0, 64);
}
