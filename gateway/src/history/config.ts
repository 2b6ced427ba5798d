import * as path from 'node:path';
import type { Ledger, LedgerConfig } from '../ledger';
import { HistoryIndex } from './history-index';

/**
 * Where an org's history index lives, from the environment:
 * - `CARELEDGER_HISTORY_DB`: `postgres://user:password@host:port/db` for the org's own
 *   PostgreSQL server; a folder for PGlite on disk; `memory://`. Default: PGlite in
 *   `<gateway state folder>/history`, or in memory when the ledger is (`CARELEDGER_DATA_DIR=:memory:`).
 * - `CARELEDGER_HISTORY=off` runs the gateway without an index.
 * - `CARELEDGER_HISTORY_USER`: the org's user whose peer's blocks are read (default `admin`).
 */
export interface HistoryConfig {
    enabled: boolean;
    databaseUrl: string;
    user: string;
}

export function loadHistoryConfig(ledger: LedgerConfig, stateDir: string, env = process.env): HistoryConfig {
    const inMemory = ledger.dataDir === ':memory:';
    return {
        enabled: (env.CARELEDGER_HISTORY ?? 'on') !== 'off',
        databaseUrl: env.CARELEDGER_HISTORY_DB ?? (inMemory ? 'memory://' : path.join(stateDir, 'history')),
        user: env.CARELEDGER_HISTORY_USER ?? 'admin',
    };
}

/** Opens (and migrates) the org's index over `ledger`, reading blocks as the org's `config.user`. */
export async function openOrgHistoryIndex(
    ledger: Ledger,
    ledgerConfig: Pick<LedgerConfig, 'org' | 'channel' | 'chaincode'>,
    config: Pick<HistoryConfig, 'databaseUrl' | 'user'>,
    log?: (message: string) => void,
): Promise<HistoryIndex> {
    const identity = await ledger.identities.get(ledgerConfig.org, config.user);
    return HistoryIndex.open({
        databaseUrl: config.databaseUrl,
        session: ledger.connect(identity),
        source: `${ledger.kind}:${ledgerConfig.channel}/${ledgerConfig.chaincode}`,
        indexer: { log },
    });
}
