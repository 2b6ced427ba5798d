import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './browser';
import { seedBasics, startWorld, type World } from './world';

/**
 * The smoke journey, run on the embedded ledger and, in the Fabric tier, against the real
 * network: sign in by pasting a token, then a patient enrols a key made in the browser and
 * signs a consent that commits on the ledger.
 */
jest.setTimeout(300_000);

describe(`browser smoke (${process.env.CARELEDGER_LEDGER ?? 'embedded'} ledger)`, () => {
    let world: World;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
        world = await startWorld(['hospital', 'regulator']);
        await seedBasics(world);
        browser = await launchBrowser();
        page = await (await browser.newContext()).newPage();
    });
    afterAll(async () => {
        await browser?.close();
        await world?.close();
    });

    it('signs in with a pasted token and shows the clinician their credential', async () => {
        const hospital = world.gateways.hospital;
        await page.goto(`${hospital.url}/`);
        await page.getByLabel('Bearer token').fill(await hospital.token('physician1'));
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'Clinician workspace' }).waitFor();
        await page.getByText(/MedicalLicense: valid/).waitFor({ timeout: 60_000 });
        expect(await seriousViolations(page, 'clinician (smoke)')).toEqual([]);
        await page.getByRole('button', { name: 'Sign out' }).click();
    });

    it('refuses a wrong token in words', async () => {
        await page.getByLabel('Bearer token').fill('clt_not-a-token');
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('alert').filter({ hasText: 'sign in again' }).waitFor();
    });

    it('enrols a patient key made in the browser and commits a consent it signed', async () => {
        await page.getByRole('button', { name: 'Create my key and enrol' }).click();
        await page.getByRole('heading', { name: 'My health records' }).waitFor({ timeout: 120_000 });
        await page.getByRole('button', { name: 'Grant access' }).click();
        await page
            .getByText(/Access granted \(consent-[0-9a-f-]+\), committed in block \d+/)
            .waitFor({ timeout: 120_000 });
        await screenshot(page, `smoke-patient-${world.env.kind}`);
    });
});
