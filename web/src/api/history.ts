import type { Api } from './client';

/**
 * The history index's routes (`/history/*`, tag `history` in /openapi.json; gateway/src/history/README.md):
 * regulators' questions answered from the org's index of ledger blocks. Every answer states
 * `blockHeight` — it reflects blocks 0..blockHeight-1 — and lists page with an opaque
 * `nextCursor` that stays valid as blocks are added.
 */

/** Any index answer: the number of blocks it reflects. */
export interface IndexAnswer {
    blockHeight: number;
}

/** A page of an index list. */
export interface IndexPage<T> extends IndexAnswer {
    items: T[];
    nextCursor?: string;
}

export interface IndexStatus extends IndexAnswer {
    state: string;
    indexedHeight: number;
    ledgerHeight?: number;
    lag?: number;
    database: string;
    schemaVersion: number;
    failures: number;
    lastError?: string;
    lastWriteAt?: string;
}

export interface LotUnit {
    serial: string;
    custodian: string;
    status: string;
    parent?: string;
    destination?: string;
}

export interface LotWhereabouts extends IndexPage<LotUnit> {
    gtin: string;
    lot: string;
    total: number;
    byCustodian: Array<{ custodian: string; status: string; destination?: string; count: number }>;
}

/** One version of a unit or container: who held it, in what state, inside what. */
export interface CustodyEntry {
    blockNumber: number;
    transactionId: string;
    at: string;
    function: string | null;
    by: string;
    status?: string;
    custodian?: string;
    destination?: string;
    shipment?: string;
    parent?: string;
    suspect: boolean;
}

export interface UnitCustody extends IndexAnswer {
    unit: { gtin: string; serial: string; lot?: string; custodian?: string; status?: string; parent?: string };
    custody: CustodyEntry[];
    /** Each case and pallet the unit travelled in, up through pallets, with its own custody. */
    containers: Array<{ sscc: string; custody: CustodyEntry[] }>;
}

export interface IndexAuditItem {
    auditId: string;
    recorded: string;
    outcome: 'allowed' | 'denied';
    denialReason?: string;
    purpose?: string;
    breakGlass: boolean;
    reasonCode?: string;
    agent: { mspId?: string; actorId?: string; role?: string };
    recordId?: string;
    patientId?: string;
    custodianMsp?: string;
    consentId?: string;
    blockNumber: number;
}

/** The audit search's filters, as the route names them. */
export interface AuditFilter {
    recordId?: string;
    patientId?: string;
    practitioner?: string;
    agentOrg?: string;
    custodian?: string;
    outcome?: '' | 'allowed' | 'denied';
    purpose?: string;
    breakGlass?: '' | 'true' | 'false';
    from?: string;
    to?: string;
}

export interface MisuseItem {
    access: Omit<IndexAuditItem, 'blockNumber'>;
    credential: { id?: string; type: string; status: string; since?: string };
}

export const reportNames = ['break-glass-monthly', 'recall-effectiveness', 'suspect-resolution'] as const;
export type ReportName = (typeof reportNames)[number];

export interface Report extends IndexAnswer {
    name: ReportName;
    title: string;
    columns: string[];
    rows: Array<Record<string, string | number | null>>;
    summary: Record<string, number | string | null>;
}

/** The report's own query (`from`/`to`, or `gtin`/`lot` for recall effectiveness). */
export type ReportQuery = Record<string, string | undefined>;

/** The history routes as one persona; errors are the gateway's typed errors (ApiError). */
export class HistoryApi {
    constructor(private readonly api: Api) {}

    status(): Promise<IndexStatus> {
        return this.api.get('/history/status');
    }

    lot(gtin: string, lot: string): Promise<LotWhereabouts> {
        return this.api.get('/history/supply/lots', { gtin, lot });
    }

    /** The units of a lot, one page; `cursor` is the previous page's `nextCursor`. */
    lotUnits(gtin: string, lot: string, cursor?: string, limit = 50): Promise<LotWhereabouts> {
        return this.api.get('/history/supply/lots', { gtin, lot, units: 'true', cursor, limit });
    }

    custody(gtin: string, serial: string): Promise<UnitCustody> {
        return this.api.get('/history/supply/custody', { gtin, serial });
    }

    audit(filter: AuditFilter, cursor?: string, limit = 50): Promise<IndexPage<IndexAuditItem>> {
        return this.api.get('/history/ehr/audit', { ...filter, cursor, limit });
    }

    misuse(range: { from?: string; to?: string } = {}): Promise<IndexPage<MisuseItem>> {
        return this.api.get('/history/credentials/misuse', range);
    }

    report(name: ReportName, query: ReportQuery = {}): Promise<Report> {
        return this.api.get(`/history/reports/${name}`, { ...query, format: 'json' });
    }

    /** The report as the gateway renders it: CSV rows or the SVG chart, text as sent. */
    reportText(name: ReportName, format: 'csv' | 'svg', query: ReportQuery = {}): Promise<string> {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries({ ...query, format })) {
            if (value) params.set(key, value);
        }
        return this.api.request<string>(
            'GET',
            `/history/reports/${name}?${params}`,
            undefined,
            format === 'csv' ? 'text/csv' : 'image/svg+xml',
        );
    }
}

/** The words for an answer's height: blocks 0..height-1 are in it. */
export function asOfBlock(blockHeight: number): string {
    return blockHeight > 0
        ? `as of block ${blockHeight - 1} (block height ${blockHeight})`
        : 'as of no block yet (block height 0)';
}
