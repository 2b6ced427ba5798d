import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startGateway, type StartedGateway } from '../../gateway/src/server/main';
import { launchBrowser, screenshot, seriousViolations } from './browser';

/**
 * What `npm start` serves on a new development ledger: the whole consortium on one port, the
 * seeded demo world, and the web app at `/` offering every org's personas. Each persona signs
 * in on the same origin (the token picks the org) and finds the demo world on its pages.
 */
jest.setTimeout(300_000);

describe('browser: the app as npm start serves it', () => {
    let started: StartedGateway;
    let browser: Browser;
    let page: Page;
    let dataDir: string;

    beforeAll(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-web-start-'));
        started = await startGateway({
            ...process.env,
            CARELEDGER_LEDGER: 'embedded',
            CARELEDGER_DATA_DIR: dataDir,
            CARELEDGER_PORT: '0',
            CARELEDGER_LOG_LEVEL: 'warn',
            CARELEDGER_ORG: '',
        });
        browser = await launchBrowser();
        page = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    });
    afterAll(async () => {
        await browser?.close();
        await started?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function signInAs(org: string, user: string) {
        await page.goto(`${started.address}/`);
        const group = page.locator('.org-group').filter({ has: page.getByRole('heading', { name: org, exact: true }) });
        await group.getByRole('button', { name: new RegExp(`^${user}\\b`) }).click();
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        expect(new URL(page.url()).origin).toBe(new URL(started.address).origin);
    }

    it('offers every org of the consortium on the sign-in page', async () => {
        await page.goto(`${started.address}/`);
        await page.getByRole('heading', { name: 'Demo personas (development ledger only)' }).waitFor();
        const orgs = await page.locator('.org-group h3').allTextContents();
        expect(orgs).toEqual(expect.arrayContaining(started.orgs));
        expect(await seriousViolations(page, 'sign-in (npm start)')).toEqual([]);
        await screenshot(page, 'start-sign-in');
    });

    it('physician1 opens the demo record under patient1 consent, hash checked in the browser', async () => {
        await signInAs('hospital', 'physician1');
        await page.getByLabel('Pseudonymous patient id').fill('pat-7c1e04a9');
        await page.getByRole('button', { name: 'Find records' }).click();
        await page.getByLabel('Record id').fill('demo-rec-0001');
        await page.getByRole('button', { name: 'Open record' }).click();
        await page.getByTestId('hash-check').filter({ hasText: 'Document verified' }).waitFor();
        await screenshot(page, 'start-clinician');
        await page.getByRole('button', { name: 'Sign out' }).click();
    });

    it('the inspector follows the demo lot from the manufacturer', async () => {
        await signInAs('regulator', 'inspector1');
        await page.getByLabel('GTIN', { exact: true }).fill('09506000134352');
        await page.getByLabel('Lot', { exact: true }).fill('DEMO-1');
        await page.getByRole('button', { name: 'Follow lot' }).click();
        const graph = page.getByRole('img', { name: 'Chain of custody of lot DEMO-1' });
        await graph.waitFor();
        const nodes = await graph.locator('[data-node]').evaluateAll((n) => n.map((e) => e.getAttribute('data-node')));
        expect(nodes[0]).toBe('ManufacturerMSP');
        expect(nodes.length).toBeGreaterThan(1);
        expect(await seriousViolations(page, 'regulator (npm start)')).toEqual([]);
        await screenshot(page, 'start-regulator');
        await page.getByRole('button', { name: 'Sign out' }).click();
    });

    it('an org administrator lands on the administration page', async () => {
        await signInAs('manufacturer', 'admin');
        await page.getByRole('heading', { name: 'manufacturer administration' }).waitFor();
        expect(await page.getByLabel('Who the chaincode sees').textContent()).toContain('ManufacturerMSP');
        expect(await seriousViolations(page, 'admin (npm start)')).toEqual([]);
    });
});
