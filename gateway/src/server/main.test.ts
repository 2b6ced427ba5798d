import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `npm start` as a newcomer meets it: the compiled entry point on a fresh data folder, embedded
 * ledger, demo tokens. A transaction submitted through the API is visible in a read afterwards
 * (the committed chaincode event, replayed from block 0). Needs `npm run build` (npm test does it).
 */
const root = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(root, 'gateway', 'dist', 'server', 'main.js');

describe('npm start (gateway/dist/server/main.js)', () => {
    let child: ChildProcess | undefined;
    let dataDir: string;

    beforeAll(() => {
        if (!fs.existsSync(entry)) {
            throw new Error(`${entry} is missing: run npm run build first`);
        }
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-start-'));
    });

    afterAll(async () => {
        if (child && child.exitCode === null) {
            const exited = new Promise((resolve) => child!.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('serves the API and its documentation, and a submitted transaction is visible afterwards', async () => {
        child = spawn(process.execPath, [entry], {
            cwd: root,
            env: {
                ...process.env,
                CARELEDGER_LEDGER: 'embedded',
                CARELEDGER_DATA_DIR: dataDir,
                CARELEDGER_PORT: '0',
                CARELEDGER_LOG_LEVEL: 'warn',
                CARELEDGER_DEMO_SEED: '0',
            },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        const address = await new Promise<string>((resolve, reject) => {
            let out = '';
            child!.stdout!.on('data', (chunk: Buffer) => {
                out += chunk.toString();
                const match = /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
                if (match && out.includes('demo-tokens.json)')) {
                    resolve(match[1]);
                }
            });
            child!.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child!.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${out}`)));
        });

        const docs = await fetch(`${address}/docs/`);
        expect(docs.status).toBe(200);
        expect(await docs.text()).toContain('swagger');
        const spec = (await (await fetch(`${address}/openapi.json`)).json()) as { openapi: string; paths: object };
        expect(spec.openapi).toMatch(/^3\./);
        expect(Object.keys(spec.paths)).toContain('/system/ping');

        const tokensFile = path.join(dataDir, 'gateway', 'hospital', 'demo-tokens.json');
        const tokens = JSON.parse(fs.readFileSync(tokensFile, 'utf8')) as Record<string, string>;
        const headers = { authorization: `Bearer ${tokens.physician1}`, 'content-type': 'application/json' };

        const ping = await fetch(`${address}/system/ping`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ message: 'first run' }),
        });
        expect(ping.status).toBe(200);
        const { txId } = (await ping.json()) as { txId: string };

        const events = await fetch(`${address}/events?from=0`, { headers });
        expect(events.status).toBe(200);
        const reader = events.body!.getReader();
        let text = '';
        while (!text.includes(txId)) {
            const { value, done } = await reader.read();
            if (done) {
                break;
            }
            text += Buffer.from(value).toString();
        }
        await reader.cancel();
        expect(text).toContain('event: system.Pinged');
        expect(text).toContain(txId);
        expect(text).toContain('first run');
    }, 60_000);
});
