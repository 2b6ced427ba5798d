import type { LedgerConfig } from './config';
import type { Ledger } from './ledger';

/**
 * The one place that picks a ledger implementation. Faces (server, CLI) call this and never
 * import `fabric/` or `embedded/` themselves.
 */
export async function openLedger(config: LedgerConfig): Promise<Ledger> {
    if (config.kind === 'fabric') {
        const { openFabricLedger } = await import('./fabric');
        return openFabricLedger(config);
    }
    const { openEmbeddedLedger } = await import('./embedded');
    return openEmbeddedLedger(config);
}
