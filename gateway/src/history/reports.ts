import { barChart, lineChart } from './chart';
import type { HistoryDatabase } from './database';
import { onlyFields, oneOf, timeRange, type RawQuery } from './input';
import { visibleRows, type Scope } from './policy';
import { HistoryQueries } from './queries';
import { LedgerError } from '../ledger';

export const reportNames = ['break-glass-monthly', 'recall-effectiveness', 'suspect-resolution'] as const;
export type ReportName = (typeof reportNames)[number];
export type ReportFormat = 'json' | 'csv' | 'svg';

/** A report's rows (flat, for CSV), a summary, and the block height it was computed at. */
export interface Report {
    name: ReportName;
    title: string;
    blockHeight: number;
    columns: string[];
    rows: Array<Record<string, string | number | null>>;
    summary: Record<string, number | string | null>;
    svg: string;
}

/**
 * The inspectors' fixed reports, each as JSON, CSV or an SVG chart, over what the viewer may
 * see (the shared policy decides). Every form states the block height it reflects.
 */
export class HistoryReports {
    private readonly queries: HistoryQueries;

    constructor(private readonly db: HistoryDatabase) {
        this.queries = new HistoryQueries(db);
    }

    async build(name: string, scope: Scope, query: RawQuery): Promise<Report> {
        switch (name) {
            case 'break-glass-monthly':
                return this.breakGlassMonthly(scope, query);
            case 'recall-effectiveness':
                return this.recallEffectiveness(scope, query);
            case 'suspect-resolution':
                return this.suspectResolution(scope, query);
            default:
                throw new LedgerError('NOT_FOUND', `no report ${name}; reports: ${reportNames.join(', ')}`);
        }
    }

    /** Break-glass (emergency) accesses per month and org of the practitioner, allowed and denied. */
    private async breakGlassMonthly(scope: Scope, query: RawQuery): Promise<Report> {
        onlyFields(query, ['from', 'to', 'format']);
        oneOf(query, 'format', ['json', 'csv', 'svg']);
        const { from, to } = timeRange(query, 3660);
        return this.db.transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
            const [checkpoint] = await tx.query<{ next_block: number }>('SELECT next_block FROM history_checkpoint');
            const blockHeight = checkpoint?.next_block ?? 0;
            const params: unknown[] = [];
            const where = [
                `a.object_type = 'ehr.audit'`,
                `(a.doc->>'emergency')::boolean`,
                visibleRows(scope, 'audit', params),
            ];
            if (from) where.push(`a.doc->>'recorded' >= $${params.push(from)}`);
            if (to) where.push(`a.doc->>'recorded' <= $${params.push(to)}`);
            const rows = await tx.query<{ month: string; org: string; allowed: number; denied: number }>(
                `SELECT substr(a.doc->>'recorded', 1, 7) AS month, a.doc->'agent'->>'mspId' AS org,
                        count(*) FILTER (WHERE a.doc->>'outcome' = '0')::int AS allowed,
                        count(*) FILTER (WHERE a.doc->>'outcome' <> '0')::int AS denied
                 FROM history_state a WHERE ${where.join(' AND ')} GROUP BY 1, 2 ORDER BY 1, 2`,
                params,
            );
            const months = [...new Set(rows.map((r) => r.month))];
            const orgs = [...new Set(rows.map((r) => r.org))];
            const title = `Break-glass accesses by month and org (block ${blockHeight})`;
            return {
                name: 'break-glass-monthly',
                title,
                blockHeight,
                columns: ['blockHeight', 'month', 'org', 'allowed', 'denied'],
                rows: rows.map((r) => ({ blockHeight, ...r })),
                summary: {
                    accesses: rows.reduce((sum, r) => sum + r.allowed + r.denied, 0),
                    allowed: rows.reduce((sum, r) => sum + r.allowed, 0),
                    denied: rows.reduce((sum, r) => sum + r.denied, 0),
                },
                svg: barChart({
                    title,
                    categories: months,
                    series: orgs.map((org) => ({
                        name: org,
                        values: months.map((m) =>
                            rows
                                .filter((r) => r.month === m && r.org === org)
                                .reduce((s, r) => s + r.allowed + r.denied, 0),
                        ),
                    })),
                    yLabel: 'accesses',
                }),
            };
        });
    }

    /** Per recalled lot, day by day: share of its units located and secured (quarantined or decommissioned) since the recall. */
    private async recallEffectiveness(scope: Scope, query: RawQuery): Promise<Report> {
        onlyFields(query, ['gtin', 'lot', 'format']);
        oneOf(query, 'format', ['json', 'csv', 'svg']);
        const { format: _format, ...rest } = query;
        const answer = await this.queries.recallReach(scope, rest);
        const blockHeight = answer.blockHeight;
        const rows = answer.items.flatMap((lot) =>
            lot.timeline.map((day) => ({
                blockHeight,
                gtin: lot.gtin,
                lot: lot.lot,
                recalledAt: lot.recall.at,
                day: day.day,
                units: lot.units,
                located: day.located,
                secured: day.secured,
                securedShare: lot.units ? round(day.secured / lot.units) : 0,
            })),
        );
        const title = `Recall effectiveness: share of units secured (block ${blockHeight})`;
        return {
            name: 'recall-effectiveness',
            title,
            blockHeight,
            columns: ['blockHeight', 'gtin', 'lot', 'recalledAt', 'day', 'units', 'located', 'secured', 'securedShare'],
            rows,
            summary: {
                recalledLots: answer.items.length,
                units: answer.items.reduce((s, l) => s + l.units, 0),
                secured: answer.items.reduce((s, l) => s + l.secured, 0),
                dispensedAfterRecall: answer.items.reduce((s, l) => s + l.dispensedAfterRecall, 0),
            },
            svg: lineChart({
                title,
                series: answer.items.map((lot) => ({
                    name: `${lot.gtin}/${lot.lot}`,
                    points: lot.timeline.map((d) => ({ x: d.day, y: lot.units ? d.secured / lot.units : 0 })),
                })),
                yLabel: 'share of units secured',
                yMax: 1,
            }),
        };
    }

    /** Suspect-product cases with their time to resolution. */
    private async suspectResolution(scope: Scope, query: RawQuery): Promise<Report> {
        onlyFields(query, ['from', 'to', 'format']);
        oneOf(query, 'format', ['json', 'csv', 'svg']);
        const { format: _format, ...rest } = query;
        const cases: Awaited<ReturnType<HistoryQueries['suspectCases']>>['items'] = [];
        let blockHeight = 0;
        let cursor: string | undefined;
        do {
            const page = await this.queries.suspectCases(scope, {
                ...rest,
                limit: '500',
                ...(cursor ? { cursor } : {}),
            });
            blockHeight = page.blockHeight;
            cases.push(...page.items);
            cursor = page.nextCursor;
        } while (cursor && cases.length < 100_000);
        const closed = cases
            .filter((c) => c.hoursToResolution !== undefined)
            .map((c) => c.hoursToResolution as number)
            .sort((a, b) => a - b);
        const title = `Suspect cases: hours to resolution (block ${blockHeight})`;
        const label = (c: (typeof cases)[number]) =>
            `${c.target.gtin}/${'serial' in c.target ? c.target.serial : c.target.lot}`;
        return {
            name: 'suspect-resolution',
            title,
            blockHeight,
            columns: [
                'blockHeight',
                'kind',
                'gtin',
                'id',
                'openedAt',
                'openedBy',
                'closedAt',
                'outcome',
                'hoursToResolution',
            ],
            rows: cases.map((c) => ({
                blockHeight,
                kind: c.target.kind,
                gtin: c.target.gtin,
                id: 'serial' in c.target ? (c.target.serial as string) : (c.target.lot as string),
                openedAt: c.openedAt,
                openedBy: c.openedBy,
                closedAt: c.closedAt ?? null,
                outcome: c.outcome,
                hoursToResolution: c.hoursToResolution === undefined ? null : round(c.hoursToResolution),
            })),
            summary: {
                cases: cases.length,
                open: cases.length - closed.length,
                closed: closed.length,
                medianHours: closed.length ? round(closed[Math.floor((closed.length - 1) / 2)]) : null,
                maxHours: closed.length ? round(closed[closed.length - 1]) : null,
            },
            svg: barChart({
                title,
                categories: cases.filter((c) => c.hoursToResolution !== undefined).map(label),
                series: [
                    {
                        name: 'hours',
                        values: cases
                            .filter((c) => c.hoursToResolution !== undefined)
                            .map((c) => round(c.hoursToResolution as number)),
                    },
                ],
                yLabel: 'hours to resolution',
            }),
        };
    }
}

function round(value: number): number {
    return Math.round(value * 1000) / 1000;
}

/** RFC 4180 CSV of a report's rows. */
export function reportCsv(report: Report): string {
    const cell = (value: string | number | null | undefined) => {
        const text = value === null || value === undefined ? '' : String(value);
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    return (
        [report.columns.join(','), ...report.rows.map((row) => report.columns.map((c) => cell(row[c])).join(','))].join(
            '\r\n',
        ) + '\r\n'
    );
}
