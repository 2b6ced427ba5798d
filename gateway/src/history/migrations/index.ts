import type { HistoryDatabase } from '../database';
import * as initial from './0001-initial';

/**
 * The index's schema versions, in order. A migration is never edited once merged: a change is
 * a new entry. Each is applied in its own transaction together with its row in
 * `history_migrations`, under an advisory lock so two indexers starting at once apply it once.
 */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
    { version: 1, name: 'initial', sql: initial.sql },
];

const migrationLock = 7_301_400;

/** Applies the migrations the database lacks; returns the versions applied now. */
export async function migrate(db: HistoryDatabase): Promise<number[]> {
    await db.query(
        `CREATE TABLE IF NOT EXISTS history_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`,
    );
    const applied: number[] = [];
    for (const migration of migrations) {
        await db.transaction(async (tx) => {
            await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
            const done = await tx.query('SELECT 1 FROM history_migrations WHERE version = $1', [migration.version]);
            if (done.length) {
                return;
            }
            await tx.exec(migration.sql);
            await tx.query('INSERT INTO history_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
                migration.version,
                migration.name,
                new Date().toISOString(),
            ]);
            applied.push(migration.version);
        });
    }
    return applied;
}

/** The newest schema version applied. */
export async function schemaVersion(db: HistoryDatabase): Promise<number> {
    const rows = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM history_migrations');
    return rows[0]?.version ?? 0;
}
