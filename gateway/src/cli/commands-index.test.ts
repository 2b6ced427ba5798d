import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { supply } from '@careledger/chaincode';
import { openHistoryDatabase } from '../history';
import { run } from './main';

/**
 * `careledger index ...` over an embedded ledger on disk and a PGlite index in a folder of
 * its own (`--db`), each command a separate open and close as separate invocations would be:
 * catch-up from block 0 with a progress bar on a terminal, exactly once when run again; verify
 * passing, then naming the first block that differs after rows of two blocks are altered in
 * the database, exit 1; queries under the REST API's access rules and exit codes.
 */
jest.setTimeout(300_000);

describe('careledger index', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-cli-index-'));
    const dbDir = path.join(dataDir, 'history-db');
    const previous = { ...process.env };
    const data = `0${BigInt(`0x${createHash('sha256').update(dataDir).digest('hex')}`)
        .toString()
        .slice(0, 12)}`;
    const gtin = `${data}${supply.gs1.gs1CheckDigit(data)}`;
    const regulator = ['--org', 'regulator', '--user', 'inspector1'];
    const maker = ['--org', 'manufacturer', '--user', 'operator1'];
    const index = (...args: string[]) => ['index', '--db', dbDir, ...args];

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
        let out = '';
        let err = '';
        const stdout = jest
            .spyOn(process.stdout, 'write')
            .mockImplementation((chunk) => ((out += String(chunk)), true));
        const stderr = jest
            .spyOn(process.stderr, 'write')
            .mockImplementation((chunk) => ((err += String(chunk)), true));
        try {
            const code = await run(['node', 'careledger', ...args]);
            return { code, out, err };
        } finally {
            stdout.mockRestore();
            stderr.mockRestore();
        }
    }

    /** Runs `cli` as on a terminal (stderr a TTY), where the progress bar shows. */
    async function onTerminal(...args: string[]) {
        const had = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
        Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
        try {
            return await cli(...args);
        } finally {
            if (had) Object.defineProperty(process.stderr, 'isTTY', had);
            else delete (process.stderr as { isTTY?: boolean }).isTTY;
        }
    }

    /** Alters the index's database between commands (PGlite admits one process: the CLI's is closed). */
    async function alter<T>(work: (db: Awaited<ReturnType<typeof openHistoryDatabase>>) => Promise<T>): Promise<T> {
        const db = await openHistoryDatabase({ url: dbDir });
        try {
            return await work(db);
        } finally {
            await db.close();
        }
    }

    let ledgerHeight = 0;

    beforeAll(async () => {
        process.env.CARELEDGER_LEDGER = 'embedded';
        process.env.CARELEDGER_DATA_DIR = dataDir;
        delete process.env.CARELEDGER_ORG;
        delete process.env.CARELEDGER_HISTORY_DB;
        const invoke = async (who: string[], name: string, input: object) =>
            expect((await cli(...who, 'invoke', 'supply', name, JSON.stringify(input))).code).toBe(0);
        await invoke(regulator, 'AuthorizePartner', { mspId: 'ManufacturerMSP', kind: 'manufacturer' });
        await invoke(maker, 'RegisterProduct', { gtin, name: 'X', strength: '1 mg', dosageForm: 'tablet' });
        await invoke(maker, 'RegisterLot', { gtin, lot: 'L1', expiry: '301231', quantity: 10 });
        expect((await cli(...maker, 'supply', 'commission', gtin, 'L1', '--count', '4')).code).toBe(0);
        for (let i = 0; i < 3; i++) {
            expect((await cli('ping', `block ${i}`)).code).toBe(0);
        }
    });
    afterAll(() => {
        process.env = previous;
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('catches up from block 0 with a progress bar, and exactly once when run again', async () => {
        const before = await cli(...regulator, '--json', ...index('status'));
        expect(before.code).toBe(0);
        const status = JSON.parse(before.out) as { indexedHeight: number; ledgerHeight: number; lag: number };
        expect(status.indexedHeight).toBe(0);
        expect(status.ledgerHeight).toBeGreaterThan(7);
        expect(status.lag).toBe(status.ledgerHeight);
        ledgerHeight = status.ledgerHeight;

        const caughtUp = await onTerminal(...regulator, ...index('catch-up'));
        expect(caughtUp).toMatchObject({ code: 0 });
        expect(caughtUp.out.trim()).toBe(`indexed ${ledgerHeight} blocks; the index holds ${ledgerHeight}`);
        // The bar (cli-progress on stderr) ends at every block of the ledger.
        expect(caughtUp.err).toContain('catching up [');
        expect(caughtUp.err).toContain(`${ledgerHeight}/${ledgerHeight} 100%`);

        const again = await onTerminal(...regulator, '--json', ...index('catch-up'));
        expect(again.code).toBe(0);
        expect(again.err).toBe(''); // --json: no bar
        expect(JSON.parse(again.out)).toMatchObject({ ingestedBlocks: 0, indexedHeight: ledgerHeight });
        const counts = await alter((db) =>
            db.query<{ blocks: number; transactions: number; distinct_tx: number }>(
                `SELECT (SELECT count(*)::int FROM history_blocks) AS blocks,
                        (SELECT count(*)::int FROM history_transactions) AS transactions,
                        (SELECT count(DISTINCT tx_id)::int FROM history_transactions) AS distinct_tx`,
            ),
        );
        expect(counts[0].blocks).toBe(ledgerHeight);
        expect(counts[0].transactions).toBe(counts[0].distinct_tx);
    });

    it('verifies, then names the first block that differs in a tampered index and exits 1', async () => {
        const clean = await cli(...regulator, '--json', ...index('verify'));
        expect(clean.code).toBe(0);
        expect(JSON.parse(clean.out)).toMatchObject({ ok: true, checkedBlocks: ledgerHeight });
        expect((await cli(...regulator, ...index('verify'))).out.trim()).toBe(
            `ok: ${ledgerHeight} blocks match the ledger`,
        );

        // Two alterations: a unit's custodian in a later block, the function of an earlier transaction.
        const { unitBlock, earlier, originals } = await alter(async (db) => {
            const [unit] = await db.query<{ block_number: number; key: string }>(
                `SELECT block_number, key FROM history_writes WHERE object_type = 'supply.unit' ORDER BY block_number LIMIT 1`,
            );
            await db.query(
                `UPDATE history_writes SET value = convert_to('{"custodian":"Elsewhere"}', 'UTF8') WHERE key = $1 AND block_number = $2`,
                [unit.key, unit.block_number],
            );
            const [tx] = await db.query<{ block_number: number }>(
                `SELECT block_number FROM history_transactions WHERE block_number < $1 AND function IS NOT NULL
                 ORDER BY block_number DESC LIMIT 1`,
                [unit.block_number],
            );
            const kept = await db.query<{ position: number; function: string | null }>(
                'SELECT position, function FROM history_transactions WHERE block_number = $1',
                [tx.block_number],
            );
            await db.query(`UPDATE history_transactions SET function = 'forged:Forged' WHERE block_number = $1`, [
                tx.block_number,
            ]);
            return { unitBlock: Number(unit.block_number), earlier: Number(tx.block_number), originals: kept };
        });
        expect(earlier).toBeLessThan(unitBlock);

        const first = await cli(...regulator, ...index('verify'));
        expect(first.code).toBe(1);
        expect(first.out).toMatch(new RegExp(`^DIFFERS at block ${earlier}: `));
        const firstJson = await cli(...regulator, '--json', ...index('verify'));
        expect(firstJson.code).toBe(1);
        expect(JSON.parse(firstJson.out)).toMatchObject({ ok: false, firstDifference: { blockNumber: earlier } });

        // The earlier block put right, the first difference is the unit's block, in its key writes.
        await alter(async (db) => {
            for (const row of originals) {
                await db.query(
                    'UPDATE history_transactions SET function = $1 WHERE block_number = $2 AND position = $3',
                    [row.function, earlier, row.position],
                );
            }
        });
        const next = await cli(...regulator, '--json', ...index('verify'));
        expect(next.code).toBe(1);
        expect(JSON.parse(next.out)).toMatchObject({ ok: false, firstDifference: { blockNumber: unitBlock } });
        expect(JSON.parse(next.out).firstDifference.reason).toContain('key writes');
    });

    it("answers queries as --user under the REST API's access rules", async () => {
        const lot = await cli(...regulator, '--json', ...index('query', 'lot', `gtin=${gtin}`, 'lot=L1'));
        expect(lot.code).toBe(0);
        expect(JSON.parse(lot.out)).toMatchObject({ gtin, lot: 'L1', total: 4, blockHeight: ledgerHeight });
        const theirs = await cli(...maker, '--json', ...index('query', 'transactions', 'org=DistributorMSP'));
        expect(theirs.code).toBe(3);
        expect(JSON.parse(theirs.err)).toMatchObject({ code: 'FORBIDDEN', field: 'org' });
        const patient = await cli('--user', 'patient1', '--json', ...index('query', 'transactions'));
        expect(patient.code).toBe(3);
        const badField = await cli(...regulator, '--json', ...index('query', 'audit', 'colour=red'));
        expect(badField.code).toBe(2);
        expect(JSON.parse(badField.err)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'colour' });
        expect((await cli(...regulator, ...index('query', 'nonsense'))).code).toBe(2);
        const csv = await cli(...regulator, ...index('query', 'report:suspect-resolution', 'format=csv'));
        expect(csv.code).toBe(0);
        expect(csv.out.split('\r\n')[0]).toBe(
            'blockHeight,kind,gtin,id,openedAt,openedBy,closedAt,outcome,hoursToResolution',
        );
    });
});
