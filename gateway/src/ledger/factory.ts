import * as fs from 'node:fs';
import type { LedgerConfig } from './config';
import type { Ledger } from './ledger';
import { RelayedLedger, relaySocketPath } from './relay';

/**
 * The one place that picks a ledger implementation. Faces (server, CLI) call this and never
 * import `fabric/` or `embedded/` themselves.
 *
 * The embedded ledger locks its folder to one process. When another process already holds it
 * and relays it (a running `npm start`), this returns that ledger through the relay, so the
 * CLI and further gateways work beside it on the same ledger.
 */
export async function openLedger(config: LedgerConfig): Promise<Ledger> {
    if (config.kind === 'fabric') {
        const { openFabricLedger } = await import('./fabric');
        return openFabricLedger(config);
    }
    if (config.dataDir !== ':memory:') {
        const socketPath = relaySocketPath(config.dataDir);
        if (fs.existsSync(socketPath) && (await RelayedLedger.reachable(socketPath))) {
            return new RelayedLedger(socketPath);
        }
    }
    const { openEmbeddedLedger } = await import('./embedded');
    return openEmbeddedLedger(config);
}

/** Whether `ledger` is held by another process and reached through its relay. */
export function isRelayed(ledger: Ledger): ledger is RelayedLedger {
    return ledger instanceof RelayedLedger;
}
