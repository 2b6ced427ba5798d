import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadLedgerConfig } from '../config';
import type { Ledger } from '../ledger';
import { openEmbeddedLedger } from './index';
import { LevelStore } from './store';
import { WorldState } from './world-state';

const child = path.join(__dirname, 'fixtures', 'ledger-child.js');
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

interface Committed {
    txId: string;
    blockNumber: number;
    name: string;
}

/** Runs the writer process until it dies (or `killAfter` submits were acknowledged, then SIGKILLs it). */
function runWriter(
    dataDir: string,
    args: string[],
    killAfter?: number,
): Promise<{ signal: NodeJS.Signals | null; committed: Committed[] }> {
    return new Promise((resolve, reject) => {
        const writer = spawn(process.execPath, [child, dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        const committed: Committed[] = [];
        let buffered = '';
        let stderr = '';
        const deadline = setTimeout(() => writer.kill('SIGKILL'), 60_000);
        writer.stdout.on('data', (chunk: Buffer) => {
            buffered += chunk.toString();
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) {
                const [word, txId, blockNumber, name] = line.split(' ');
                if (word === 'committed') {
                    committed.push({ txId, blockNumber: Number(blockNumber), name });
                }
            }
            if (killAfter !== undefined && committed.length >= killAfter) {
                writer.kill('SIGKILL');
            }
        });
        writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        writer.on('error', reject);
        writer.on('exit', (code, signal) => {
            clearTimeout(deadline);
            if (code !== null && code !== 0) {
                reject(new Error(`writer exited with ${code}: ${stderr}`));
            } else {
                resolve({ signal, committed });
            }
        });
    });
}

/** Reads the store as it is on disk: the persisted state must equal the state rebuilt from the blocks. */
async function expectStateDerivedFromBlocks(dataDir: string): Promise<number> {
    const store = await LevelStore.open(path.join(dataDir, 'ledger'));
    try {
        const persisted = new WorldState();
        const height = await store.loadState(persisted);
        expect(height).toBe(store.blockCount);
        const rebuilt = new WorldState();
        for (let number = 0; number < store.blockCount; number++) {
            rebuilt.apply(await store.getBlock(number));
        }
        expect([...persisted.public.entries()]).toEqual([...rebuilt.public.entries()]);
        for (const [key] of rebuilt.public.entries()) {
            expect(persisted.history(key)).toEqual(rebuilt.history(key));
        }
        return store.blockCount;
    } finally {
        await store.close();
    }
}

describe('embedded ledger persistence', () => {
    let dataDir: string;
    let ledger: Ledger | undefined;
    beforeEach(() => {
        dataDir = mkdtempSync(path.join(tmpdir(), 'careledger-embedded-'));
    });
    afterEach(async () => {
        await ledger?.close();
        ledger = undefined;
        rmSync(dataDir, { recursive: true, force: true });
    });

    const open = async () => {
        ledger = await openEmbeddedLedger({ ...loadLedgerConfig({}), dataDir });
        return ledger;
    };
    const beatsOf = async (opened: Ledger, name: string) => {
        const session = opened.connect(await opened.identities.get('regulator', 'inspector1'));
        return JSON.parse(
            text(await session.evaluate({ contract: 'system', name: 'BeatHistory', args: ['crash', name] })),
        ) as Array<{
            txId: string;
            count: number;
        }>;
    };

    it('keeps blocks, state, history and identities across a restart', async () => {
        const first = await open();
        const operator = await first.identities.get('manufacturer', 'operator1');
        const session = first.connect(operator);
        const one = await session.submit({ contract: 'system', name: 'Beat', args: ['crash', 'n'] });
        const two = await session.submit({ contract: 'system', name: 'Beat', args: ['crash', 'n'] });
        await first.close();
        ledger = undefined;

        const reopened = await open();
        expect((await reopened.identities.get('manufacturer', 'operator1')).certificate).toBe(operator.certificate);
        expect((await beatsOf(reopened, 'n')).map((beat) => [beat.txId, beat.count])).toEqual([
            [two.transactionId, 2],
            [one.transactionId, 1],
        ]);
        const three = await reopened.connect(await reopened.identities.get('manufacturer', 'operator1')).submit({
            contract: 'system',
            name: 'Beat',
            args: ['crash', 'n'],
        });
        expect(three.blockNumber).toBe(two.blockNumber + 1n);
        const stream = await reopened.connect(operator).events({ from: { blockNumber: one.blockNumber } });
        const replayed: string[] = [];
        for await (const event of stream) {
            replayed.push(event.transactionId);
            if (replayed.length === 3) {
                break;
            }
        }
        expect(replayed).toEqual([one.transactionId, two.transactionId, three.transactionId]);
    }, 30_000);

    // Opening a ledger on disk fsyncs its genesis block: on a busy shared disk that alone can take seconds.
    it('stores private keys readable by the owner only', async () => {
        await open();
        const mode = statSync(path.join(dataDir, 'identities', 'hospital', 'physician1', 'key.pem')).mode & 0o777;
        expect(mode).toBe(0o600);
        expect(statSync(path.join(dataDir, 'identities', 'hospital', 'ca', 'key.pem')).mode & 0o777).toBe(0o600);
    }, 30_000);

    // A crash at every step of block 3's commit (engine.ts CommitStep). Its one transaction (the
    // third beat, name n2) was never acknowledged in any case: before the block write it is gone,
    // after it (the fsynced commit point) it is kept; the state always equals the blocks' replay.
    it.each([
        ['before-block-write', { blocks: 3, stateHeight: 3, n2Beats: 0 }],
        ['after-block-write', { blocks: 4, stateHeight: 3, n2Beats: 1 }],
        ['after-state-commit', { blocks: 4, stateHeight: 4, n2Beats: 1 }],
    ])(
        'recovers from a kill -9 at step %s of a block write',
        async (step, expected) => {
            const { signal, committed } = await runWriter(dataDir, ['kill-at', step, '3']);
            expect(signal).toBe('SIGKILL');
            expect(committed.map((c) => c.blockNumber)).toEqual([1, 2]);
            const store = await LevelStore.open(path.join(dataDir, 'ledger'));
            const stateHeight = await store.loadState(new WorldState());
            expect([stateHeight, store.blockCount]).toEqual([expected.stateHeight, expected.blocks]);
            await store.close();

            const reopened = await open();
            const acknowledged = new Set<string>();
            for (const name of ['n0', 'n1']) {
                (await beatsOf(reopened, name)).forEach((beat) => acknowledged.add(beat.txId));
            }
            expect(committed.filter((c) => !acknowledged.has(c.txId))).toEqual([]);
            const beats = await beatsOf(reopened, 'n2');
            expect(beats).toHaveLength(expected.n2Beats);
            await reopened.close();
            ledger = undefined;
            expect(await expectStateDerivedFromBlocks(dataDir)).toBe(expected.blocks);
        },
        90_000,
    );

    it('fsyncs each block before it is acknowledged (power loss), and only the block', async () => {
        const store = await LevelStore.open(path.join(dataDir, 'ledger'));
        const db = (store as unknown as { db: { put: (...args: unknown[]) => Promise<void> } }).db;
        const puts: unknown[][] = [];
        const put = db.put.bind(db);
        db.put = async (...args: unknown[]) => {
            puts.push(args);
            return put(...args);
        };
        try {
            await store.appendBlock({ number: 0, previousHash: '', transactions: [], validation: [] }, {});
            expect(puts).toHaveLength(1);
            expect(puts[0][2]).toMatchObject({ sync: true });
        } finally {
            await store.close();
        }
    }, 30_000);

    it('keeps every acknowledged transaction when killed -9 during a stream of writes', async () => {
        const { signal, committed } = await runWriter(dataDir, ['stream'], 25);
        expect(signal).toBe('SIGKILL');
        expect(committed.length).toBeGreaterThanOrEqual(25);

        const reopened = await open();
        const names = [...new Set(committed.map((c) => c.name))];
        const recorded = new Set<string>();
        for (const name of names) {
            (await beatsOf(reopened, name)).forEach((beat) => recorded.add(beat.txId));
        }
        expect(committed.filter((c) => !recorded.has(c.txId))).toEqual([]);
        await reopened.close();
        ledger = undefined;
        await expectStateDerivedFromBlocks(dataDir);
    }, 90_000);
});
