import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `npm start` as a new user runs it: the compiled entry point (npm test builds first) with no
 * configuration but a fresh data folder and a free port, its output captured — the banner
 * and the JSON log lines.
 */
export const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'gateway', 'dist', 'server', 'main.js');

export interface StartedDefault {
    address: string;
    port: string;
    dataDir: string;
    banner: string;
    /** Everything written to stdout and stderr so far. */
    output(): string;
    /** The JSON log lines so far. */
    logs(): Array<Record<string, unknown>>;
    stop(): Promise<void>;
}

export async function startDefault(env: Record<string, string> = {}): Promise<StartedDefault> {
    if (!fs.existsSync(entry)) {
        throw new Error(`${entry} is missing: run npm run build first`);
    }
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-default-'));
    const child: ChildProcess = spawn(process.execPath, [entry], {
        cwd: root,
        env: {
            ...withoutCareLedgerSettings(process.env),
            CARELEDGER_DATA_DIR: dataDir,
            CARELEDGER_PORT: '0',
            ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const address = await new Promise<string>((resolve, reject) => {
        const check = () => {
            const match = /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
            if (match && /demo-tokens\.json\)\n\n/.test(out)) {
                resolve(match[1]);
            }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${out}`)));
    });
    const bannerStart = out.indexOf('\nCareLedger gateway');
    const banner = out.slice(bannerStart, out.indexOf('demo-tokens.json)\n', bannerStart) + 18);
    return {
        address,
        port: new URL(address).port,
        dataDir,
        banner,
        output: () => out,
        logs: () =>
            out
                .split('\n')
                .filter((line) => line.startsWith('{'))
                .map((line) => JSON.parse(line) as Record<string, unknown>),
        async stop() {
            if (child.exitCode === null) {
                const exited = new Promise((resolve) => child.once('exit', resolve));
                child.kill('SIGTERM');
                await exited;
            }
            fs.rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

/** The environment without CARELEDGER_* settings, as a new user's shell has it. */
export function withoutCareLedgerSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('CARELEDGER_')));
}
