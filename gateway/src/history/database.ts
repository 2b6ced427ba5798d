import * as fs from 'node:fs';
import { LedgerError } from '../ledger';
import { PGliteThread } from './pglite-thread';

/** What a query returns: rows as plain objects, int8 as number, bytea as Buffer, jsonb parsed. */
export interface SqlClient {
    query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
    /** Runs a script of several statements without parameters (migrations). */
    exec(sql: string): Promise<void>;
}

/**
 * The history index's database: a real PostgreSQL server (`pg`) or PGlite (PostgreSQL in
 * WebAssembly, in-process). Both run the same SQL; nothing above this file can tell which.
 */
export interface HistoryDatabase extends SqlClient {
    readonly kind: 'pglite' | 'postgres';
    /** Runs `work` in one transaction: all its statements commit together or none does. */
    transaction<T>(work: (client: SqlClient) => Promise<T>): Promise<T>;
    close(): Promise<void>;
}

export interface DatabaseConfig {
    /**
     * `postgres://user@host:port/db` for a PostgreSQL server; a folder for PGlite on disk;
     * `memory://` for PGlite in memory.
     */
    url: string;
}

const int8 = 20;

/** Opens the database named by `config.url` (see {@link DatabaseConfig}). */
export async function openHistoryDatabase(config: DatabaseConfig): Promise<HistoryDatabase> {
    return /^postgres(ql)?:\/\//.test(config.url) ? openPostgres(config.url) : openPGlite(config.url);
}

async function openPGlite(url: string): Promise<HistoryDatabase> {
    const dataDir = url === 'memory://' ? undefined : url.replace(/^file:\/\//, '');
    if (dataDir) {
        fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    }
    const thread = new PGliteThread(dataDir);
    await thread.call('query', 'SELECT 1');
    const run = async <T>(sql: string, params: readonly unknown[]) =>
        (await thread.call('query', sql, params)).map(normaliseRow) as T[];
    // One connection: a transaction holds it until it ends, and other statements wait their turn.
    let turn: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
        const result = turn.then(work, work);
        turn = result.catch(() => undefined);
        return result;
    };
    return {
        kind: 'pglite',
        query: <T>(sql: string, params: readonly unknown[] = []) => exclusive(() => run<T>(sql, params)),
        exec: (sql: string) => exclusive(async () => void (await thread.call('exec', sql))),
        transaction: (work) =>
            exclusive(async () => {
                await thread.call('exec', 'BEGIN');
                try {
                    const result = await work({
                        query: <T>(sql: string, params: readonly unknown[] = []) => run<T>(sql, params),
                        exec: async (sql: string) => void (await thread.call('exec', sql)),
                    });
                    await thread.call('exec', 'COMMIT');
                    return result;
                } catch (error) {
                    await thread.call('exec', 'ROLLBACK').catch(() => undefined);
                    throw error;
                }
            }),
        close: () => exclusive(() => thread.close()),
    };
}

async function openPostgres(url: string): Promise<HistoryDatabase> {
    const pg = await import('pg');
    const Pool = pg.default?.Pool ?? pg.Pool;
    const types = pg.default?.types ?? pg.types;
    const pool = new Pool({
        connectionString: url,
        max: 4,
        connectionTimeoutMillis: 5_000,
        // No call waits forever on a server that vanished mid-statement.
        query_timeout: 120_000,
        keepAlive: true,
        types: {
            getTypeParser: ((oid: number, format?: string) =>
                oid === int8 ? (value: string) => Number(value) : types.getTypeParser(oid, format as 'text')) as never,
        },
    });
    // An idle client losing its server (a restart) must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
    return {
        kind: 'postgres',
        async query<T>(sql: string, params: readonly unknown[] = []) {
            return (await unavailableOnOutage(() => pool.query(sql, [...params]))).rows as T[];
        },
        async exec(sql: string) {
            await unavailableOnOutage(() => pool.query(sql));
        },
        async transaction(work) {
            const client = await unavailableOnOutage(() => pool.connect());
            // A checked-out client whose server goes away emits 'error' between statements; the next
            // statement fails with it, so here it must only not crash the process.
            const ignore = () => undefined;
            client.on('error', ignore);
            let broken = false;
            try {
                await client.query('BEGIN');
                const result = await work({
                    query: async <T>(sql: string, params: readonly unknown[] = []) =>
                        (await unavailableOnOutage(() => client.query(sql, [...params]))).rows as T[],
                    exec: async (sql: string) => void (await unavailableOnOutage(() => client.query(sql))),
                });
                await unavailableOnOutage(() => client.query('COMMIT'));
                return result;
            } catch (error) {
                // A connection the server dropped cannot roll back (and may never answer): discard it.
                if (isOutage(error)) {
                    broken = true;
                } else {
                    await Promise.race([
                        client.query('ROLLBACK'),
                        new Promise((_, reject) => setTimeout(() => reject(new Error('rollback timed out')), 5_000)),
                    ]).catch(() => (broken = true));
                }
                throw error;
            } finally {
                client.off('error', ignore);
                client.release(broken);
            }
        },
        close: () => pool.end(),
    };
}

function normaliseRow(row: unknown): unknown {
    const record = row as Record<string, unknown>;
    for (const [name, value] of Object.entries(record)) {
        if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
            record[name] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        }
    }
    return record;
}

/** Connection failures and server shutdowns as UNAVAILABLE (HTTP 503); SQL errors stay as they are. */
async function unavailableOnOutage<T>(call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw isOutage(error)
            ? new LedgerError('UNAVAILABLE', `the history database is unreachable: ${(error as Error).message}`, {
                  cause: error,
              })
            : error;
    }
}

/** Errors that mean "the server is not there" rather than "this statement is wrong". */
export function isOutage(error: unknown): boolean {
    if (error instanceof LedgerError) {
        return error.code === 'UNAVAILABLE';
    }
    const code = (error as { code?: string })?.code ?? '';
    const message = (error as Error)?.message ?? '';
    return (
        [
            'ECONNREFUSED',
            'ECONNRESET',
            'EPIPE',
            'ETIMEDOUT',
            'ENOTFOUND',
            '57P01',
            '57P02',
            '57P03',
            '08006',
            '08001',
            '08003',
            '08004',
        ].includes(code) ||
        /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
            message,
        )
    );
}

/**
 * Creates the database `name` on the PostgreSQL server that `serverUrl` (a maintenance database's `postgres://` URL)
 * names, and returns the new database's URL: a fresh index of its own for a test or a benchmark run.
 *
 * @example
 * const url = await createPostgresDatabase('postgres://careledger@127.0.0.1:45054/postgres', 'history_test_1a2b');
 */
export async function createPostgresDatabase(serverUrl: string, name: string): Promise<string> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
        throw new Error(`database name ${JSON.stringify(name)}: lower-case letters, digits and _ only, at most 63`);
    }
    const pg = await import('pg');
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
        await client.query(`CREATE DATABASE ${name}`);
    } finally {
        await client.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
}
