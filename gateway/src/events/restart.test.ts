import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadLedgerConfig, openLedger } from '../ledger';

/**
 * The checkpointed consumer survives being killed mid-stream: the `careledger events` CLI,
 * writing to a JSON-lines file that is its own checkpoint, is SIGKILLed while delivering,
 * restarted, and the file ends up with every event exactly once, in commit order.
 */
jest.setTimeout(120_000);

const child = path.join(__dirname, 'fixtures', 'cli-child.js');
const eventCount = 40;

function linesOf(file: string): Array<{ transactionId: string; position: string }> {
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.endsWith('}'))
        .map((line) => JSON.parse(line) as { transactionId: string; position: string });
}

async function until(condition: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

describe('checkpointed event consumer across a kill', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-events-'));
    const out = path.join(dataDir, 'events.jsonl');
    const children: ChildProcess[] = [];
    const committed: string[] = [];

    const consume = () => {
        const process_ = spawn(
            process.execPath,
            [
                child,
                '--user',
                'operator1',
                '--org',
                'manufacturer',
                'events',
                '--from',
                '0',
                '--names',
                'system.',
                '--out',
                out,
                '--max-rate',
                '40',
            ],
            {
                env: { ...process.env, CARELEDGER_LEDGER: 'embedded', CARELEDGER_DATA_DIR: dataDir },
                stdio: ['ignore', 'pipe', 'pipe'],
            },
        );
        children.push(process_);
        // Drained so a chatty child never blocks on a full pipe.
        process_.stdout?.resume();
        process_.stderr?.resume();
        return process_;
    };
    const exited = (process_: ChildProcess) => new Promise((resolve) => process_.once('exit', resolve));

    beforeAll(async () => {
        const ledger = await openLedger({ ...loadLedgerConfig({}), dataDir });
        const session = ledger.connect(await ledger.identities.get('manufacturer', 'operator1'));
        for (let i = 0; i < eventCount; i++) {
            committed.push(
                (await session.submit({ contract: 'system', name: 'Ping', args: [`event ${i}`] })).transactionId,
            );
        }
        await ledger.close();
    });
    afterAll(() => {
        for (const process_ of children) process_.kill('SIGKILL');
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('loses and repeats no event when killed and restarted', async () => {
        const first = consume();
        await until(() => linesOf(out).length >= 10, 60_000);
        first.kill('SIGKILL');
        await exited(first);
        const atKill = linesOf(out).length;
        expect(atKill).toBeLessThan(eventCount);

        const second = consume();
        await until(() => linesOf(out).length >= eventCount, 60_000);
        // Give a repeat, if there were one, time to show up before stopping.
        await new Promise((resolve) => setTimeout(resolve, 300));
        second.kill('SIGTERM');
        await exited(second);

        const delivered = linesOf(out).map((line) => line.transactionId);
        expect(delivered).toEqual(committed);
        expect(new Set(delivered).size).toBe(eventCount);
    });
});
