import type { Command } from 'commander';
import * as path from 'node:path';
import { seedDemoWorld, type SeedReport } from '../demo';
import { LocalEncryptedStore } from '../documents/local-store';
import { isRelayed } from '../ledger';
import { gatewayStateDir } from '../server/state-dir';
import { loadOrCreateKey } from '../storage/sealing';
import { withContext } from './context';

/**
 * `careledger seed`: the demo world (gateway/src/demo) on the ledger the environment names —
 * what `npm start` does by itself on a new embedded ledger, on request for a Fabric network.
 * Each step acts as the persona who would do it; steps already done are left alone.
 */
export function demoCommands(program: Command): void {
    program
        .command('seed')
        .description(
            'seed the demo world: trusted issuers, licences, trading partners, a product, lot and units, a patient with a record',
        )
        .action(
            withContext(async (context) => {
                const { dataDir } = context.config;
                const log = context.options.json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
                // A running gateway holding the ledger seeds it itself, so the demo record's
                // document lands in its hospital store; otherwise this machine's hospital store.
                const report = isRelayed(context.ledger)
                    ? await context.ledger.extension<SeedReport>('demo-seed', {})
                    : await seedDemoWorld({
                          ledger: context.ledger,
                          documents: dataDir === ':memory:' ? undefined : documentStoreOf(dataDir, 'hospital'),
                          log,
                      });
                context.print(
                    report,
                    (r: { done: string[]; present: string[] }) =>
                        `demo world: ${r.done.length} steps done, ${r.present.length} already there`,
                );
            }),
        );
}

function documentStoreOf(dataDir: string, org: string): LocalEncryptedStore {
    const stateDir = gatewayStateDir(dataDir, org);
    return new LocalEncryptedStore(
        path.join(stateDir, 'documents'),
        loadOrCreateKey(path.join(stateDir, 'document.key'), process.env.CARELEDGER_DOCUMENT_KEY),
    );
}
