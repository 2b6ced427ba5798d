import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { HistoryIndex, HistoryQueries } from '../../gateway/src/history';
import { LedgerError } from '../../gateway/src/ledger';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';

/**
 * A PostgreSQL outage in the middle of ingestion: the test runs a server of its own
 * (tools/postgres/postgres.sh, installed from Debian when absent), kills it while the indexer is
 * writing, checks that queries answer 503 and the listener keeps retrying, restarts the server
 * and checks that ingestion resumed from the checkpoint with nothing lost or duplicated.
 */
jest.setTimeout(600_000);

const script = path.join(__dirname, '..', '..', 'tools', 'postgres', 'postgres.sh');
const serverEnv = {
    ...process.env,
    CARELEDGER_PG_PORT: process.env.CARELEDGER_PG_OUTAGE_PORT ?? '45055',
    CARELEDGER_PG_DIR: `/tmp/careledger-postgres-outage-${process.env.CARELEDGER_PG_OUTAGE_PORT ?? '45055'}`,
};
const postgres = (...args: string[]) =>
    execFileSync('bash', [script, ...args], {
        env: serverEnv,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting until ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

describe('history index: PostgreSQL killed mid-ingest', () => {
    let env: ScenarioLedger;
    let index: HistoryIndex | undefined;
    let gateway: RestGateway | undefined;

    beforeAll(async () => {
        env = await openScenarioLedger();
    });

    afterAll(async () => {
        await gateway?.app.close();
        await index?.close().catch(() => undefined);
        await env?.close();
        try {
            postgres('stop');
        } catch {
            // already down
        }
    });

    it('retries with backoff, answers 503 meanwhile, and resumes from its checkpoint without loss or duplicates', async () => {
        const base = postgres('start');
        const dbName = `outage_${uniqueId('db').replace(/-/g, '_')}`;
        execFileSync('psql', [base, '-q', '-c', `CREATE DATABASE ${dbName}`]);
        const url = base.replace(/\/postgres$/, `/${dbName}`);

        const admin = await env.session('regulator', 'admin');
        for (let i = 0; i < 30; i++) {
            await admin.submit({ contract: 'system', name: 'Ping', args: [`before ${i}`] });
        }
        index = await HistoryIndex.open({
            databaseUrl: url,
            session: admin,
            source: `${env.ledger.kind}:careledger/careledger`,
            // One block per database transaction: the kill lands between and inside writes.
            indexer: { batchBlocks: 1, retry: { baseDelayMs: 50, maxDelayMs: 400 } },
        });
        gateway = await startGateway(env, 'regulator', { history: index });
        const token = await gateway.token('inspector1');
        const target = Number(await admin.chainHeight());
        index.start();
        await until(
            'some blocks are indexed',
            () => index!.indexer.status().indexedHeight >= Math.min(5, target - 1),
            120_000,
        );

        postgres('stop', '--kill');
        // More blocks arrive while the database is down.
        for (let i = 0; i < 5; i++) {
            await admin.submit({ contract: 'system', name: 'Ping', args: [`during ${i}`] });
        }
        await until('the listener notices and retries', () => index!.indexer.status().state === 'retrying');
        await until('it has retried more than once', () => index!.indexer.status().failures >= 2);
        const queries = new HistoryQueries(index.db);
        await expect(queries.transactions({ kind: 'consortium', role: 'inspector' }, {})).rejects.toMatchObject({
            code: 'UNAVAILABLE',
        });
        expect(
            await queries.transactions({ kind: 'consortium', role: 'inspector' }, {}).catch((e: unknown) => e),
        ).toBeInstanceOf(LedgerError);
        const during = await gateway.call<Record<string, string>>('GET', '/history/transactions', { token });
        expect(during.status).toBe(503);
        expect(during.body).toMatchObject({ code: 'UNAVAILABLE' });
        expect(during.body.message).toMatch(/history database is unreachable/);

        postgres('start');
        const finalHeight = Number(await admin.chainHeight());
        await until(
            'the index catches up after the restart',
            async () => (await index!.store.height().catch(() => 0)) >= finalHeight,
        );
        expect(index.indexer.status()).toMatchObject({ state: 'running', failures: 0 });

        // Nothing lost, nothing twice: every block once, every transaction of the ledger once.
        const [counts] = await index.db.query<{
            blocks: number;
            distinct_blocks: number;
            txs: number;
            distinct_txs: number;
            expected: number;
        }>(
            `SELECT (SELECT count(*) FROM history_blocks)::int AS blocks,
                    (SELECT count(DISTINCT number) FROM history_blocks)::int AS distinct_blocks,
                    (SELECT count(*) FROM history_transactions)::int AS txs,
                    (SELECT count(DISTINCT tx_id) FROM history_transactions)::int AS distinct_txs,
                    (SELECT coalesce(sum(tx_count), 0) FROM history_blocks)::int AS expected`,
        );
        expect(counts.blocks).toBe(finalHeight);
        expect(counts.distinct_blocks).toBe(finalHeight);
        expect(counts.txs).toBe(counts.expected);
        expect(counts.distinct_txs).toBe(counts.txs);
        const report = await index.verify();
        expect(report).toMatchObject({ ok: true, checkedBlocks: finalHeight });
        const after = await gateway.call<Record<string, unknown>>(
            'GET',
            '/history/transactions?function=system:Ping&limit=500',
            { token },
        );
        expect(after.status).toBe(200);
        expect(after.body.blockHeight).toBeGreaterThanOrEqual(finalHeight);
    });
});
