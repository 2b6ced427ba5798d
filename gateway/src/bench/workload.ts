import type { LedgerSession } from '../ledger';
import type { Operation } from './load';

export type WorkloadName =
    | 'floor-put'
    | 'floor-get'
    | 'register-ehr-pointer'
    | 'grant-consent'
    | 'access-record'
    | 'commission'
    | 'ship-receive'
    | 'verify-product'
    | 'verify-credential'
    | 'bulk-ship-receive'
    | 'verify-list'
    | 'ehr-pointers'
    | 'ehr-pointers-bulk'
    | 'ehr-consents-bulk'
    | 'read-model-verify-product'
    | 'read-model-verify-credential';

/** What workloads set themselves up with. Sessions are instrumented: their calls are measured. */
export interface BenchContext {
    /** A short tag unique to this benchmark run, for ids that must not clash with earlier runs. */
    readonly tag: string;
    /** Serials per commissioning transaction. */
    readonly commissionBatch: number;
    /** Units the ship + receive workload commissions up front (one is shipped and received per operation). */
    readonly shipUnits: number;
    /** A session on the CareLedger chaincode as a demo user, e.g. `('hospital', 'physician1')`. */
    session(org: string, user: string): Promise<LedgerSession>;
    /** A session on the floor chaincode (bench/chaincode). */
    floorSession(org: string, user: string): Promise<LedgerSession>;
    /** Runs `setup` once per benchmark run, whichever workload asks first. */
    once<T>(key: string, setup: () => Promise<T>): Promise<T>;
    /** Times `run` as one evaluate call of the run in progress (work that is not a ledger call, e.g. the read model). */
    measure<T>(run: () => Promise<T>): Promise<T>;
    /** Runs `cleanup` when the benchmark ends, before the ledger connections close. */
    atEnd(cleanup: () => Promise<void>): void;
    log(message: string): void;
}

export interface Workload {
    name: WorkloadName;
    title: string;
    /** The kind of ledger call the workload is measured by. */
    call: 'submit' | 'evaluate';
    /** What one operation does, for the report. */
    operation: string;
    /** Measured calls per operation. */
    callsPerOp: number;
    /** Business units one operation handles (serials per commissioning batch). */
    units?: { name: string; perOp: number };
    /** The floor workload its throughput is compared with. */
    floor?: 'floor-put' | 'floor-get';
    /** Sets up what the operations need (outside the measurement) and returns the operation. */
    prepare(context: BenchContext): Promise<Operation>;
}

/** Identities that spread evaluations over every org's gateway peer: client `i` uses entry `i % 4`. */
export const EvaluatingUsers: ReadonlyArray<readonly [string, string]> = [
    ['hospital', 'pharmacist1'],
    ['manufacturer', 'operator1'],
    ['distributor', 'operator1'],
    ['regulator', 'inspector1'],
];

/** Runs `task` for every item, at most `concurrency` at a time. */
export async function forEachConcurrently<T>(
    items: readonly T[],
    concurrency: number,
    task: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            await task(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
