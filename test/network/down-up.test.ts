import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import * as path from 'node:path';
import { json, network, openNetworkLedger, pingMessage, root } from './support';

/**
 * `network.sh down` stops exactly the processes `up` started and removes every generated
 * folder; a network brought up again afterwards works. The network is left up and ready, as
 * the other test files expect it.
 */
jest.setTimeout(300_000);

const networkDir = path.join(root, 'network');
const pidDir = path.join(networkDir, '.pids');
const generated = ['organizations', 'data', 'logs', 'run', 'channel-artifacts', 'packages', '.pids'];

interface Recorded {
    name: string;
    pid: number;
    started: string;
}

/** The processes network.sh recorded: pid and start time, as `ps -o lstart` prints it. */
function recordedProcesses(): Recorded[] {
    return readdirSync(pidDir)
        .filter((file) => file.endsWith('.pid'))
        .map((file) => {
            const [pid, started] = readFileSync(path.join(pidDir, file), 'utf8').trim().split(' ');
            return { name: file.replace(/\.pid$/, ''), pid: Number(pid), started };
        });
}

/** True while the very process that was recorded runs (a recycled pid has another start time). */
function stillRunning({ pid, started }: Recorded): boolean {
    const result = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' });
    return result.status === 0 && result.stdout.trim().replace(/\s+/g, '_') === started;
}

function listening(endpoint: string): Promise<boolean> {
    const [host, port] = endpoint.split(':');
    return new Promise((resolve) => {
        const socket = createConnection({ host, port: Number(port) });
        socket.once('connect', () => {
            socket.destroy();
            resolve(true);
        });
        socket.once('error', () => resolve(false));
    });
}

function peerEndpoints(): string[] {
    const orgsDir = path.join(networkDir, 'organizations', 'peerOrganizations');
    return readdirSync(orgsDir).flatMap((domain) => {
        const profile = JSON.parse(readFileSync(path.join(orgsDir, domain, 'connection.json'), 'utf8')) as {
            peers: Array<{ endpoint: string }>;
        };
        return profile.peers.map((peer) => peer.endpoint);
    });
}

test('down leaves none of our processes and no state behind, and the network comes up again', async () => {
    const processes = recordedProcesses();
    expect(processes.map((p) => p.name)).toEqual(
        expect.arrayContaining(['ca.hospital', 'orderer0.orderer.careledger.local', 'peer0.hospital.careledger.local']),
    );
    expect(processes.filter(stillRunning).length).toBe(processes.length);
    const endpoints = peerEndpoints();

    network('down');

    expect(processes.filter(stillRunning).map((p) => p.name)).toEqual([]);
    expect(generated.filter((folder) => existsSync(path.join(networkDir, folder)))).toEqual([]);
    const stillListening = [];
    for (const endpoint of endpoints) {
        if (await listening(endpoint)) {
            stillListening.push(endpoint);
        }
    }
    expect(stillListening).toEqual([]);
    expect(network('status')).toContain('the network is not running');

    network('up', 'createChannel', 'deployCC');

    const ledger = await openNetworkLedger();
    try {
        const session = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
        const message = pingMessage('after down and up');
        const submitted = await session.submit({ contract: 'system', name: 'Ping', args: [message] });
        expect(json(submitted.result)).toMatchObject({ message, mspId: 'HospitalMSP' });
    } finally {
        await ledger.close();
    }
});
