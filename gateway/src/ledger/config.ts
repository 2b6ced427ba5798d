import * as path from 'node:path';
import type { LedgerKind } from './ledger';

/**
 * Which ledger to open, from the environment:
 * - `CARELEDGER_LEDGER`: `embedded` (default) or `fabric`.
 * - `CARELEDGER_DATA_DIR`: embedded ledger and development CA folder (default `.careledger/`);
 *   `:memory:` keeps the ledger in memory.
 * - `CARELEDGER_NETWORK_DIR`: the Fabric network's generated `organizations/` folder
 *   (default `network/organizations/`), holding connection profiles and enrolled users.
 * - `CARELEDGER_ORG`: the org this gateway serves (default `hospital`).
 */
export interface LedgerConfig {
    kind: LedgerKind;
    dataDir: string;
    networkDir: string;
    org: string;
    channel: string;
    chaincode: string;
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env, root = projectRoot()): LedgerConfig {
    const kind = env.CARELEDGER_LEDGER ?? 'embedded';
    if (kind !== 'embedded' && kind !== 'fabric') {
        throw new Error(`CARELEDGER_LEDGER must be "embedded" or "fabric", got "${kind}"`);
    }
    return {
        kind,
        dataDir: env.CARELEDGER_DATA_DIR ?? path.join(root, '.careledger'),
        networkDir: env.CARELEDGER_NETWORK_DIR ?? path.join(root, 'network', 'organizations'),
        org: env.CARELEDGER_ORG ?? 'hospital',
        channel: env.CARELEDGER_CHANNEL ?? 'careledger',
        chaincode: env.CARELEDGER_CHAINCODE ?? 'careledger',
    };
}

/** The repository root: two levels above `gateway/src/ledger` or `gateway/dist/ledger`. */
export function projectRoot(): string {
    return path.resolve(__dirname, '..', '..', '..');
}
