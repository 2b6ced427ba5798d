import * as fs from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { uniqueId, uniqueKey } from '../support/ledger';
import { launchBrowser, screenshot, seriousViolations } from './browser';
import { seedBasics, startWorld, type World } from './world';

/**
 * The inspector's history-index pages (#/regulator/index) in Chromium, through the four orgs'
 * gateways over one ledger with the history index the gateways serve under /history. Supply and
 * EHR activity is made through the gateways' REST routes; the index is caught up; then what each
 * page shows is compared with what the /history routes answer at the same block height and with
 * what the ledger itself holds (the chaincode's routes). A break-glass made after a report was
 * read appears in it once the index has ingested its block; a manufacturer's operator is refused
 * the consortium's break-glass report in words.
 */
jest.setTimeout(300_000);

const patientId = 'pat-2b9d51f0'; // patient2 of the demo hospital
const expiry = '301231';

interface Refusal {
    code: string;
    message: string;
    field?: string;
}
interface IndexPage<T> {
    blockHeight: number;
    items: T[];
    nextCursor?: string;
}
interface LotAnswer extends IndexPage<{ serial: string; custodian: string; status: string; parent?: string }> {
    total: number;
    byCustodian: Array<{ custodian: string; status: string; destination?: string; count: number }>;
}
interface CustodyAnswer {
    blockHeight: number;
    unit: { custodian: string; status: string; parent?: string };
    custody: Array<{ custodian: string; status: string; blockNumber: number; function: string }>;
    containers: Array<{ sscc: string; custody: Array<{ custodian: string; status: string; blockNumber: number }> }>;
}
interface ReportAnswer {
    blockHeight: number;
    title: string;
    columns: string[];
    rows: Array<Record<string, string | number | null>>;
}
type AuditAnswer = IndexPage<{ auditId: string; outcome: string; breakGlass: boolean; recordId: string }>;

describe('browser: the inspector reads the history index', () => {
    let world: World;
    let browser: Browser;
    let inspectorPage: Page;
    const token: Record<string, string> = {};
    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('X').slice(0, 20);
    const caseSscc = uniqueKey('sscc', 18);
    const serials = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7'];
    const recordId = uniqueId('idx-rec');

    /** A /history route (or any route) as the regulator's inspector. */
    const asInspector = <T>(path: string) => world.gateways.regulator.call<T>('GET', path, { token: token.inspector });

    /** A report as the gateway renders it (CSV, SVG), as the inspector: the text it sends. */
    async function reportText(path: string): Promise<string> {
        const response = await fetch(`${world.gateways.regulator.url}${path}`, {
            headers: { authorization: `Bearer ${token.inspector}` },
        });
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        return response.text();
    }

    /** Every page of an index list, as the inspector. */
    async function allOf<T>(path: string): Promise<{ blockHeight: number; items: T[] }> {
        const items: T[] = [];
        let cursor: string | undefined;
        let blockHeight = -1;
        do {
            const sep = path.includes('?') ? '&' : '?';
            const page = await asInspector<IndexPage<T>>(
                `${path}${sep}limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            );
            expect({ path, status: page.status }).toEqual({ path, status: 200 });
            items.push(...page.body.items);
            blockHeight = page.body.blockHeight;
            cursor = page.body.nextCursor;
        } while (cursor);
        return { blockHeight, items };
    }

    /** The cells of a table's body rows, as text. */
    const cells = (table: Locator): Promise<string[][]> =>
        table
            .locator('tbody tr')
            .evaluateAll((rows) =>
                rows.map((r) =>
                    Array.from(
                        (
                            r as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }
                        ).querySelectorAll('td'),
                        (td) => td.textContent ?? '',
                    ),
                ),
            );

    const blockHeightShown = async (scope: Locator) =>
        Number(await scope.locator('.as-of').first().getAttribute('data-block-height'));

    async function signIn(org: string, user: string): Promise<Page> {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${world.gateways.hospital.url}/`);
        const group = page.locator('.org-group').filter({ has: page.getByRole('heading', { name: org, exact: true }) });
        await group.getByRole('button', { name: new RegExp(`^${user}\\b`) }).click();
        await page.waitForURL(`${world.gateways[org].url}/#/**`);
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        await page.goto(`${world.gateways[org].url}/#/regulator/index`);
        await page.getByRole('heading', { name: /History index/ }).waitFor();
        return page;
    }

    beforeAll(async () => {
        world = await startWorld(['hospital', 'manufacturer', 'distributor', 'regulator'], { history: true });
        await seedBasics(world);
        const { hospital, manufacturer, distributor, regulator } = world.gateways;
        token.inspector = await regulator.token('inspector1');
        token.maker = await manufacturer.token('operator1');
        token.wholesaler = await distributor.token('operator1');
        token.physician = await hospital.token('physician1');
        token.patient = await hospital.token('patient2');

        // Supply: 7 units; U1 and U2 travel in a case to the distributor, U3 is on its way there.
        const call = async (gateway: typeof hospital, user: string, path: string, body: unknown, ok = [200, 201]) => {
            const answer = await gateway.call('POST', path, { token: token[user], body });
            expect({ path, status: ok.includes(answer.status) ? 'ok' : answer.body }).toEqual({ path, status: 'ok' });
        };
        await call(manufacturer, 'maker', '/supply/products', {
            gtin,
            name: 'Amoxicillin',
            strength: '500 mg',
            dosageForm: 'capsule',
        });
        await call(manufacturer, 'maker', '/supply/lots', { gtin, lot, expiry, quantity: 10 });
        await call(manufacturer, 'maker', `/supply/lots/${gtin}/${encodeURIComponent(lot)}/commission`, { serials });
        await call(manufacturer, 'maker', '/supply/pack', {
            sscc: caseSscc,
            children: [
                { gtin, serial: 'U1' },
                { gtin, serial: 'U2' },
            ],
        });
        await call(manufacturer, 'maker', '/supply/ship', { items: [{ sscc: caseSscc }], to: 'DistributorMSP' });
        await call(distributor, 'wholesaler', '/supply/receive', { items: [{ sscc: caseSscc }] });
        await call(manufacturer, 'maker', '/supply/ship', { items: [{ gtin, serial: 'U3' }], to: 'DistributorMSP' });
        // A suspect case opened and cleared; then the lot is recalled and U6 is secured after the recall.
        const u4 = { item: { gtin, serial: 'U4' } };
        await call(manufacturer, 'maker', '/supply/suspicions', { ...u4, reason: 'label smudged' });
        await call(manufacturer, 'maker', '/supply/suspicions/clear', { ...u4, reason: 'label legible on inspection' });
        await call(manufacturer, 'maker', '/supply/recalls', {
            gtin,
            lot,
            recallClass: 'II',
            reason: 'dissolution out of specification',
        });
        await call(manufacturer, 'maker', '/supply/suspicions', {
            item: { gtin, serial: 'U6' },
            reason: 'recalled lot held',
        });

        // EHR: patient2's record at the hospital, read by physician1 (allowed or not, as the consents say).
        await call(hospital, 'patient', '/ehr/patients/enrol', {}, [200, 409]);
        await call(hospital, 'physician', '/ehr/records', {
            id: recordId,
            patientId,
            type: { system: 'http://loinc.org', code: '18842-5' },
            contentHash: 'cd'.repeat(32),
            size: 10,
            mediaType: 'text/plain',
            location: `file:///records/${recordId}`,
        });
        await call(hospital, 'physician', `/ehr/records/${recordId}/access`, { purpose: 'TREAT' }, [200, 403]);

        await world.index!.catchUp();
        browser = await launchBrowser();
        inspectorPage = await signIn('regulator', 'inspector1');
    });
    afterAll(async () => {
        await browser?.close();
        await world?.close();
    });

    it('states the index height and lag as /history/status does, and as the ledger is', async () => {
        const status = await asInspector<{ indexedHeight: number; ledgerHeight: number; lag: number }>(
            '/history/status',
        );
        const ledgerHeight = Number(
            await world.env.ledger.connect(await world.env.ledger.identities.get('regulator', 'admin')).chainHeight(),
        );
        expect(status.body).toMatchObject({ indexedHeight: ledgerHeight, ledgerHeight, lag: 0 });
        await inspectorPage.getByRole('button', { name: 'Refresh status' }).click();
        const line = inspectorPage.getByRole('status', { name: 'Index status' });
        await line.waitFor();
        expect(Number(await line.getAttribute('data-indexed-height'))).toBe(status.body.indexedHeight);
        expect(await line.textContent()).toContain(
            `${status.body.indexedHeight} block(s) indexed, up to date with the ledger`,
        );
    });

    it('shows where every unit of the lot is, page by page, as the index and the ledger say', async () => {
        const page = inspectorPage;
        await page.getByLabel('GTIN', { exact: true }).fill(gtin);
        await page.getByLabel('Lot', { exact: true }).fill(lot);
        await page.getByLabel('Units per page').selectOption('5');
        await page.getByRole('button', { name: 'Find units' }).click();
        const holders = page.getByTestId('lot-holders');
        await holders.waitFor();

        const api = await asInspector<LotAnswer>(`/history/supply/lots?gtin=${gtin}&lot=${encodeURIComponent(lot)}`);
        expect(api.status).toBe(200);
        expect(await blockHeightShown(holders)).toBe(api.body.blockHeight);
        expect(await holders.locator('[data-total]').textContent()).toBe(String(api.body.total));
        expect(await cells(holders.locator('table'))).toEqual(
            api.body.byCustodian.map((g) => [
                g.custodian,
                `${g.status}${g.destination ? ` → ${g.destination}` : ''}`,
                String(g.count),
            ]),
        );
        // The ledger's own answer (GetLotWhereabouts through the regulator's route) is the same.
        const ledger = await asInspector<{ total: number; byCustodian: LotAnswer['byCustodian'] }>(
            `/supply/lots/${gtin}/${encodeURIComponent(lot)}/whereabouts`,
        );
        expect(ledger.body.total).toBe(serials.length);
        expect(api.body.byCustodian).toEqual(ledger.body.byCustodian);
        expect(api.body.byCustodian).toEqual(
            expect.arrayContaining([
                expect.objectContaining({ custodian: 'DistributorMSP', status: 'active', count: 2 }),
                expect.objectContaining({ custodian: 'ManufacturerMSP', status: 'active', count: 4 }),
            ]),
        );

        // Every unit, following the page's Next button (the route's cursors), 5 to a page.
        const units = page.getByTestId('lot-units');
        const shown: string[][] = [];
        await page.locator('[data-testid="lot-units"][data-page="1"]').waitFor();
        shown.push(...(await cells(units.locator('table'))));
        expect(shown).toHaveLength(5);
        await page.getByRole('button', { name: 'Next page' }).click();
        await page.locator('[data-testid="lot-units"][data-page="2"]').waitFor();
        shown.push(...(await cells(page.getByTestId('lot-units').locator('table'))));
        expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

        const listed = await allOf<LotAnswer['items'][number]>(
            `/history/supply/lots?gtin=${gtin}&lot=${encodeURIComponent(lot)}&units=true`,
        );
        const expected = listed.items.map((u) => [u.serial, u.custodian, u.status, u.parent ?? '']);
        expect(
            shown.map(([serial, custodian, status, parent]) => [serial, custodian, status.split(' → ')[0], parent]),
        ).toEqual(expected);
        expect(shown.map((row) => row[0]).sort()).toEqual(serials);
        for (const [serial, custodian, status, parent] of shown) {
            const unit = await asInspector<{ custodian: string; status: string; parent?: string }>(
                `/supply/unit?item=${encodeURIComponent(`(01)${gtin}(21)${serial}`)}`,
            );
            expect({ serial, custodian, status: status.split(' → ')[0], parent }).toEqual({
                serial,
                custodian: unit.body.custodian,
                status: unit.body.status,
                parent: unit.body.parent ?? '',
            });
        }
        expect(shown.find((row) => row[0] === 'U1')![3]).toBe(caseSscc);
        expect(await seriousViolations(page, 'history index: lot')).toEqual([]);
        await screenshot(page, 'history-index-lot');
    });

    it("traces a unit's chain of custody including the case it travelled in", async () => {
        const page = inspectorPage;
        await page.getByRole('tab', { name: 'Lots and units' }).click();
        await page.getByRole('button', { name: 'Find units' }).click();
        await page.getByRole('button', { name: 'Chain of custody of U1' }).click();
        const custody = page.getByTestId('unit-custody');
        await custody.waitFor();
        const api = await asInspector<CustodyAnswer>(`/history/supply/custody?gtin=${gtin}&serial=U1`);
        expect(api.status).toBe(200);
        expect(await blockHeightShown(custody)).toBe(api.body.blockHeight);
        const unitRows = await cells(custody.getByRole('table', { name: 'Custody of unit U1' }));
        expect(unitRows.map((r) => [r[3], r[4].split(' → ')[0], Number(r[6])])).toEqual(
            api.body.custody.map((c) => [c.custodian, c.status, c.blockNumber]),
        );
        expect(unitRows.map((r) => r[3])).toEqual([
            'ManufacturerMSP',
            'ManufacturerMSP',
            'ManufacturerMSP',
            'DistributorMSP',
        ]);
        expect(api.body.containers.map((c) => c.sscc)).toEqual([caseSscc]);
        const caseRows = await cells(custody.getByRole('table', { name: `Custody of case or pallet ${caseSscc}` }));
        expect(caseRows.map((r) => [r[3], r[4].split(' → ')[0]])).toEqual(
            api.body.containers[0].custody.map((c) => [c.custodian, c.status]),
        );
        // The ledger holds the same unit now: with the distributor, inside the case.
        const unit = await asInspector<{ custodian: string; status: string; parent?: string }>(
            `/supply/unit?item=${encodeURIComponent(`(01)${gtin}(21)U1`)}`,
        );
        expect(unit.body).toMatchObject({ custodian: 'DistributorMSP', parent: caseSscc });
        expect(await custody.textContent()).toContain(`now with DistributorMSP (${unit.body.status}) in ${caseSscc}`);
        expect(await seriousViolations(page, 'history index: custody')).toEqual([]);
    });

    it('counts a break-glass in the monthly report once the index has its block; CSV and JSON as the gateway sends them', async () => {
        const page = inspectorPage;
        await page.getByRole('tab', { name: 'Reports' }).click();
        await page.getByLabel('Report', { exact: true }).selectOption('break-glass-monthly');
        const month = new Date().toISOString().slice(0, 7);
        const hospitalThisMonth = async () => {
            await page.getByRole('button', { name: 'Show report' }).click();
            const report = page.locator('[data-report="break-glass-monthly"]');
            await report.waitFor();
            const api = await asInspector<ReportAnswer>('/history/reports/break-glass-monthly');
            expect(api.status).toBe(200);
            expect(await blockHeightShown(report)).toBe(api.body.blockHeight);
            const rows = await cells(report.locator('table'));
            expect(rows).toEqual(api.body.rows.map((r) => api.body.columns.map((c) => String(r[c] ?? ''))));
            const hospitalRow = api.body.rows.find((r) => r.month === month && r.org === 'HospitalMSP');
            return { api: api.body, count: hospitalRow ? Number(hospitalRow.allowed) + Number(hospitalRow.denied) : 0 };
        };
        const before = await hospitalThisMonth();

        const glass = await world.gateways.hospital.call('POST', `/ehr/records/${recordId}/break-glass`, {
            token: token.physician,
            body: { reasonCode: 'unconscious', reason: 'unconscious in the emergency department' },
        });
        expect(glass.status).toBe(200);
        // Not in the index until its block is ingested: the report still says what it said.
        const stale = await asInspector<ReportAnswer>('/history/reports/break-glass-monthly');
        expect(stale.body).toEqual(before.api);
        await world.index!.catchUp();

        const after = await hospitalThisMonth();
        expect(after.api.blockHeight).toBeGreaterThan(before.api.blockHeight);
        expect(after.count).toBe(before.count + 1);

        const report = page.locator('[data-report="break-glass-monthly"]');
        const svg = await reportText('/history/reports/break-glass-monthly?format=svg');
        const src = await report.getByRole('img', { name: /^Chart: / }).getAttribute('src');
        expect(decodeURIComponent(src!.slice(src!.indexOf(',') + 1))).toBe(svg);
        expect(svg).toContain(`(block ${after.api.blockHeight})`);

        const csv = await reportText('/history/reports/break-glass-monthly?format=csv');
        const [csvFile] = await Promise.all([
            page.waitForEvent('download'),
            report.getByRole('button', { name: 'Download CSV' }).click(),
        ]);
        expect(csvFile.suggestedFilename()).toBe(`break-glass-monthly-block-${after.api.blockHeight}.csv`);
        const downloaded = fs.readFileSync((await csvFile.path())!, 'utf8');
        expect(downloaded).toBe(csv);
        const lines = downloaded.trim().split('\r\n');
        expect(lines[0]).toBe(after.api.columns.join(','));
        const hospitalRow = after.api.rows.find((r) => r.month === month && r.org === 'HospitalMSP')!;
        expect(lines).toContain(
            `${after.api.blockHeight},${month},HospitalMSP,${hospitalRow.allowed},${hospitalRow.denied}`,
        );

        const [jsonFile] = await Promise.all([
            page.waitForEvent('download'),
            report.getByRole('button', { name: 'Download JSON' }).click(),
        ]);
        expect(JSON.parse(fs.readFileSync((await jsonFile.path())!, 'utf8'))).toEqual(after.api);
        expect(await seriousViolations(page, 'history index: report')).toEqual([]);
        await screenshot(page, 'history-index-report');
    });

    it("shows recall effectiveness and suspect cases' time to resolution with the gateway's charts", async () => {
        const page = inspectorPage;
        await page.getByRole('tab', { name: 'Reports' }).click();
        await page.getByLabel('Report', { exact: true }).selectOption('recall-effectiveness');
        await page.getByLabel('GTIN', { exact: true }).fill(gtin);
        await page.getByLabel('Lot', { exact: true }).fill(lot);
        await page.getByRole('button', { name: 'Show report' }).click();
        const recall = page.locator('[data-report="recall-effectiveness"]');
        await recall.waitFor();
        const query = `gtin=${gtin}&lot=${encodeURIComponent(lot)}`;
        const reach = await asInspector<ReportAnswer & { summary: Record<string, number> }>(
            `/history/reports/recall-effectiveness?${query}`,
        );
        expect(await blockHeightShown(recall)).toBe(reach.body.blockHeight);
        expect(await cells(recall.locator('table'))).toEqual(
            reach.body.rows.map((r) => reach.body.columns.map((c) => String(r[c] ?? ''))),
        );
        // One recalled lot of 7 units, one of them (U6) secured after the recall.
        expect(reach.body.summary).toMatchObject({ recalledLots: 1, units: serials.length, secured: 1 });
        expect(reach.body.rows.at(-1)).toMatchObject({ gtin, lot, units: serials.length, secured: 1 });
        expect(await recall.locator('[data-summary="secured"]').textContent()).toBe('1');
        const recallSrc = await recall.getByRole('img', { name: /^Chart: / }).getAttribute('src');
        expect(decodeURIComponent(recallSrc!.slice(recallSrc!.indexOf(',') + 1))).toBe(
            await reportText(`/history/reports/recall-effectiveness?${query}&format=svg`),
        );
        // The ledger's lot says it is recalled, by its manufacturer.
        const onLedger = await asInspector<{ recall?: { by: string; recallClass: string } }>(
            `/supply/lots/${gtin}/${encodeURIComponent(lot)}`,
        );
        expect(onLedger.body.recall).toMatchObject({ by: 'ManufacturerMSP', recallClass: 'II' });

        await page.getByLabel('Report', { exact: true }).selectOption('suspect-resolution');
        await page.getByRole('button', { name: 'Show report' }).click();
        const suspects = page.locator('[data-report="suspect-resolution"]');
        await suspects.waitFor();
        const cases = await asInspector<ReportAnswer>('/history/reports/suspect-resolution');
        expect(await blockHeightShown(suspects)).toBe(cases.body.blockHeight);
        const rows = await cells(suspects.locator('table'));
        expect(rows).toEqual(cases.body.rows.map((r) => cases.body.columns.map((c) => String(r[c] ?? ''))));
        const mine = cases.body.rows.filter((r) => r.gtin === gtin);
        expect(mine.map((r) => [r.id, r.outcome, r.openedBy])).toEqual([
            ['U4', 'cleared', 'ManufacturerMSP'],
            ['U6', 'open', 'ManufacturerMSP'],
        ]);
        expect(Number(mine[0].hoursToResolution)).toBeGreaterThanOrEqual(0);
        expect(mine[1].hoursToResolution).toBeNull();
        expect(await seriousViolations(page, 'history index: supply reports')).toEqual([]);
    });

    it("finds the record's accesses in the audit search as the index and the ledger's trail have them", async () => {
        const page = inspectorPage;
        await page.getByRole('tab', { name: 'EHR audit search' }).click();
        await page.getByLabel('Patient id').fill(patientId);
        await page.getByLabel('Record id').fill(recordId);
        await page.getByLabel('Break-glass').selectOption('true');
        await page.getByRole('button', { name: 'Search the index' }).click();
        const results = page.locator('[data-testid="audit-results"][aria-busy="false"]');
        await results.waitFor();
        const ids = () =>
            results.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-audit-id')));

        const api = await allOf<AuditAnswer['items'][number]>(
            `/history/ehr/audit?patientId=${patientId}&recordId=${recordId}&breakGlass=true`,
        );
        expect(await blockHeightShown(results)).toBe(api.blockHeight);
        expect(api.items).toHaveLength(1);
        expect(await ids()).toEqual(api.items.map((a) => a.auditId));
        expect(await results.locator('tr.emergency').count()).toBe(1);

        // Every access to the record, as the chaincode's record trail has it.
        await page.getByLabel('Break-glass').selectOption('');
        await page.getByRole('button', { name: 'Search the index' }).click();
        await results.locator('tbody tr').nth(1).waitFor();
        await results.waitFor();
        const trail = await world.gateways.hospital.call<{ items: Array<{ id: string; emergency?: boolean }> }>(
            'GET',
            `/ehr/records/${recordId}/audit?pageSize=200`,
            { token: token.physician },
        );
        expect(trail.status).toBe(200);
        expect((await ids()).sort()).toEqual(trail.body.items.map((a) => a.id).sort());
        expect(trail.body.items.filter((a) => a.emergency).map((a) => a.id)).toEqual(api.items.map((a) => a.auditId));
        expect(await seriousViolations(page, 'history index: audit')).toEqual([]);

        // A bad date is the route's 400, naming the field.
        await page.getByLabel('From').fill('last tuesday');
        await page.getByRole('button', { name: 'Search the index' }).click();
        const refused = await asInspector<Refusal>(
            `/history/ehr/audit?patientId=${patientId}&recordId=${recordId}&from=last%20tuesday`,
        );
        expect(refused.status).toBe(400);
        expect(refused.body.field).toBe('from');
        const alert = page.getByRole('alert').filter({ hasText: 'the field at fault: from' });
        await alert.waitFor();
        expect(await alert.textContent()).toContain(refused.body.message);
        await page.getByLabel('From').fill('');
    });

    it('finds no use of a suspended or revoked credential, as the index says', async () => {
        const page = inspectorPage;
        await page.getByRole('tab', { name: 'Credential misuse' }).click();
        const results = page.locator('[data-testid="misuse-results"][aria-busy="false"]');
        await results.waitFor();
        const api = await asInspector<IndexPage<unknown>>('/history/credentials/misuse');
        expect(api.body.items).toEqual([]);
        expect(await blockHeightShown(results)).toBe(api.body.blockHeight);
        expect(await results.textContent()).toContain(
            'None: no access was allowed on a suspended or revoked credential',
        );
    });

    it("refuses a manufacturer's operator the consortium's break-glass report, in the gateway's words", async () => {
        const page = await signIn('manufacturer', 'operator1');
        await page.getByRole('tab', { name: 'Reports' }).click();
        await page.getByLabel('Report', { exact: true }).selectOption('break-glass-monthly');
        await page.getByRole('button', { name: 'Show report' }).click();
        const refused = await world.gateways.manufacturer.call<Refusal>('GET', '/history/reports/break-glass-monthly', {
            token: token.maker,
        });
        expect(refused.status).toBe(403);
        const alert = page.getByRole('alert').filter({ hasText: 'You are not allowed to do this' });
        await alert.waitFor();
        expect(await alert.textContent()).toContain(refused.body.message);
        expect(await page.locator('[data-report]').count()).toBe(0);
    });
});
