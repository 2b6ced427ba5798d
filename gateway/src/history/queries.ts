import type { SqlClient, HistoryDatabase } from './database';
import {
    bool,
    cursor,
    encodeCursor,
    integer,
    invalid,
    limit as pageLimit,
    oneOf,
    onlyFields,
    text,
    timeRange,
    type RawQuery,
} from './input';
import { requireKeyVisible, requireOwnOrg, seesTradeData, visibleRows, type Scope } from './policy';
import { compositeKeyText } from './rows';
import { LedgerError } from '../ledger';
import { RequiredCredential, type AuditEntry, type Credential, type supply } from '@careledger/chaincode';

/** Every answer states the block height it reflects: the index held blocks 0..blockHeight-1. */
export interface Answer<T> {
    blockHeight: number;
    items: T[];
    /** Pass as `cursor` for the next page; absent on the last page. */
    nextCursor?: string;
}

export interface TransactionItem {
    blockNumber: number;
    position: number;
    transactionId: string;
    timestamp: string;
    creatorMspId: string;
    creatorRole: string | null;
    contract: string | null;
    function: string | null;
    validationCode: string;
    eventName: string | null;
}

/** A lot as the index holds it, selected only when recalled. */
type RecalledLot = supply.Lot & { recall: supply.Recall };

/** A unit of a lot as the lot listing shows it. */
type LotUnit = Pick<supply.Unit, 'serial' | 'custodian' | 'status' | 'parent' | 'destination'>;

/** One version of a unit or a container (custody documents; `{}` when the write held no JSON). */
type CustodyDoc = Partial<supply.Unit & supply.Container>;

/** A quarantine (`supply.openSuspect` written) and the delete that closed it, if one did. */
interface SuspectCaseRow {
    key: string;
    block_number: number;
    position: number;
    opened_at: string;
    opened_tx: string;
    opened_by: string;
    closed_at: string | null;
    closed_tx: string | null;
    closed_by: string | null;
    closed_function: string | null;
}

/** An allowed access and the credential that was suspended or revoked at the time. */
interface MisuseRow {
    doc: AuditEntry;
    credential_id: string;
    credential_type: string;
    status: string;
    since: string;
}

/** One written version of a credential and the transaction that wrote it. */
interface CredentialVersionRow {
    key: string;
    block_number: number;
    position: number;
    doc: Credential;
    ts: string;
    tx_id: string;
    creator_msp: string;
    function: string | null;
}

const mspPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$/;
const functionPattern = /^([A-Za-z][A-Za-z0-9_]{0,63}:)?[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * The index's questions, each a few indexed SQL statements run in one read-only snapshot, so
 * rows and the stated block height agree. Rows a viewer may not see are filtered by the shared
 * policy (policy.ts), never here.
 */
export class HistoryQueries {
    constructor(private readonly db: HistoryDatabase) {}

    /** Runs `work` on one consistent snapshot and states the height it reflects. */
    private async snapshot<T>(work: (tx: SqlClient, height: number) => Promise<T>): Promise<T> {
        return this.db.transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
            const [row] = await tx.query<{ next_block: number }>(
                'SELECT next_block FROM history_checkpoint WHERE id = 1',
            );
            return work(tx, row?.next_block ?? 0);
        });
    }

    async height(): Promise<number> {
        return this.snapshot(async (_tx, height) => height);
    }

    /** Transactions by key, function, org, time range, validation code or event, in ledger order. */
    async transactions(scope: Scope, query: RawQuery): Promise<Answer<TransactionItem>> {
        onlyFields(query, [
            'txId',
            'key',
            'function',
            'org',
            'from',
            'to',
            'validationCode',
            'event',
            'cursor',
            'limit',
        ]);
        // A client told "commit status unknown" looks its own transaction up by id before retrying.
        const txId = text(query, 'txId', { pattern: /^[0-9a-f]{64}$/ });
        const key = text(query, 'key', { max: 1024 });
        const fn = text(query, 'function', { pattern: functionPattern });
        const org = text(query, 'org', { pattern: mspPattern });
        const { from, to } = timeRange(query);
        const code = text(query, 'validationCode', { pattern: /^[A-Z_]{1,64}$/ });
        const event = text(query, 'event', { pattern: /^[A-Za-z0-9_.]{1,128}$/ });
        const after = cursor(query, 'tx', ['number', 'number']);
        const limit = pageLimit(query);
        requireOwnOrg(scope, 'org', org);
        const params: unknown[] = [];
        const p = (value: unknown) => (params.push(value), `$${params.length}`);
        const where = [visibleRows(scope, 'transactions', params)];
        if (txId !== undefined) where.push(`t.tx_id = ${p(txId)}`);
        if (key !== undefined) {
            where.push(
                `(t.block_number, t.position) IN (SELECT w.block_number, w.position FROM history_writes w WHERE w.key = ${p(normaliseKey(key))})`,
            );
        }
        if (fn !== undefined) {
            const [contract, name] = fn.includes(':') ? fn.split(':') : [undefined, fn];
            where.push(`t.function = ${p(name)}`);
            if (contract) {
                where.push(`t.contract = ${p(contract)}`);
            }
        }
        if (org !== undefined) where.push(`t.creator_msp = ${p(org)}`);
        if (from !== undefined) where.push(`t.ts >= ${p(from)}`);
        if (to !== undefined) where.push(`t.ts <= ${p(to)}`);
        if (code !== undefined) where.push(`t.validation_code = ${p(code)}`);
        if (event !== undefined) where.push(`t.event_name = ${p(event)}`);
        if (after) where.push(`(t.block_number, t.position) > (${p(after[0])}, ${p(after[1])})`);
        return this.snapshot(async (tx, height) => {
            where.push(`t.block_number < ${p(height)}`);
            const rows = await tx.query<Record<string, unknown>>(
                `SELECT t.block_number, t.position, t.tx_id, t.ts, t.creator_msp, t.creator_role, t.contract, t.function,
                        t.validation_code, t.event_name
                 FROM history_transactions t WHERE ${where.join(' AND ')}
                 ORDER BY t.block_number, t.position LIMIT ${p(limit + 1)}`,
                params,
            );
            return page(height, rows.map(transactionItem), limit, (item) =>
                encodeCursor('tx', [item.blockNumber, item.position]),
            );
        });
    }

    /** What key K held as of block N (default: now), with the transaction that wrote it. */
    async keyAt(scope: Scope, query: RawQuery) {
        onlyFields(query, ['key', 'block']);
        const key = normaliseKey(text(query, 'key', { required: true, max: 1024 }) as string);
        const block = integer(query, 'block');
        requireKeyVisible(scope, key.startsWith('[') ? (JSON.parse(key) as string[])[0] : undefined);
        return this.snapshot(async (tx, height) => {
            if (block !== undefined && block >= height) {
                throw invalid('block', `the index holds blocks 0 to ${height - 1}`);
            }
            const params: unknown[] = [key, block ?? height - 1];
            const visible = visibleRows(scope, 'transactions', params);
            const rows = await tx.query<Record<string, unknown>>(
                `SELECT w.is_delete, w.value, w.doc, t.block_number, t.position, t.tx_id, t.ts, t.creator_msp,
                        t.creator_role, t.contract, t.function, t.validation_code, t.event_name
                 FROM history_writes w JOIN history_transactions t USING (block_number, position)
                 WHERE w.key = $1 AND w.block_number <= $2 AND ${visible}
                 ORDER BY w.block_number DESC, w.position DESC LIMIT 1`,
                params,
            );
            const row = rows[0];
            return {
                blockHeight: height,
                key,
                asOfBlock: block ?? height - 1,
                exists: row !== undefined && !row.is_delete,
                value: row && !row.is_delete ? (row.doc ?? (row.value as Buffer).toString('base64')) : undefined,
                writtenBy: row ? transactionItem(row) : undefined,
            };
        });
    }

    /**
     * Chain of custody of one unit: every version of the unit (custodian, status, container),
     * and the history of each container it travelled in, up through pallets.
     */
    async custody(scope: Scope, query: RawQuery) {
        onlyFields(query, ['gtin', 'serial']);
        const gtin = text(query, 'gtin', { required: true, pattern: /^\d{14}$/ }) as string;
        const serial = text(query, 'serial', { required: true, pattern: /^[\x21-\x7e]{1,20}$/ }) as string;
        return this.snapshot(async (tx, height) => {
            const versions = await objectVersions(tx, compositeKeyText('supply.unit', [gtin, serial]), height);
            if (versions.length === 0) {
                throw new LedgerError('NOT_FOUND', `no unit ${gtin}/${serial} in the index (height ${height})`);
            }
            requireSupplyVisible(
                scope,
                versions.map((v) => v.doc),
            );
            const containers: Array<{ sscc: string; versions: typeof versions }> = [];
            const seen = new Set<string>();
            let pending = parentsOf(versions);
            for (let level = 0; level < 4 && pending.length; level++) {
                const next: string[] = [];
                for (const sscc of pending.filter((s) => !seen.has(s))) {
                    seen.add(sscc);
                    const history = await objectVersions(tx, compositeKeyText('supply.container', [sscc]), height);
                    containers.push({ sscc, versions: history });
                    next.push(...parentsOf(history));
                }
                pending = next;
            }
            return {
                blockHeight: height,
                unit: versions[versions.length - 1].doc,
                custody: versions.map(custodyEntry),
                containers: containers.map((c) => ({ sscc: c.sscc, custody: c.versions.map(custodyEntry) })),
            };
        });
    }

    /** Where every unit of a lot is now: counts by custodian and status, and optionally the units, paged. */
    async lotWhereabouts(scope: Scope, query: RawQuery) {
        onlyFields(query, ['gtin', 'lot', 'units', 'cursor', 'limit']);
        const gtin = text(query, 'gtin', { required: true, pattern: /^\d{14}$/ }) as string;
        const lot = text(query, 'lot', { required: true, pattern: /^[\x21-\x7e]{1,20}$/ }) as string;
        const listUnits = bool(query, 'units') ?? false;
        const after = cursor(query, 'units', ['string']);
        const limit = pageLimit(query, 1000, 100);
        return this.snapshot(async (tx, height) => {
            const params: unknown[] = [gtin, lot];
            const visible = visibleRows(scope, 'supply', params);
            const groups = await tx.query<{
                custodian: string;
                status: string;
                destination: string | null;
                count: number;
            }>(
                `SELECT u.doc->>'custodian' AS custodian, u.doc->>'status' AS status, u.doc->>'destination' AS destination,
                        count(*)::int AS count
                 FROM history_state u
                 WHERE u.object_type = 'supply.unit' AND u.doc->>'gtin' = $1 AND u.doc->>'lot' = $2 AND ${visible}
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
                params,
            );
            const total = groups.reduce((sum, g) => sum + g.count, 0);
            const answer: Answer<LotUnit> & {
                gtin: string;
                lot: string;
                total: number;
                byCustodian: unknown[];
            } = {
                blockHeight: height,
                gtin,
                lot,
                total,
                byCustodian: groups.map((g) => ({ ...g, destination: g.destination ?? undefined })),
                items: [],
            };
            if (listUnits) {
                if (after) params.push(after[0]);
                params.push(limit + 1);
                const rows = await tx.query<{ key: string; doc: supply.Unit }>(
                    `SELECT u.key, u.doc FROM history_state u
                     WHERE u.object_type = 'supply.unit' AND u.doc->>'gtin' = $1 AND u.doc->>'lot' = $2 AND ${visible}
                     ${after ? `AND u.key > $${params.length - 1}` : ''}
                     ORDER BY u.key LIMIT $${params.length}`,
                    params,
                );
                const keyed = rows.map((r) => ({
                    key: r.key,
                    serial: r.doc.serial,
                    custodian: r.doc.custodian,
                    status: r.doc.status,
                    parent: r.doc.parent,
                    destination: r.doc.destination,
                }));
                const paged = page(height, keyed, limit, (item) => encodeCursor('units', [item.key]));
                answer.items = paged.items.map(({ key: _key, ...rest }) => rest);
                answer.nextCursor = paged.nextCursor;
            }
            return answer;
        });
    }

    /**
     * Recalled lots. A recall is a public notice (the ledger's GetLot shows it to every member), so
     * every viewer gets the notices — lot, class, when, by whom; the reach of each recall is trade
     * data, added for the regulator and trading roles only (see {@link recallReach}).
     */
    async recalls(scope: Scope, query: RawQuery): Promise<Answer<RecallNotice | RecallReach>> {
        if (seesTradeData(scope)) {
            return this.recallReach(scope, query);
        }
        onlyFields(query, ['gtin', 'lot']);
        return this.snapshot(async (tx, height) => ({
            blockHeight: height,
            items: (await recalledLots(tx, query)).map(recallNotice),
        }));
    }

    /**
     * Recalled lots and their reach: units in the lot, how many were located and secured since the
     * recall, over time — over the units the viewer may see (trade data: FORBIDDEN to other roles,
     * whether or not any lot is recalled).
     */
    async recallReach(scope: Scope, query: RawQuery): Promise<Answer<RecallReach>> {
        onlyFields(query, ['gtin', 'lot']);
        visibleRows(scope, 'supply', []); // decided before any row: the answer never depends on the data
        return this.snapshot(async (tx, height) => {
            const lots = await recalledLots(tx, query);
            const items: RecallReach[] = [];
            for (const doc of lots) {
                const unitParams: unknown[] = [doc.gtin, doc.lot, doc.recall.at, doc.suspect?.since ?? null];
                const visible = visibleRows(scope, 'supply', unitParams);
                const [reach] = await tx.query<{
                    units: number;
                    located: number;
                    secured: number;
                    dispensed_after: number;
                }>(
                    `WITH units AS (
                        SELECT u.key, u.doc FROM history_state u
                        WHERE u.object_type = 'supply.unit' AND u.doc->>'gtin' = $1 AND u.doc->>'lot' = $2 AND ${visible}),
                     after AS (
                        SELECT w.key, min(t.ts) AS located_at,
                               min(t.ts) FILTER (WHERE w.doc->'suspect' IS NOT NULL OR w.doc->>'status' = 'decommissioned') AS secured_at,
                               min(t.ts) FILTER (WHERE w.doc->>'status' = 'dispensed') AS dispensed_at
                        FROM history_writes w JOIN history_transactions t USING (block_number, position)
                        WHERE w.key IN (SELECT key FROM units) AND t.ts >= $3 GROUP BY w.key)
                     SELECT count(*)::int AS units, count(a.located_at)::int AS located,
                            count(*) FILTER (WHERE a.secured_at IS NOT NULL OR $4::text IS NOT NULL)::int AS secured,
                            count(a.dispensed_at)::int AS dispensed_after
                     FROM units LEFT JOIN after a USING (key)`,
                    unitParams,
                );
                const timeline = await tx.query<{ day: string; located: number; secured: number }>(
                    `WITH units AS (
                        SELECT u.key FROM history_state u
                        WHERE u.object_type = 'supply.unit' AND u.doc->>'gtin' = $1 AND u.doc->>'lot' = $2 AND ${visible}),
                     firsts AS (
                        SELECT w.key, min(t.ts) AS located_at,
                               min(t.ts) FILTER (WHERE w.doc->'suspect' IS NOT NULL OR w.doc->>'status' = 'decommissioned') AS secured_at
                        FROM history_writes w JOIN history_transactions t USING (block_number, position)
                        WHERE w.key IN (SELECT key FROM units) AND t.ts >= $3 GROUP BY w.key),
                     days AS (SELECT substr(located_at, 1, 10) AS day FROM firsts
                              UNION SELECT substr(secured_at, 1, 10) FROM firsts WHERE secured_at IS NOT NULL
                              UNION SELECT substr($4::text, 1, 10) WHERE $4::text IS NOT NULL)
                     SELECT d.day,
                            (SELECT count(*) FROM firsts f WHERE substr(f.located_at, 1, 10) <= d.day)::int AS located,
                            (SELECT count(*) FROM units x LEFT JOIN firsts f USING (key)
                             WHERE ($4::text IS NOT NULL AND substr($4::text, 1, 10) <= d.day)
                                OR substr(f.secured_at, 1, 10) <= d.day)::int AS secured
                     FROM days d ORDER BY d.day`,
                    unitParams,
                );
                items.push({
                    ...recallNotice(doc),
                    units: reach.units,
                    located: reach.located,
                    secured: reach.secured,
                    dispensedAfterRecall: reach.dispensed_after,
                    locatedShare: reach.units ? reach.located / reach.units : 0,
                    securedShare: reach.units ? reach.secured / reach.units : 0,
                    timeline: timeline.map((d) => ({ day: d.day, located: d.located, secured: d.secured })),
                });
            }
            return { blockHeight: height, items };
        });
    }

    /** Suspect-product cases (unit or lot quarantines): opened, closed (cleared or confirmed illegitimate), time to resolution. */
    async suspectCases(scope: Scope, query: RawQuery) {
        onlyFields(query, ['status', 'from', 'to', 'cursor', 'limit']);
        const status = oneOf(query, 'status', ['open', 'closed']);
        const { from, to } = timeRange(query, 3660);
        const after = cursor(query, 'cases', ['number', 'number', 'string']);
        const limit = pageLimit(query);
        return this.snapshot(async (tx, height) => {
            const params: unknown[] = [];
            const p = (value: unknown) => (params.push(value), `$${params.length}`);
            const where = [visibleRows(scope, 'suspectCases', params)];
            if (status === 'open') where.push('c.block_number IS NULL');
            if (status === 'closed') where.push('c.block_number IS NOT NULL');
            if (from) where.push(`ot.ts >= ${p(from)}`);
            if (to) where.push(`ot.ts <= ${p(to)}`);
            if (after)
                where.push(`(o.block_number, o.position, o.key) > (${p(after[0])}, ${p(after[1])}, ${p(after[2])})`);
            const rows = await tx.query<SuspectCaseRow>(
                `SELECT o.key, o.block_number, o.position, o.doc AS opened, ot.ts AS opened_at, ot.tx_id AS opened_tx,
                        ot.creator_msp AS opened_by, ct.ts AS closed_at, ct.tx_id AS closed_tx, ct.creator_msp AS closed_by,
                        ct.function AS closed_function
                 FROM history_writes o
                 JOIN history_transactions ot ON ot.block_number = o.block_number AND ot.position = o.position
                 LEFT JOIN LATERAL (
                     SELECT x.block_number, x.position FROM history_writes x
                     WHERE x.key = o.key AND x.is_delete AND (x.block_number, x.position) > (o.block_number, o.position)
                     ORDER BY x.block_number, x.position LIMIT 1) c ON TRUE
                 LEFT JOIN history_transactions ct ON ct.block_number = c.block_number AND ct.position = c.position
                 WHERE o.object_type = 'supply.openSuspect' AND NOT o.is_delete AND ${where.join(' AND ')}
                 ORDER BY o.block_number, o.position, o.key LIMIT ${p(limit + 1)}`,
                params,
            );
            const items = rows.map((r) => {
                const parts = JSON.parse(r.key) as string[];
                return {
                    target:
                        parts[1] === 'lot'
                            ? { kind: 'lot', gtin: parts[2], lot: parts[3] }
                            : { kind: 'unit', gtin: parts[2], serial: parts[3] },
                    openedAt: r.opened_at as string,
                    openedBy: r.opened_by as string,
                    openedTxId: r.opened_tx as string,
                    closedAt: (r.closed_at as string | null) ?? undefined,
                    closedBy: (r.closed_by as string | null) ?? undefined,
                    closedTxId: (r.closed_tx as string | null) ?? undefined,
                    outcome: r.closed_at
                        ? /illegitimate/i.test(r.closed_function ?? '')
                            ? 'confirmed-illegitimate'
                            : 'cleared'
                        : 'open',
                    hoursToResolution: r.closed_at
                        ? (Date.parse(r.closed_at) - Date.parse(r.opened_at)) / 3_600_000
                        : undefined,
                    _cursor: [r.block_number, r.position, r.key] as [number, number, string],
                };
            });
            const answer = page(height, items, limit, (item) => encodeCursor('cases', item._cursor));
            return { ...answer, items: answer.items.map(({ _cursor, ...rest }) => rest) };
        });
    }

    /** EHR access audit: by record, patient, practitioner, org, outcome, purpose, break-glass, time. */
    async audit(scope: Scope, query: RawQuery) {
        onlyFields(query, [
            'recordId',
            'patientId',
            'practitioner',
            'agentOrg',
            'custodian',
            'outcome',
            'purpose',
            'breakGlass',
            'from',
            'to',
            'cursor',
            'limit',
        ]);
        const recordId = text(query, 'recordId', { pattern: idPattern });
        const patientId = text(query, 'patientId', { pattern: idPattern });
        const practitioner = text(query, 'practitioner', { pattern: idPattern });
        const agentOrg = text(query, 'agentOrg', { pattern: mspPattern });
        const custodian = text(query, 'custodian', { pattern: mspPattern });
        const outcome = oneOf(query, 'outcome', ['allowed', 'denied']);
        const purpose = text(query, 'purpose', { pattern: /^[A-Z]{2,16}$/ });
        const breakGlass = bool(query, 'breakGlass');
        const { from, to } = timeRange(query);
        const after = cursor(query, 'audit', ['string', 'string']);
        const limit = pageLimit(query);
        if (scope.kind === 'patient' && patientId !== undefined && patientId !== scope.patientId) {
            throw new LedgerError('FORBIDDEN', 'patientId: a patient sees only their own trail', {
                field: 'patientId',
            });
        }
        return this.snapshot(async (tx, height) => {
            const params: unknown[] = [];
            const p = (value: unknown) => (params.push(value), `$${params.length}`);
            const where = [`a.object_type = 'ehr.audit'`, visibleRows(scope, 'audit', params)];
            if (recordId) where.push(`a.doc->'entity'->>'recordId' = ${p(recordId)}`);
            if (patientId) where.push(`a.doc->'entity'->>'patientId' = ${p(patientId)}`);
            if (practitioner) where.push(`a.doc->'agent'->>'actorId' = ${p(practitioner)}`);
            if (agentOrg) where.push(`a.doc->'agent'->>'mspId' = ${p(agentOrg)}`);
            if (custodian) where.push(`a.doc->'entity'->>'custodianMsp' = ${p(custodian)}`);
            if (outcome) where.push(`a.doc->>'outcome' = ${p(outcome === 'allowed' ? '0' : '4')}`);
            if (purpose) where.push(`a.doc->>'purposeOfEvent' = ${p(purpose)}`);
            if (breakGlass !== undefined) where.push(`(a.doc->>'emergency')::boolean = ${p(breakGlass)}`);
            if (from) where.push(`a.doc->>'recorded' >= ${p(from)}`);
            if (to) where.push(`a.doc->>'recorded' <= ${p(to)}`);
            if (after) where.push(`(a.doc->>'recorded', a.key) > (${p(after[0])}, ${p(after[1])})`);
            const rows = await tx.query<{ key: string; doc: AuditEntry; block_number: number }>(
                `SELECT a.key, a.doc, a.block_number FROM history_state a WHERE ${where.join(' AND ')}
                 ORDER BY a.doc->>'recorded', a.key LIMIT ${p(limit + 1)}`,
                params,
            );
            const items = rows.map((r) => ({
                ...auditItem(r.doc),
                blockNumber: r.block_number,
                _cursor: [r.doc.recorded as string, r.key],
            }));
            const answer = page(height, items, limit, (item) => encodeCursor('audit', item._cursor));
            return { ...answer, items: answer.items.map(({ _cursor, ...rest }) => rest) };
        });
    }

    /**
     * Accesses allowed while the practitioner's licence was suspended or revoked (there should be
     * none): the chaincode's own question asked again of the index's key history. For each allowed
     * audit entry, the state its transaction read is every write before it (block, position): the
     * practitioner's current-credential pointer for the licence the role needs
     * (`RequiredCredential`), that credential's version then, and the regulator's hold. An entry
     * is reported when the hold was in force or that version was suspended or revoked; a revoked
     * older credential replaced by a valid one, or another type's suspension, is not misuse.
     */
    async credentialMisuse(scope: Scope, query: RawQuery) {
        onlyFields(query, ['from', 'to', 'limit']);
        const { from, to } = timeRange(query, 3660);
        const limit = pageLimit(query, 1000, 100);
        return this.snapshot(async (tx, height) => {
            const params: unknown[] = [];
            const p = (value: unknown) => (params.push(value), `$${params.length}`);
            const where = [
                `a.object_type = 'ehr.audit'`,
                `a.doc->>'outcome' = '0'`,
                `a.block_number < ${p(height)}`,
                visibleRows(scope, 'audit', params),
            ];
            if (from) where.push(`a.doc->>'recorded' >= ${p(from)}`);
            if (to) where.push(`a.doc->>'recorded' <= ${p(to)}`);
            const required = Object.entries(RequiredCredential)
                .map(([role, type]) => `WHEN ${p(role)} THEN ${p(type)}`)
                .join(' ');
            /** The last write of `keyText` before the access's transaction. */
            const writeBefore = (keyText: string) =>
                `SELECT w.doc, w.is_delete FROM history_writes w
                 WHERE w.key = ${keyText} AND (w.block_number, w.position) < (ac.block_number, ac.position)
                 ORDER BY w.block_number DESC, w.position DESC LIMIT 1`;
            const json = (expression: string) => `to_json(${expression})::text`;
            const subjectKey = (objectType: string) =>
                `'["${objectType}",' || ${json('ac.msp')} || ',' || ${json('ac.actor')} || ',' || ${json('ac.type')} || ']'`;
            const rows = await tx.query<MisuseRow>(
                `WITH accesses AS (
                    SELECT a.doc, a.key, a.block_number, a.position, a.doc->'agent'->>'mspId' AS msp,
                           a.doc->'agent'->>'actorId' AS actor,
                           CASE a.doc->'agent'->>'role' ${required} END AS type
                    FROM history_state a WHERE ${where.join(' AND ')})
                 SELECT ac.doc, ptr.doc->>'credentialId' AS credential_id, ac.type AS credential_type,
                        CASE WHEN hold.doc IS NOT NULL AND NOT hold.is_delete THEN 'suspended' ELSE cred.doc->>'status' END AS status,
                        CASE WHEN hold.doc IS NOT NULL AND NOT hold.is_delete THEN hold.doc->>'since'
                             ELSE cred.doc->>'statusChangedAt' END AS since
                 FROM accesses ac
                 LEFT JOIN LATERAL (${writeBefore(subjectKey('credentials.current'))}) ptr ON TRUE
                 LEFT JOIN LATERAL (${writeBefore(`'["credentials.credential",' || ${json(`ptr.doc->>'credentialId'`)} || ']'`)}) cred ON TRUE
                 LEFT JOIN LATERAL (${writeBefore(subjectKey('credentials.regulatorhold'))}) hold ON TRUE
                 WHERE ac.type IS NOT NULL
                   AND ((hold.doc IS NOT NULL AND NOT hold.is_delete)
                        OR (ptr.doc IS NOT NULL AND NOT ptr.is_delete AND cred.doc->>'status' IN ('suspended', 'revoked')))
                 ORDER BY ac.doc->>'recorded', ac.key LIMIT ${p(limit)}`,
                params,
            );
            return {
                blockHeight: height,
                items: rows.map((r) => ({
                    access: auditItem(r.doc),
                    credential: { id: r.credential_id, type: r.credential_type, status: r.status, since: r.since },
                })),
            };
        });
    }

    /** Credential issuance history: every version written (issue, renewal, suspension, reinstatement, revocation). */
    async credentialHistory(scope: Scope, query: RawQuery) {
        onlyFields(query, ['credentialId', 'issuer', 'subjectOrg', 'subject', 'type', 'from', 'to', 'cursor', 'limit']);
        const credentialId = text(query, 'credentialId', { pattern: idPattern });
        const issuer = text(query, 'issuer', { pattern: mspPattern });
        const subjectOrg = text(query, 'subjectOrg', { pattern: mspPattern });
        const subject = text(query, 'subject', { pattern: idPattern });
        const type = text(query, 'type', { pattern: /^[A-Za-z][A-Za-z0-9]{0,63}$/ });
        const { from, to } = timeRange(query, 3660);
        const after = cursor(query, 'cred', ['number', 'number', 'string']);
        const limit = pageLimit(query);
        return this.snapshot(async (tx, height) => {
            const params: unknown[] = [];
            const p = (value: unknown) => (params.push(value), `$${params.length}`);
            const where = [
                `c.object_type = 'credentials.credential'`,
                'NOT c.is_delete',
                `c.block_number < ${p(height)}`,
                visibleRows(scope, 'credentials', params),
            ];
            if (credentialId) where.push(`c.doc->>'id' = ${p(credentialId)}`);
            if (issuer) where.push(`c.doc->'issuer'->>'mspId' = ${p(issuer)}`);
            if (subjectOrg) where.push(`c.doc->'subject'->>'mspId' = ${p(subjectOrg)}`);
            if (subject) where.push(`c.doc->'subject'->>'actorId' = ${p(subject)}`);
            if (type) where.push(`c.doc->>'type' = ${p(type)}`);
            if (from) where.push(`t.ts >= ${p(from)}`);
            if (to) where.push(`t.ts <= ${p(to)}`);
            if (after)
                where.push(`(c.block_number, c.position, c.key) > (${p(after[0])}, ${p(after[1])}, ${p(after[2])})`);
            const rows = await tx.query<CredentialVersionRow>(
                `SELECT c.key, c.block_number, c.position, c.doc, t.ts, t.tx_id, t.creator_msp, t.function
                 FROM history_writes c JOIN history_transactions t USING (block_number, position)
                 WHERE ${where.join(' AND ')} ORDER BY c.block_number, c.position, c.key LIMIT ${p(limit + 1)}`,
                params,
            );
            const items = rows.map((r) => ({
                credentialId: r.doc.id,
                type: r.doc.type,
                version: r.doc.version,
                subject: r.doc.subject,
                issuer: r.doc.issuer?.mspId,
                status: r.doc.status,
                statusReason: r.doc.statusReason?.code,
                validFrom: r.doc.validFrom,
                validUntil: r.doc.validUntil,
                function: r.function,
                at: r.ts,
                transactionId: r.tx_id,
                blockNumber: r.block_number,
                _cursor: [r.block_number, r.position, r.key] as [number, number, string],
            }));
            const answer = page(height, items, limit, (item) => encodeCursor('cred', item._cursor));
            return { ...answer, items: answer.items.map(({ _cursor, ...rest }) => rest) };
        });
    }
}

/** Accepts a key as the index writes it (`["supply.unit","0…","S1"]`) or as `objectType~part~part`. */
function normaliseKey(key: string): string {
    if (key.startsWith('[')) {
        let parts: unknown;
        try {
            parts = JSON.parse(key);
        } catch {
            throw invalid('key', 'a composite key is a JSON array of strings: ["objectType","part",...]');
        }
        if (!Array.isArray(parts) || parts.length === 0 || !parts.every((part) => typeof part === 'string')) {
            throw invalid('key', 'a composite key is a JSON array of strings: ["objectType","part",...]');
        }
        return JSON.stringify(parts);
    }
    return key.includes('~') ? JSON.stringify(key.split('~')) : key;
}

function page<T>(height: number, rows: T[], limit: number, cursorOf: (item: T) => string): Answer<T> {
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { blockHeight: height, items, ...(more ? { nextCursor: cursorOf(items[items.length - 1]) } : {}) };
}

function transactionItem(row: Record<string, unknown>): TransactionItem {
    return {
        blockNumber: row.block_number as number,
        position: row.position as number,
        transactionId: row.tx_id as string,
        timestamp: row.ts as string,
        creatorMspId: row.creator_msp as string,
        creatorRole: row.creator_role as string | null,
        contract: row.contract as string | null,
        function: row.function as string | null,
        validationCode: row.validation_code as string,
        eventName: row.event_name as string | null,
    };
}

interface ObjectVersion {
    blockNumber: number;
    transactionId: string;
    at: string;
    function: string | null;
    creatorMspId: string;
    doc: CustodyDoc;
}

async function objectVersions(tx: SqlClient, key: string, height: number): Promise<ObjectVersion[]> {
    const rows = await tx.query<{
        block_number: number;
        doc: CustodyDoc | null;
        tx_id: string;
        ts: string;
        function: string | null;
        creator_msp: string;
    }>(
        `SELECT w.block_number, w.doc, t.tx_id, t.ts, t.function, t.creator_msp
         FROM history_writes w JOIN history_transactions t USING (block_number, position)
         WHERE w.key = $1 AND NOT w.is_delete AND w.block_number < $2 ORDER BY w.block_number, w.position`,
        [key, height],
    );
    return rows.map((r) => ({
        blockNumber: r.block_number,
        transactionId: r.tx_id,
        at: r.ts,
        function: r.function,
        creatorMspId: r.creator_msp,
        doc: r.doc ?? {},
    }));
}

function parentsOf(versions: ObjectVersion[]): string[] {
    return [...new Set(versions.map((v) => v.doc.parent).filter((p): p is string => typeof p === 'string'))];
}

function custodyEntry(version: ObjectVersion) {
    return {
        blockNumber: version.blockNumber,
        transactionId: version.transactionId,
        at: version.at,
        function: version.function,
        by: version.creatorMspId,
        status: version.doc.status,
        custodian: version.doc.custodian,
        destination: version.doc.destination,
        shipment: version.doc.shipment,
        parent: version.doc.parent,
        suspect: version.doc.suspect !== undefined,
    };
}

/** A recall as its public notice: the lot, the recall's class, when and by whom, and a lot quarantine. */
export interface RecallNotice {
    gtin: string;
    lot: string;
    recall: Pick<supply.Recall, 'recallClass' | 'at' | 'by' | 'txId'>;
    lotQuarantinedSince?: string;
}

/** A recall with its reach over the units the viewer may see. */
export interface RecallReach extends RecallNotice {
    units: number;
    located: number;
    secured: number;
    dispensedAfterRecall: number;
    locatedShare: number;
    securedShare: number;
    timeline: Array<{ day: string; located: number; secured: number }>;
}

async function recalledLots(tx: SqlClient, query: RawQuery): Promise<RecalledLot[]> {
    const gtin = text(query, 'gtin', { pattern: /^\d{14}$/ });
    const lot = text(query, 'lot', { pattern: /^[\x21-\x7e]{1,20}$/ });
    const params: unknown[] = [];
    const p = (value: unknown) => (params.push(value), `$${params.length}`);
    const where = [`l.object_type = 'supply.lot'`, `l.doc->'recall' IS NOT NULL`];
    if (gtin) where.push(`l.doc->>'gtin' = ${p(gtin)}`);
    if (lot) where.push(`l.doc->>'lot' = ${p(lot)}`);
    const lots = await tx.query<{ doc: RecalledLot }>(
        `SELECT l.doc FROM history_state l WHERE ${where.join(' AND ')} ORDER BY l.doc->'recall'->>'at', l.key`,
        params,
    );
    return lots.map((row) => row.doc);
}

function recallNotice(doc: RecalledLot): RecallNotice {
    return {
        gtin: doc.gtin,
        lot: doc.lot,
        recall: {
            recallClass: doc.recall.recallClass,
            at: doc.recall.at,
            by: doc.recall.by,
            txId: doc.recall.txId,
        },
        lotQuarantinedSince: doc.suspect?.since,
    };
}

/** A unit's chain is visible to the trading roles of an org that made, held or was sent it; the regulator sees all. */
function requireSupplyVisible(scope: Scope, docs: CustodyDoc[]): void {
    if (scope.kind === 'consortium') {
        return;
    }
    const params: unknown[] = [];
    visibleRows(scope, 'supply', params); // throws for a patient, a clinician: trade data
    const msp = params[0];
    if (!docs.some((d) => d.custodian === msp || d.manufacturer === msp || d.destination === msp)) {
        throw new LedgerError('FORBIDDEN', `${String(msp)} never made, held or received this unit`);
    }
}

function auditItem(doc: AuditEntry) {
    return {
        auditId: doc.id,
        recorded: doc.recorded,
        outcome: doc.outcome === '0' ? 'allowed' : 'denied',
        denialReason: doc.outcomeDesc,
        purpose: doc.purposeOfEvent,
        breakGlass: doc.emergency === true,
        reasonCode: doc.reasonCode,
        agent: { mspId: doc.agent?.mspId, actorId: doc.agent?.actorId, role: doc.agent?.role },
        recordId: doc.entity?.recordId,
        patientId: doc.entity?.patientId,
        custodianMsp: doc.entity?.custodianMsp,
        consentId: doc.consentId,
    };
}
