import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nowMs } from './recorder';
import { networkProcesses } from './resources';

/** The benchmark's view of network/network.sh: verbs, timing, and the settings in force. */
export const FloorChaincode = {
    name: 'careledger-bench',
    path: 'bench/chaincode',
    /** A query every peer answers once it runs the floor (Get of a missing key is empty). */
    ready: '{"Args":["floor:Get","ready"]}',
} as const;

export class NetworkScript {
    readonly script: string;
    readonly pidDir: string;

    constructor(
        readonly root: string,
        private readonly logFile: string,
    ) {
        this.script = path.join(root, 'network', 'network.sh');
        this.pidDir = path.join(root, 'network', '.pids');
    }

    running(): boolean {
        return networkProcesses(this.pidDir).length > 0;
    }

    floorDeployed(): boolean {
        return existsSync(path.join(this.root, 'network', 'run', `chaincode-${FloorChaincode.name}.env`));
    }

    /** Runs `network.sh ...verbs`, its output appended to the log; seconds it took. Fails with the log's tail. */
    async run(...verbs: string[]): Promise<number> {
        const started = nowMs();
        const log = createWriteStream(this.logFile, { flags: 'a' });
        log.write(`\n$ network.sh ${verbs.join(' ')}\n`);
        const code = await new Promise<number>((resolve, reject) => {
            const child = spawn('bash', [this.script, ...verbs], { cwd: this.root, stdio: ['ignore', 'pipe', 'pipe'] });
            child.stdout.pipe(log, { end: false });
            child.stderr.pipe(log, { end: false });
            child.on('error', reject);
            child.on('close', (status) => resolve(status ?? 1));
        });
        await new Promise((resolve) => log.end(resolve));
        if (code !== 0) {
            const tail = readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n');
            throw new Error(`network.sh ${verbs.join(' ')} failed (exit ${code}):\n${tail}`);
        }
        return (nowMs() - started) / 1000;
    }

    deployFloor(): Promise<number> {
        return this.run(
            'deployCC',
            '--name',
            FloorChaincode.name,
            '--path',
            FloorChaincode.path,
            '--ready',
            FloorChaincode.ready,
        );
    }

    /** The settings network.sh uses (its defaults, or the environment's), and the Fabric version. */
    settings(): { settings: Record<string, string>; fabricVersion?: string } {
        const names = [
            'BATCH_TIMEOUT',
            'BATCH_MAX_MESSAGES',
            'GATEWAY_CONCURRENCY',
            'LOG_LEVEL',
            'CHAINCODE_LOG_LEVEL',
            'CHAINCODE_TLS',
            'ORDERER_TYPE',
            'GOGC_TARGET',
            'PEER_MEMORY_LIMIT',
            'ORDERER_MEMORY_LIMIT',
            'CHAINCODE_NODE_OPTIONS',
        ];
        const probe = spawnSync(
            'bash',
            [
                '-c',
                `source network/scripts/env.sh >/dev/null 2>&1; ${names.map((name) => `echo "${name}=$${name}"`).join('; ')}; ` +
                    `find_fabric >/dev/null 2>&1 && echo "FABRIC_VERSION=$FABRIC_VERSION"; true`,
            ],
            { cwd: this.root, encoding: 'utf8' },
        );
        const settings: Record<string, string> = {};
        let fabricVersion: string | undefined;
        for (const line of probe.stdout.split('\n')) {
            const eq = line.indexOf('=');
            if (eq <= 0) continue;
            const [name, value] = [line.slice(0, eq), line.slice(eq + 1)];
            if (name === 'FABRIC_VERSION') fabricVersion = value;
            else settings[name] = value;
        }
        return { settings, fabricVersion };
    }
}
