#!/usr/bin/env node
/**
 * `npm run bench:history`: the history index's benchmark (issue 14). Figures, never pass/fail.
 *
 * 1. Ingest: a corpus of stored blocks (default 200,000 transactions, 100 a block, each with
 *    the unit/holding/step or audit writes the chaincode makes, its docs shaped as the
 *    chaincode's) written through HistoryStore.append in the indexer's batches, on PGlite and
 *    on PostgreSQL (CARELEDGER_HISTORY_PG, or tools/postgres/postgres.sh started here): tx/s.
 * 2. Queries on that index, p50/p99 over many calls: chain of custody of a unit, audit by
 *    patient, where every unit of a 10,000-unit lot is.
 * 3. Side by side on the embedded ledger: a real 10,000-unit lot commissioned through the
 *    chaincode, then the same questions answered by chaincode queries (GetLotWhereabouts,
 *    GetUnitHistory) and by the index built from those real blocks.
 *
 * 4. The same for the EHR audit and credentials: a patient's trail of real accesses as
 *    ListAuditByPatient pages and from the index; a licence's history as GetCredentialHistory and
 *    from the index.
 *
 * Options: --transactions N (corpus size), --queries N (per question), --skip-postgres, --pglite-disk,
 * --read-model-clients N, --read-model-seconds N, --lot-units N, --trail N (accesses in the EHR
 * side by side), --only-side-by-side, --skip-side-by-side, --skip-pglite.
 */
import '../server/quiet-contract-logs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { supply } from '@careledger/chaincode';
import { HistoryIndex, HistoryQueries, openHistoryDatabase, VerificationReadModel } from '../history';
import { migrate } from '../history/migrations';
import type { VerdictInputs } from '../history/read-model';
import { ReadModelCache } from '../history/read-model-cache';
import { blockRow, type BlockRow } from '../history/rows';
import { HistoryStore } from '../history/store';
import { loadLedgerConfig, openLedger, projectRoot, type LedgerBlock } from '../ledger';
import { CredentialsClient, commitDocument } from '../credentials';
import { EhrClient } from '../ehr';
import { recordOf } from './workloads/ehr';
import { SupplyClient } from '../supply';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
};
const transactions = option('transactions', 200_000);
const queriesPerQuestion = option('queries', 200);
const perBlock = 100;
const lotUnits = option('lot-units', 10_000);
const patients = 1_000;
const readModelClients = option('read-model-clients', 16);
const readModelSeconds = option('read-model-seconds', 10);

const sep = '\u0000';
const key = (...parts: string[]) => `${sep}${parts.join(sep)}${sep}`;
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Credentials in the corpus: every 100th transaction issues one (the first also registers its issuer). */
const credentialEvery = 100;
const credentialIdOf = (n: number) => `vc-${n}`;
const credentialCommitment = (n: number) => hex(`commitment${n}`);
const credentialsIn = (count: number) => Math.floor(count / credentialEvery);

/**
 * Transaction `i` of the corpus: a credential issued (2-3 writes, every 100th), an access audit
 * entry (3 writes, every 5th otherwise) or a unit commissioned into a lot (3 writes; the lot's
 * own record with its first unit).
 */
function corpusTransaction(i: number, position: number, at: string) {
    const txId = hex(`tx${i}`);
    if (i % credentialEvery === credentialEvery - 1) {
        const n = Math.floor(i / credentialEvery);
        const credential = {
            id: credentialIdOf(n),
            type: 'MedicalLicense',
            issuer: { mspId: 'RegulatorMSP', actorId: 'admin' },
            subject: { mspId: 'HospitalMSP', actorId: `prac-${n}` },
            commitment: credentialCommitment(n),
            validFrom: '2026-01-01T00:00:00.000Z',
            status: 'active',
            version: 1,
            issuedAt: at,
            issuedTxId: txId,
        };
        const issuer = { type: 'MedicalLicense', mspId: 'RegulatorMSP', status: 'trusted', roles: ['admin'] };
        return {
            transactionId: txId,
            position,
            timestamp: at,
            creatorMspId: 'RegulatorMSP',
            creatorRole: 'admin',
            functionName: 'credentials:IssueCredential',
            validationCode: 'VALID',
            event: { name: 'credentials.Issued', payload: json({ credentialId: credential.id }) },
            writes: [
                { key: key('credentials.credential', credential.id), value: json(credential) },
                { key: key('credentials.bysubject', 'HospitalMSP', `prac-${n}`, credential.id), value: json({}) },
                ...(n === 0
                    ? [{ key: key('credentials.issuer', 'RegulatorMSP', 'MedicalLicense'), value: json(issuer) }]
                    : []),
            ],
        };
    }
    if (i % 5 === 4) {
        const patientId = `pat-${i % patients}`;
        const recordId = `rec-${i % (patients * 3)}`;
        const entry = {
            id: txId,
            type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
            action: 'R',
            recorded: at,
            outcome: i % 17 === 0 ? '4' : '0',
            purposeOfEvent: 'TREAT',
            agent: { mspId: 'HospitalMSP', actorId: `prac-${i % 50}`, role: 'physician', requestor: true },
            entity: { recordId, patientId, custodianMsp: 'HospitalMSP' },
            emergency: i % 101 === 0,
        };
        return {
            transactionId: txId,
            position,
            timestamp: at,
            creatorMspId: 'HospitalMSP',
            creatorRole: 'physician',
            functionName: 'ehr-access:AccessRecord',
            validationCode: 'VALID',
            event: { name: 'ehr.RecordAccessed', payload: json({ auditId: txId, recordId, patientId }) },
            writes: [
                { key: key('ehr.audit', txId), value: json(entry) },
                { key: key('ehr.audit.byPatient', patientId, at, txId), value: json({}) },
                { key: key('ehr.audit.byRecord', recordId, at, txId), value: json({}) },
            ],
        };
    }
    const unitNumber = unitNumberOf(i);
    const lot = unitNumber < lotUnits ? 'BIG-LOT' : `LOT-${Math.floor(unitNumber / 1000)}`;
    const serial = `S${unitNumber}`;
    const custodian = ['ManufacturerMSP', 'DistributorMSP', 'HospitalMSP'][unitNumber % 3];
    const unit = {
        gtin: '09506000134352',
        serial,
        lot,
        expiry: '301231',
        manufacturer: 'ManufacturerMSP',
        commissionedAt: at,
        commissionTxId: txId,
        status: unitNumber % 7 === 0 ? 'in_transit' : 'active',
        custodian,
        steps: 1,
    };
    return {
        transactionId: txId,
        position,
        timestamp: at,
        creatorMspId: 'ManufacturerMSP',
        creatorRole: 'operator',
        functionName: 'supply:CommissionUnits',
        validationCode: 'VALID',
        event: { name: 'supply.Commissioned', payload: json({ gtin: unit.gtin, lot, count: 1 }) },
        writes: [
            { key: key('supply.unit', unit.gtin, serial), value: json(unit) },
            { key: key('supply.holding', unit.gtin, lot, custodian, serial), value: json({}) },
            { key: key('supply.objectStep', 'sgtin', unit.gtin, serial, '00000001'), value: json({ txId }) },
            ...(unitNumber === 0 || (unitNumber >= lotUnits && unitNumber % 1000 === 0)
                ? [
                      {
                          key: key('supply.lot', unit.gtin, lot),
                          value: json({ gtin: unit.gtin, lot, expiry: '301231', quantity: 1000 }),
                      },
                  ]
                : []),
        ],
    };
}

/** The unit transaction `i` commissions: units are numbered over the transactions that are neither audit nor credential. */
function unitNumberOf(i: number): number {
    return i - Math.floor((i + 1) / 5);
}

/** How many units a corpus of `count` transactions commissions. */
function unitsIn(count: number): number {
    return count - Math.floor(count / 5);
}

function* corpus(): Generator<LedgerBlock> {
    let previousHash = '';
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let number = 0, i = 0; i < transactions; number++) {
        const txs = [];
        for (let position = 0; position < perBlock && i < transactions; position++, i++) {
            txs.push(corpusTransaction(i, position, new Date(start + i * 1000).toISOString()));
        }
        const dataHash = hex(`data${number}`);
        const hash = hex(`${number}${previousHash}${dataHash}`);
        yield { number: BigInt(number), previousHash, dataHash, hash, transactions: txs };
        previousHash = hash;
    }
}

/**
 * Ingests the corpus as the indexer does: each block converted to rows (blockRow) as it
 * arrives, batches of 200 blocks appended with their checkpoint in one database transaction,
 * the next batch made and converted while the database writes the one before (the indexer's
 * pump does the same with the peer's blocks). The corpus stands for the peer: its making is on
 * the clock here (as decoding the peer's blocks is for the indexer), and is also measured alone
 * beforehand (`corpusMicrosPerTx`) so the index's own share can be told apart.
 */
async function ingest(url: string): Promise<{
    seconds: number;
    appendSeconds: number;
    txPerSecond: number;
    cpuSeconds: { node: number; server?: number };
    db: Awaited<ReturnType<typeof openHistoryDatabase>>;
}> {
    const db = await openHistoryDatabase({ url });
    await migrate(db);
    const store = new HistoryStore(db);
    const serverCpu = db.kind === 'postgres' ? postgresServerCpu(url) : undefined;
    const serverStart = serverCpu?.();
    const batch = 200;
    const blocks = Math.ceil(transactions / perBlock);
    let appendBusy = 0n;
    let done = 0;
    const started = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const write = async (rows: BlockRow[]) => {
        const begin = process.hrtime.bigint();
        await store.append(rows, 'bench:corpus');
        appendBusy += process.hrtime.bigint() - begin;
        done += rows.length;
        const wall = Number(process.hrtime.bigint() - started) / 1e9;
        process.stderr.write(`\r  ${db.kind}: ${done}/${blocks} blocks, ${Math.round((done * perBlock) / wall)} tx/s`);
    };
    let inFlight: Promise<void> = Promise.resolve();
    let rows: BlockRow[] = [];
    for (const block of corpus()) {
        rows.push(blockRow(block));
        // Yield, so the batch in flight moves on while this one is made.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (rows.length === batch) {
            await inFlight;
            inFlight = write(rows);
            rows = [];
        }
    }
    await inFlight;
    if (rows.length) {
        await write(rows);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpuStart);
    process.stderr.write('\n');
    const serverSeconds = serverStart === undefined ? undefined : (serverCpu!() - serverStart) / 100;
    return {
        seconds,
        appendSeconds: Number(appendBusy) / 1e9,
        txPerSecond: transactions / seconds,
        cpuSeconds: { node: round((used.user + used.system) / 1e6), server: serverSeconds },
        db,
    };
}

/** CPU microseconds per transaction of making the corpus alone (the peer's stand-in), on a sample. */
function corpusMicrosPerTx(): number {
    const usage = process.cpuUsage();
    let count = 0;
    for (const block of corpus()) {
        blockRow(block);
        count += block.transactions.length;
        if (count >= Math.min(transactions, 20_000)) break;
    }
    const used = process.cpuUsage(usage);
    return round((used.user + used.system) / count);
}

/**
 * CPU seconds (in clock ticks) the PostgreSQL server at `url` has used, when it runs on this
 * machine under tools/postgres/postgres.sh (its postmaster and every backend); undefined otherwise.
 */
function postgresServerCpu(url: string): (() => number) | undefined {
    const port = new URL(url).port || '5432';
    const pidFile = path.join(
        process.env.CARELEDGER_PG_DIR ?? `/tmp/careledger-postgres-${port}`,
        'data',
        'postmaster.pid',
    );
    if (!fs.existsSync(pidFile)) {
        return undefined;
    }
    const master = fs.readFileSync(pidFile, 'utf8').split('\n')[0].trim();
    return () => {
        let ticks = 0;
        for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
            try {
                const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
                const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                if (pid === master || fields[1] === master) {
                    ticks += Number(fields[11]) + Number(fields[12]);
                }
                if (pid === master) {
                    // Backends that ended (a pooled connection closed when idle) are counted in their parent's cutime/cstime.
                    ticks += Number(fields[13]) + Number(fields[14]);
                }
            } catch {
                // the process ended meanwhile
            }
        }
        return ticks;
    };
}

function percentiles(samples: number[]) {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
    return { n: sorted.length, p50: round(at(50)), p99: round(at(99)), max: round(sorted[sorted.length - 1]) };
}
const round = (ms: number) => Math.round(ms * 100) / 100;

async function timeIt(n: number, call: (i: number) => Promise<unknown>) {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
        const started = process.hrtime.bigint();
        await call(i);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return percentiles(samples);
}

async function queryFigures(db: Awaited<ReturnType<typeof openHistoryDatabase>>) {
    const queries = new HistoryQueries(db);
    const regulator = { kind: 'consortium', role: 'inspector' } as const;
    const units = unitsIn(transactions);
    return {
        custodyOfAUnit: await timeIt(queriesPerQuestion, (i) =>
            queries.custody(regulator, { gtin: '09506000134352', serial: `S${(i * 7919) % units}` }),
        ),
        auditByPatient: await timeIt(queriesPerQuestion, (i) =>
            queries.audit(regulator, { patientId: `pat-${(i * 31) % patients}` }),
        ),
        whereIsEveryUnitOf10kLot: await timeIt(Math.min(queriesPerQuestion, 50), () =>
            queries.lotWhereabouts(regulator, { gtin: '09506000134352', lot: 'BIG-LOT' }),
        ),
    };
}

/**
 * Closed loop: `clients` concurrent callers for `seconds`, each call timed; throughput and
 * latency percentiles. A call that throws or `check` refuses counts as an error.
 */
async function closedLoop(clients: number, seconds: number, call: (i: number) => Promise<boolean>) {
    const samples: number[] = [];
    let errors = 0;
    const errorMessages = new Map<string, number>();
    let issued = 0;
    const stopAt = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
        Array.from({ length: clients }, async () => {
            while (performance.now() < stopAt) {
                const i = issued++;
                const begin = performance.now();
                const ok = await call(i).catch((error: unknown) => {
                    const message = error instanceof Error ? error.message : String(error);
                    errorMessages.set(message, (errorMessages.get(message) ?? 0) + 1);
                    return false;
                });
                samples.push(performance.now() - begin);
                if (!ok) errors++;
                // A cached answer resolves without I/O: without this turn of the event loop, clients served from
                // memory would starve the ones waiting on the database (their sockets and the pool's timers), as
                // no real server's requests do (each arrives as I/O).
                await new Promise<void>((resolve) => setImmediate(resolve));
            }
        }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
        clients,
        queriesPerSecond: Math.round(samples.length / elapsed),
        errors,
        ...(errorMessages.size ? { errorMessages: Object.fromEntries(errorMessages) } : {}),
        ...percentiles(samples),
    };
}

/**
 * Verification from the read model over the corpus's index (issue 19), every answer checked:
 * straight from the database, and through the read model's cache as a HistoryIndex runs it
 * (no blocks arrive meanwhile, so after the first read of a key its answers come from memory).
 */
async function readModelFigures(db: Awaited<ReturnType<typeof openHistoryDatabase>>) {
    const units = unitsIn(transactions);
    const credentials = credentialsIn(transactions);
    const run = (model: VerificationReadModel, keys: number) => ({
        product: () =>
            closedLoop(readModelClients, readModelSeconds, async (i) => {
                const answer = await model.verifyProduct({
                    gtin: '09506000134352',
                    serial: `S${((i % keys) * 7919) % units}`,
                });
                return answer.verified || answer.verificationFailureReason === 'Not_for_re-distribution';
            }),
        credential: () =>
            closedLoop(readModelClients, readModelSeconds, async (i) => {
                const n = ((i % keys) * 7919) % credentials;
                const answer = await model.verifyCredential(credentialIdOf(n), { commitment: credentialCommitment(n) });
                return answer.verdict === 'valid';
            }),
    });
    // Straight from the database, every call a different key; through the cache, a working set of 1,000 keys.
    const direct = run(new VerificationReadModel(db), Number.MAX_SAFE_INTEGER);
    const cached = run(new VerificationReadModel(db, new ReadModelCache<VerdictInputs>()), 1_000);
    return {
        verifyProduct: { database: await direct.product(), cachedWorkingSet1000: await cached.product() },
        verifyCredential: { database: await direct.credential(), cachedWorkingSet1000: await cached.credential() },
    };
}

async function sideBySide() {
    const config = { ...loadLedgerConfig(), kind: 'embedded' as const, dataDir: ':memory:' };
    const ledger = await openLedger(config);
    try {
        const regulator = new SupplyClient(ledger.connect(await ledger.identities.get('regulator', 'inspector1')));
        const manufacturer = new SupplyClient(ledger.connect(await ledger.identities.get('manufacturer', 'operator1')));
        await regulator.authorizePartner({ mspId: 'ManufacturerMSP', kind: 'manufacturer' });
        await regulator.authorizePartner({ mspId: 'DistributorMSP', kind: 'distributor' });
        const gtin = `0950600013435${supply.gs1.gs1CheckDigit('0950600013435')}`;
        await manufacturer.registerProduct({ gtin, name: 'Bench', strength: '1 mg', dosageForm: 'tablet' });
        await manufacturer.registerLot({ gtin, lot: 'L10K', expiry: '301231', quantity: lotUnits });
        const serials = Array.from({ length: lotUnits }, (_, i) => `U${i}`);
        const started = Date.now();
        await manufacturer.commissionInBatches(gtin, 'L10K', serials, (done, total) =>
            process.stderr.write(`\r  commissioning ${done}/${total}`),
        );
        process.stderr.write(`\n  commissioned ${lotUnits} units in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        for (let i = 0; i < 20; i++) {
            await manufacturer.ship([{ gtin, serial: `U${i}` }], 'DistributorMSP');
        }
        const index = await HistoryIndex.open({
            databaseUrl: 'memory://',
            session: ledger.connect(await ledger.identities.get('regulator', 'admin')),
            source: 'embedded:bench',
        });
        await index.catchUp();
        const queries = new HistoryQueries(index.db);
        const scope = { kind: 'consortium', role: 'inspector' } as const;
        const n = Math.min(queriesPerQuestion, 50);
        const figures = {
            blocks: (await index.status()).indexedHeight,
            lotWhereabouts10k: {
                chaincode: await timeIt(Math.min(n, 20), () => regulator.lotWhereabouts(gtin, 'L10K')),
                index: await timeIt(n, () => queries.lotWhereabouts(scope, { gtin, lot: 'L10K' })),
            },
            custodyOfAUnit: {
                chaincode: await timeIt(n, (i) => regulator.unitHistory({ gtin, serial: `U${i % 20}` })),
                index: await timeIt(n, (i) => queries.custody(scope, { gtin, serial: `U${i % 20}` })),
            },
        };
        await index.close();
        return { ...figures, ...(await ehrSideBySide(ledger)) };
    } finally {
        await ledger.close();
    }
}

/** Every page of a chaincode list (bookmark paging, 200 a page, the chaincode's maximum). */
async function allPages<T>(
    list: (page: { pageSize: number; bookmark?: string }) => Promise<{ items: T[]; bookmark?: string }>,
) {
    const items: T[] = [];
    let bookmark: string | undefined;
    do {
        const page = await list({ pageSize: 200, bookmark });
        items.push(...page.items);
        bookmark = page.items.length ? page.bookmark : undefined;
    } while (bookmark);
    return items;
}

/**
 * Side by side for the EHR audit and credentials on the same embedded ledger: a patient's trail
 * of `--trail` real accesses (physician1 reading 20 consented records) as ListAuditByPatient
 * pages and as one index query; a licence's history (suspended and reinstated 10 times) as
 * GetCredentialHistory and as the index's issuance history. Each side's rows are counted, so a
 * figure never times an answer shorter than the other's.
 */
async function ehrSideBySide(ledger: Awaited<ReturnType<typeof openLedger>>) {
    const session = async (org: string, user: string) => ledger.connect(await ledger.identities.get(org, user));
    const regulator = new CredentialsClient(await session('regulator', 'admin'));
    const inspector = new EhrClient(await session('regulator', 'inspector1'));
    const physician = new EhrClient(await session('hospital', 'physician1'));
    const patient = new EhrClient(await session('hospital', 'patient1'));
    await regulator.registerIssuer({
        type: 'MedicalLicense',
        mspId: 'RegulatorMSP',
        roles: ['admin'],
        subjectScope: 'any-org',
    });
    const licence = await regulator.issue({
        id: 'lic-bench',
        type: 'MedicalLicense',
        subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
        commitment: commitDocument('bench licence').commitment,
    });
    for (let i = 0; i < 10; i++) {
        await regulator.suspend(licence.id, { code: 'investigation-pending' });
        await regulator.reinstate(licence.id, { code: 'investigation-closed' });
    }
    const { patientId } = await patient.enrolPatient();
    const records = Array.from({ length: 20 }, (_, i) => recordOf(`bench-rec-${i}`, patientId));
    await physician.registerRecords(records);
    await patient.grantConsent({
        id: 'bench-consent',
        grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
        scope: { kind: 'records', recordIds: records.map((r) => r.id) },
        purposes: ['TREAT'],
        period: { end: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const trail = option('trail', 1000);
    const started = Date.now();
    for (let i = 0; i < trail; i++) {
        await physician.accessRecord(records[i % records.length].id, 'TREAT');
        if (i % 50 === 49) process.stderr.write(`\r  accesses ${i + 1}/${trail}`);
    }
    process.stderr.write(`\n  ${trail} accesses in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const index = await HistoryIndex.open({
        databaseUrl: 'memory://',
        session: await session('regulator', 'admin'),
        source: 'embedded:bench-ehr',
    });
    await index.catchUp();
    const queries = new HistoryQueries(index.db);
    const scope = { kind: 'consortium', role: 'inspector' } as const;
    const n = Math.min(queriesPerQuestion, 50);
    let rows = { chaincode: 0, index: 0 };
    const figures = {
        auditTrailOfAPatient: {
            accesses: trail,
            chaincode: await timeIt(n, async () => {
                rows.chaincode = (await allPages((page) => inspector.listAuditByPatient(patientId, page))).length;
            }),
            index: await timeIt(n, async () => {
                let count = 0;
                let cursor: string | undefined;
                do {
                    const page = await queries.audit(scope, { patientId, limit: '500', ...(cursor ? { cursor } : {}) });
                    count += page.items.length;
                    cursor = page.nextCursor;
                } while (cursor);
                rows.index = count;
            }),
            rows,
        },
        credentialHistory: {} as Record<string, unknown>,
    };
    rows = { chaincode: 0, index: 0 };
    figures.credentialHistory = {
        chaincode: await timeIt(n, async () => {
            rows.chaincode = (await allPages((page) => regulator.history(licence.id, page))).length;
        }),
        index: await timeIt(n, async () => {
            rows.index = (await queries.credentialHistory(scope, { credentialId: licence.id })).items.length;
        }),
        rows,
    };
    await index.close();
    return figures;
}

/** Thrown to leave out a database (--skip-pglite). */
const skipped = new Error('skipped');

async function main(): Promise<void> {
    const results: Record<string, unknown> = {
        transactions,
        perBlock,
        queriesPerQuestion,
        node: process.version,
        loadAverageAtStart: os.loadavg().map((n) => round(n)),
    };
    if (args.includes('--only-side-by-side')) {
        results.sideBySide = await sideBySide();
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        return;
    }
    process.stderr.write(`corpus: ${transactions} transactions in ${Math.ceil(transactions / perBlock)} blocks\n`);
    results.corpusMicrosPerTx = corpusMicrosPerTx();
    const corpusCpu = ((results.corpusMicrosPerTx as number) * transactions) / 1e6;
    // In memory by default (as the tests run it); --pglite-disk puts it in a folder, as npm start does.
    const pgliteDir = args.includes('--pglite-disk')
        ? fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-history-bench-'))
        : undefined;
    try {
        if (args.includes('--skip-pglite')) throw skipped;
        const pglite = await ingest(pgliteDir ?? 'memory://');
        results.pglite = {
            storage: pgliteDir ? 'disk' : 'memory',
            ingestSeconds: round(pglite.seconds),
            appendSeconds: round(pglite.appendSeconds),
            txPerSecond: Math.round(pglite.txPerSecond),
            cpuSeconds: pglite.cpuSeconds,
            txPerCpuSecond: Math.round(transactions / pglite.cpuSeconds.node),
            // Without the corpus's making (the peer's stand-in): what the index itself costs.
            indexTxPerCpuSecond: Math.round(transactions / (pglite.cpuSeconds.node - corpusCpu)),
            queries: await queryFigures(pglite.db),
            readModel: await readModelFigures(pglite.db),
        };
        await pglite.db.close();
    } catch (error) {
        if (error !== skipped) throw error;
    } finally {
        if (pgliteDir) {
            fs.rmSync(pgliteDir, { recursive: true, force: true });
        }
    }
    process.stderr.write(`${JSON.stringify(results.pglite)}\n`);
    if (!args.includes('--skip-postgres')) {
        const base =
            process.env.CARELEDGER_HISTORY_PG ??
            execFileSync('bash', [path.join(projectRoot(), 'tools', 'postgres', 'postgres.sh'), 'start'], {
                encoding: 'utf8',
            }).trim();
        const name = `history_bench_${Date.now()}`;
        execFileSync('psql', [base, '-q', '-c', `CREATE DATABASE ${name}`]);
        const postgres = await ingest(base.replace(/\/[^/]*$/, `/${name}`));
        results.postgres = {
            ingestSeconds: round(postgres.seconds),
            appendSeconds: round(postgres.appendSeconds),
            txPerSecond: Math.round(postgres.txPerSecond),
            cpuSeconds: postgres.cpuSeconds,
            txPerCpuSecond:
                postgres.cpuSeconds.server === undefined
                    ? undefined
                    : Math.round(transactions / (postgres.cpuSeconds.node + postgres.cpuSeconds.server)),
            indexTxPerCpuSecond:
                postgres.cpuSeconds.server === undefined
                    ? undefined
                    : Math.round(transactions / (postgres.cpuSeconds.node - corpusCpu + postgres.cpuSeconds.server)),
            queries: await queryFigures(postgres.db),
            readModel: await readModelFigures(postgres.db),
            server: (await postgres.db.query<{ version: string }>('SELECT version()'))[0].version.split(' on ')[0],
        };
        await postgres.db.close();
        execFileSync('psql', [base, '-q', '-c', `DROP DATABASE ${name}`]);
        process.stderr.write(`${JSON.stringify(results.postgres)}\n`);
    }
    if (!args.includes('--skip-side-by-side')) {
        results.sideBySide = await sideBySide();
    }
    results.loadAverageAtEnd = os.loadavg().map((n) => round(n));
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`history bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
});
