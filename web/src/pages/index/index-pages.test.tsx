import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { HistoryApi, type Report } from '../../api/history';
import { IndexErrorNotice } from '../../components/IndexErrorNotice';
import { IndexStatusLine } from '../../components/IndexStatusLine';
import { ReportView } from '../../components/ReportView';
import { AuditIndex, auditQuestion } from './AuditIndex';
import { LotIndex } from './LotIndex';
import { ReportsIndex } from './ReportsIndex';

/** A gateway stand-in for component tests: answers by path, records every URL asked. */
function gateway(answer: (url: URL) => { status?: number; body: unknown; type?: string }) {
    const asked: URL[] = [];
    vi.stubGlobal(
        'fetch',
        vi.fn(async (input: string) => {
            const url = new URL(input);
            asked.push(url);
            const { status = 200, body, type = 'application/json' } = answer(url);
            return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
                status,
                headers: { 'content-type': type },
            });
        }),
    );
    return { asked, history: new HistoryApi(new Api({ baseUrl: 'http://gw', token: 't' })) };
}

afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
});

describe('lot whereabouts from the index', () => {
    it('shows holders and units with the block height, and pages with the cursor the route gave', async () => {
        const { asked, history } = gateway((url) => {
            const base = {
                blockHeight: 42,
                gtin: '09506000134352',
                lot: 'L1',
                total: 3,
                byCustodian: [
                    { custodian: 'DistributorMSP', status: 'active', count: 2 },
                    { custodian: 'ManufacturerMSP', status: 'active', count: 1 },
                ],
            };
            if (url.searchParams.get('units') !== 'true') return { body: { ...base, items: [] } };
            return url.searchParams.get('cursor') === 'c-2'
                ? { body: { ...base, items: [{ serial: 'S3', custodian: 'ManufacturerMSP', status: 'active' }] } }
                : {
                      body: {
                          ...base,
                          items: [
                              { serial: 'S1', custodian: 'DistributorMSP', status: 'active', parent: '0123' },
                              { serial: 'S2', custodian: 'DistributorMSP', status: 'active' },
                          ],
                          nextCursor: 'c-2',
                      },
                  };
        });
        const onUnit = vi.fn();
        render(<LotIndex history={history} onUnit={onUnit} />);
        fireEvent.change(screen.getByLabelText('GTIN'), { target: { value: '09506000134352' } });
        fireEvent.change(screen.getByLabelText('Lot'), { target: { value: 'L1' } });
        fireEvent.change(screen.getByLabelText('Units per page'), { target: { value: '5' } });
        fireEvent.click(screen.getByRole('button', { name: 'Find units' }));
        const holders = await screen.findByTestId('lot-holders');
        expect(holders.textContent).toContain('as of block 41 (block height 42)');
        expect(holders.querySelectorAll('tbody tr')).toHaveLength(2);
        await screen.findByRole('button', { name: 'Chain of custody of S1' });
        expect(screen.getByTestId('lot-units').textContent).toContain('0123');
        const firstUnits = asked.find((u) => u.searchParams.get('units') === 'true')!;
        expect(firstUnits.searchParams.get('limit')).toBe('5');
        expect(firstUnits.searchParams.has('cursor')).toBe(false);

        fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
        await screen.findByRole('button', { name: 'Chain of custody of S3' });
        expect(asked.at(-1)!.searchParams.get('cursor')).toBe('c-2');
        fireEvent.click(screen.getByRole('button', { name: 'Chain of custody of S3' }));
        expect(onUnit).toHaveBeenCalledWith({ gtin: '09506000134352', serial: 'S3' });

        // A new question starts at its first page: the old cursor is never sent with it.
        fireEvent.change(screen.getByLabelText('Lot'), { target: { value: 'L2' } });
        fireEvent.click(screen.getByRole('button', { name: 'Find units' }));
        await waitFor(() => expect(asked.at(-1)!.searchParams.get('lot')).toBe('L2'));
        expect(
            asked.filter((u) => u.searchParams.get('lot') === 'L2').every((u) => !u.searchParams.has('cursor')),
        ).toBe(true);
    });

    it("shows the route's 400 naming the field", async () => {
        const { history } = gateway(() => ({
            status: 400,
            body: { code: 'INVALID_ARGUMENT', field: 'gtin', message: 'gtin must match ^\\d{14}$' },
        }));
        render(<LotIndex history={history} onUnit={() => undefined} />);
        fireEvent.change(screen.getByLabelText('GTIN'), { target: { value: '123' } });
        fireEvent.change(screen.getByLabelText('Lot'), { target: { value: 'L1' } });
        fireEvent.click(screen.getByRole('button', { name: 'Find units' }));
        const alerts = await screen.findAllByRole('alert');
        expect(alerts[0].textContent).toContain('the field at fault: gtin');
        expect(alerts[0].textContent).toContain('gtin must match');
    });
});

describe('index errors and status', () => {
    it('says a 503 is the index being unavailable, and a 403 is not being allowed', () => {
        render(<IndexErrorNotice error={new ApiError(503, 'UNAVAILABLE', 'history database unreachable')} />);
        expect(screen.getByRole('alert').textContent).toContain('The history index is unavailable');
        expect(screen.getByRole('alert').textContent).toContain('history database unreachable');
        cleanup();
        render(<IndexErrorNotice error={new ApiError(403, 'FORBIDDEN', 'the EHR access audit is for ...')} />);
        expect(screen.getByRole('alert').textContent).toContain('You are not allowed to do this');
    });

    it('states height and lag', () => {
        render(
            <IndexStatusLine
                status={{
                    blockHeight: 10,
                    indexedHeight: 10,
                    ledgerHeight: 12,
                    lag: 2,
                    state: 'running',
                    database: 'pglite',
                    schemaVersion: 1,
                    failures: 0,
                }}
            />,
        );
        const line = screen.getByRole('status', { name: 'Index status' }).textContent;
        expect(line).toContain('10 block(s) indexed');
        expect(line).toContain('2 block(s) behind the ledger (height 12)');
    });
});

describe('EHR audit search on the index', () => {
    it('asks only the filters given, by their route names', async () => {
        expect(auditQuestion({ patientId: ' p1 ', outcome: '', breakGlass: 'true', purpose: '' })).toEqual({
            patientId: 'p1',
            breakGlass: 'true',
        });
        const { asked, history } = gateway(() => ({
            body: {
                blockHeight: 7,
                items: [
                    {
                        auditId: 'a1',
                        recorded: '2026-12-05T10:00:00Z',
                        outcome: 'allowed',
                        breakGlass: true,
                        purpose: 'ETREAT',
                        agent: { mspId: 'HospitalMSP', actorId: 'prac-1', role: 'physician' },
                        recordId: 'r1',
                        patientId: 'p1',
                        blockNumber: 6,
                    },
                ],
            },
        }));
        render(<AuditIndex history={history} />);
        fireEvent.change(screen.getByLabelText('Patient id'), { target: { value: 'p1' } });
        fireEvent.change(screen.getByLabelText('Break-glass'), { target: { value: 'true' } });
        fireEvent.click(screen.getByRole('button', { name: 'Search the index' }));
        const results = await screen.findByTestId('audit-results');
        expect(results.querySelectorAll('tr.emergency')).toHaveLength(1);
        expect(results.textContent).toContain('block height 7');
        const url = asked[0];
        expect([...url.searchParams.keys()].sort()).toEqual(['breakGlass', 'limit', 'patientId']);
    });
});

describe('reports', () => {
    const report: Report = {
        name: 'break-glass-monthly',
        title: 'Break-glass accesses by month and org (block 9)',
        blockHeight: 9,
        columns: ['blockHeight', 'month', 'org', 'allowed', 'denied'],
        rows: [{ blockHeight: 9, month: '2026-12', org: 'HospitalMSP', allowed: 2, denied: 0 }],
        summary: { accesses: 2, allowed: 2, denied: 0 },
    };
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>';

    it("shows the gateway's chart as an image, its rows, and downloads the gateway's CSV", () => {
        const clicks: Array<{ name: string; href: string }> = [];
        const blobs: Blob[] = [];
        const created = URL.createObjectURL;
        URL.createObjectURL = (b: Blob) => (blobs.push(b), 'blob:x');
        onTestFinished(() => {
            URL.createObjectURL = created;
        });
        vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
            clicks.push({ name: this.download, href: this.href });
        });
        const csv = 'blockHeight,month,org,allowed,denied\r\n9,2026-12,HospitalMSP,2,0\r\n';
        render(<ReportView report={{ json: report, csv, svg }} />);
        const chart = screen.getByRole('img', { name: `Chart: ${report.title}` }) as HTMLImageElement;
        expect(decodeURIComponent(chart.src.split(',').slice(1).join(','))).toBe(svg);
        expect(screen.getAllByRole('row')).toHaveLength(2);
        fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
        expect(clicks[0].name).toBe('break-glass-monthly-block-9.csv');
        return blobs[0].text().then((text) => expect(text).toBe(csv));
    });

    it('asks the json, csv and svg forms of the chosen report with its range', async () => {
        const { asked, history } = gateway((url) => {
            const format = url.searchParams.get('format');
            return format === 'csv'
                ? { body: 'blockHeight\r\n', type: 'text/csv' }
                : format === 'svg'
                  ? { body: svg, type: 'image/svg+xml' }
                  : { body: report };
        });
        render(<ReportsIndex history={history} />);
        fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01' } });
        fireEvent.click(screen.getByRole('button', { name: 'Show report' }));
        await screen.findByRole('img', { name: `Chart: ${report.title}` });
        expect(asked.map((u) => u.searchParams.get('format')).sort()).toEqual(['csv', 'json', 'svg']);
        expect(asked.every((u) => u.pathname === '/history/reports/break-glass-monthly')).toBe(true);
        expect(asked.every((u) => u.searchParams.get('from') === '2026-12-01')).toBe(true);
    });
});
