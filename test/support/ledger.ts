import { createHash, randomBytes } from 'node:crypto';
import { supply } from '@careledger/chaincode';
import {
    loadLedgerConfig,
    openLedger,
    type Ledger,
    type LedgerKind,
    type LedgerSession,
} from '../../gateway/src/ledger';

/**
 * The scenario suite's view of a ledger. The same test files run against the embedded ledger
 * (a fresh in-memory ledger per test file) and against the real Fabric network (one network
 * for the whole run, shared by every file), chosen by CARELEDGER_LEDGER.
 *
 * Because the Fabric ledger is shared, scenarios create their own ids with {@link uniqueId}
 * and make setup idempotent.
 *
 * @example
 * const env = await openScenarioLedger();
 * const physician = await env.session('hospital', 'physician1');
 * afterAll(() => env.close());
 */
export interface ScenarioLedger {
    readonly kind: LedgerKind;
    readonly ledger: Ledger;
    /** A session as a demo user of an org, e.g. `('hospital', 'physician1')`. */
    session(org: string, user: string): Promise<LedgerSession>;
    close(): Promise<void>;
}

export async function openScenarioLedger(): Promise<ScenarioLedger> {
    const config = loadLedgerConfig();
    const ledger = await openLedger(config.kind === 'embedded' ? { ...config, dataDir: ':memory:' } : config);
    const sessions = new Map<string, LedgerSession>();
    return {
        kind: ledger.kind,
        ledger,
        async session(org, user) {
            const key = `${org}/${user}`;
            let session = sessions.get(key);
            if (!session) {
                session = ledger.connect(await ledger.identities.get(org, user));
                sessions.set(key, session);
            }
            return session;
        },
        close: () => ledger.close(),
    };
}

const runId = randomBytes(3).toString('hex');
let counter = 0;

/** An id unique to this test run, e.g. `rec-a1b2c3-7`. */
export function uniqueId(prefix: string): string {
    counter += 1;
    return `${prefix}-${runId}-${counter}`;
}

/**
 * A GS1 key (GTIN-14 with `length` 14, SSCC with 18) unique to this test run: digits derived from
 * {@link uniqueId}, then the GS1 check digit, so every file's products and containers are its own on
 * the shared Fabric ledger.
 */
export function uniqueKey(prefix: string, length: number): string {
    const digits = BigInt(`0x${createHash('sha256').update(uniqueId(prefix)).digest('hex')}`)
        .toString()
        .slice(0, length - 2);
    const data = `0${digits}`;
    return `${data}${supply.gs1.gs1CheckDigit(data)}`;
}

/**
 * Whether `id` came from this file's {@link uniqueId}. On the shared Fabric ledger other files write to the same
 * enrolled patients, so a search that must return exactly this file's records filters by it.
 */
export function isOwnId(id: string | undefined): boolean {
    return id !== undefined && id.includes(`-${runId}-`);
}
