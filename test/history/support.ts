import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, HistoryIndex } from '../../gateway/src/history';
import type { Ledger } from '../../gateway/src/ledger';

/**
 * Where a history test keeps its index: a fresh database of its own on the PostgreSQL server
 * named by CARELEDGER_HISTORY_PG (a `postgres://` URL of a maintenance database; the Fabric
 * tier of CI sets it, see tools/postgres/), otherwise PGlite in memory.
 */
export async function freshDatabaseUrl(): Promise<string> {
    const base = process.env.CARELEDGER_HISTORY_PG;
    if (!base) {
        return 'memory://';
    }
    return createPostgresDatabase(base, `history_test_${randomBytes(5).toString('hex')}`);
}

/** The database kind a test runs on, for messages. */
export const databaseKind = () => (process.env.CARELEDGER_HISTORY_PG ? 'postgres' : 'pglite');

/** An index of `org`'s peer's blocks, caught up with the ledger. */
export async function caughtUpIndex(ledger: Ledger, org: string, databaseUrl?: string): Promise<HistoryIndex> {
    const session = ledger.connect(await ledger.identities.get(org, 'admin'));
    const index = await HistoryIndex.open({
        databaseUrl: databaseUrl ?? (await freshDatabaseUrl()),
        session,
        source: `${ledger.kind}:careledger/careledger`,
    });
    const status = await index.catchUp();
    if (status.state === 'broken') {
        throw new Error(`index broken: ${status.lastError}`);
    }
    return index;
}
