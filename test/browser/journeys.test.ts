import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uniqueId, uniqueKey } from '../support/ledger';
import { launchBrowser, screenshot, seriousViolations } from './browser';
import { seedBasics, startWorld, type World } from './world';

/**
 * One journey per persona in Chromium, through the four orgs' gateways over one ledger. Each
 * persona signs in from the demo picker of the hospital's gateway; personas of other orgs are
 * taken to their own org's gateway. Setup that is not the journey itself goes through the API.
 */
jest.setTimeout(300_000);

const patientId = 'pat-7c1e04a9';

describe('browser journeys', () => {
    let world: World;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
        world = await startWorld();
        await seedBasics(world);
        browser = await launchBrowser();
    });
    afterAll(async () => {
        await browser?.close();
        await world?.close();
    });

    /** A fresh browser profile signed in as `user` of `org` through the hospital gateway's persona picker. */
    async function signIn(org: string, user: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
        const context = await browser.newContext({ viewport });
        contexts.push(context);
        const page = await context.newPage();
        await page.goto(`${world.gateways.hospital.url}/`);
        const group = page.locator('.org-group').filter({ has: page.getByRole('heading', { name: org, exact: true }) });
        await group.getByRole('button', { name: new RegExp(`^${user}\\b`) }).click();
        await page.waitForURL(`${world.gateways[org].url}/#/**`);
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        return page;
    }

    async function expectAccessible(page: Page, label: string) {
        expect(await seriousViolations(page, label)).toEqual([]);
    }

    describe('patient and physician', () => {
        let physician: Page;
        let patient: Page;
        let recordId: string;

        beforeAll(async () => {
            const hospital = world.gateways.hospital;
            const enrolled = await hospital.call('POST', '/ehr/patients/enrol', {
                token: await hospital.token('patient1'),
            });
            expect(enrolled.status).toBe(200);
        });

        it('physician stores a document; the patient grants access; the physician reads it with its hash checked', async () => {
            physician = await signIn('hospital', 'physician1');
            await physician.getByRole('heading', { name: 'Clinician workspace' }).waitFor();
            await physician.getByText(/MedicalLicense: valid/).waitFor();
            await physician.getByLabel('Patient id', { exact: true }).fill(patientId);
            await physician.getByLabel('Document text').fill('Progress note: stable, continue treatment.');
            await physician.getByRole('button', { name: 'Store and register' }).click();
            const stored = physician.getByText(/Stored as record/);
            await stored.waitFor();
            recordId = (await stored.locator('code').textContent())!;

            patient = await signIn('hospital', 'patient1', { width: 390, height: 844 });
            await patient.getByRole('heading', { name: 'My health records' }).waitFor();
            await patient.getByRole('cell', { name: recordId }).waitFor();
            await patient.getByLabel('Practitioner id (optional)').fill('prac-hosp-0001');
            await patient.getByRole('button', { name: 'Grant access' }).click();
            await patient.getByText(/Access granted/).waitFor();

            await physician.getByLabel('Pseudonymous patient id').fill(patientId);
            await physician.getByRole('button', { name: 'Find records' }).click();
            await physician.getByLabel('Record id').fill(recordId);
            await physician.getByRole('button', { name: 'Open record' }).click();
            await physician.getByTestId('hash-check').filter({ hasText: 'Document verified' }).waitFor();
            expect(await physician.getByRole('region', { name: /Records of/ }).textContent()).toContain(
                'Progress note: stable, continue treatment.',
            );
            await expectAccessible(physician, 'clinician');
            await screenshot(physician, 'clinician');
        });

        it('after the patient revokes, the physician is denied, breaks the glass, and the patient is told at once', async () => {
            await patient.getByRole('button', { name: 'Revoke access of prac-hosp-0001' }).click();
            await patient.locator('.consents li.inactive').first().waitFor();

            await physician.getByRole('button', { name: 'Open record' }).click();
            const denied = physician.getByTestId('access-denied');
            await denied.waitFor();
            expect(await denied.textContent()).toMatch(/Access denied/);

            await denied.getByRole('button', { name: /break the glass/ }).click();
            const dialog = physician.getByRole('dialog', { name: 'Break the glass' });
            expect(await dialog.textContent()).toContain('overrides the patient');
            await dialog.getByLabel('Reason code').selectOption('unconscious');
            await dialog.getByLabel(/^Reason \(/).fill('Found unconscious in the emergency department');
            await expectAccessible(physician, 'clinician break-glass');
            await dialog.getByRole('button', { name: /I confirm/ }).click();
            await physician.getByTestId('glass-outcome').filter({ hasText: 'Emergency access granted' }).waitFor();

            const notice = patient.getByRole('alert').filter({ hasText: 'Emergency access to your records' });
            await notice.waitFor({ timeout: 30_000 });
            expect(await notice.textContent()).toContain(`prac-hosp-0001 at HospitalMSP opened record ${recordId}`);
            await patient.reload();
            const trail = patient.getByRole('region', { name: 'Who accessed my records' });
            await trail.locator('li.emergency').waitFor();
            await trail.locator('li.denied').first().waitFor();
            await expectAccessible(patient, 'patient (gateway-signed)');
        });
    });

    describe('supply chain', () => {
        const gtin = uniqueKey('gtin', 14);
        const lot = uniqueId('L').slice(0, 20);
        const expiry = '301231';

        it('operator registers and commissions a lot with progress, ships it; the distributor accepts it from the inbox', async () => {
            const maker = await signIn('manufacturer', 'operator1');
            await maker.getByRole('heading', { name: /Supply chain/ }).waitFor();
            const products = maker.getByRole('region', { name: 'Products and lots' });
            await products.getByLabel('GTIN').fill(gtin);
            await products.getByLabel('Product name (new product only)').fill('Amoxicillin');
            await products.getByLabel('Strength').fill('500 mg');
            await products.getByLabel('Dosage form').fill('capsule');
            await products.getByLabel('Lot number').fill(lot);
            await products.getByLabel('Lot expiry (YYMMDD)').fill(expiry);
            await products.getByRole('button', { name: 'Register' }).click();
            await products.getByText(`lot ${lot}`).waitFor();

            const commission = maker.getByRole('region', { name: 'Commission serialised units' });
            await commission.getByLabel('GTIN').fill(gtin);
            await commission.getByLabel('Lot').fill(lot);
            await commission.getByLabel('How many units').fill('25');
            await commission.getByRole('button', { name: 'Commission' }).click();
            await commission.getByText('25 / 25').waitFor({ timeout: 120_000 });
            expect(await commission.getByRole('progressbar').getAttribute('value')).toBe('25');

            const ship = maker.getByRole('region', { name: 'Ship' });
            await ship
                .getByLabel('Items, one per line')
                .fill(['S1', 'S2', 'S3'].map((s) => `(01)${gtin}(17)${expiry}(10)${lot}(21)${s}`).join('\n'));
            await ship.getByLabel('To').selectOption('DistributorMSP');
            await ship.getByRole('button', { name: 'Ship' }).click();
            await ship.getByText('Shipped 3 item(s) to DistributorMSP').waitFor();
            await expectAccessible(maker, 'supply (manufacturer)');
            await screenshot(maker, 'supply');

            const wholesaler = await signIn('distributor', 'operator1');
            const inbox = wholesaler.getByRole('region', { name: 'Incoming shipments' });
            const incoming = inbox.locator('li[data-shipment]').filter({ hasText: 'incoming' });
            await incoming.waitFor({ timeout: 30_000 });
            expect(await incoming.locator('code').allTextContents()).toHaveLength(3);
            await incoming.getByRole('button', { name: 'Accept shipment from ManufacturerMSP' }).click();
            await inbox.locator('li[data-shipment]').filter({ hasText: 'received' }).waitFor({ timeout: 30_000 });
            await expectAccessible(wholesaler, 'supply (distributor inbox)');

            // The ledger agrees: the units are with the distributor.
            const unit = await world.gateways.distributor.call<{ custodian: string; status: string }>(
                'GET',
                `/supply/unit?item=${encodeURIComponent(`(01)${gtin}(21)S2`)}`,
                { token: await world.gateways.distributor.token('operator1') },
            );
            expect(unit.body).toMatchObject({ custodian: 'DistributorMSP' });
        });

        it('pharmacist verifies a recalled pack and is told not to dispense it; a typo names the field', async () => {
            const manufacturer = world.gateways.manufacturer;
            const distributor = world.gateways.distributor;
            const hospital = world.gateways.hospital;
            const wholesaler = await distributor.token('operator1');
            const shipped = await distributor.call('POST', '/supply/ship', {
                token: wholesaler,
                body: { items: [`(01)${gtin}(21)S1`], to: 'HospitalMSP' },
            });
            expect(shipped.status).toBe(200);
            const received = await hospital.call('POST', '/supply/receive', {
                token: await hospital.token('pharmacist1'),
                body: { items: [`(01)${gtin}(21)S1`] },
            });
            expect(received.status).toBe(200);
            const recalled = await manufacturer.call('POST', '/supply/recalls', {
                token: await manufacturer.token('operator1'),
                body: { gtin, lot, recallClass: 'I', reason: 'contamination found at the plant' },
            });
            expect(recalled.status).toBe(200);

            const pharmacy = await signIn('hospital', 'pharmacist1', { width: 390, height: 844 });
            const verify = pharmacy.getByRole('region', { name: 'Verify a pack' });
            await verify.getByLabel('Code on the pack').fill(`(01)${gtin}(17)${expiry}(10)${lot}(21)S1`);
            await verify.getByRole('button', { name: 'Verify' }).click();
            const verdict = verify.getByTestId('verdict');
            await verdict.waitFor();
            expect(await verdict.textContent()).toBe('Refused: do not dispense — recalled');
            expect(await verify.getByRole('button', { name: 'Dispense this pack' }).count()).toBe(0);
            await expectAccessible(pharmacy, 'supply (pharmacist)');
            await screenshot(pharmacy, 'pharmacist');

            const wrongDigit = `${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}`;
            await verify.getByLabel('Code on the pack').fill(`(01)${wrongDigit}(21)S1`);
            await verify.getByRole('button', { name: 'Verify' }).click();
            const alert = verify.getByRole('alert');
            await alert.waitFor();
            expect(await alert.textContent()).toContain('the field at fault: gtin');
        });

        it('inspector follows the lot: custody graph, where the units are, timeline, recall', async () => {
            const inspector = await signIn('regulator', 'inspector1');
            await inspector.getByRole('heading', { name: /Regulator/ }).waitFor();
            await inspector.getByLabel('GTIN', { exact: true }).fill(gtin);
            await inspector.getByLabel('Lot', { exact: true }).fill(lot);
            await inspector.getByRole('button', { name: 'Follow lot' }).click();
            const graph = inspector.getByRole('img', { name: `Chain of custody of lot ${lot}` });
            await graph.waitFor();
            expect(
                await graph
                    .locator('[data-node]')
                    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node'))),
            ).toEqual(['ManufacturerMSP', 'DistributorMSP', 'HospitalMSP']);
            const description = await graph.locator('desc').textContent();
            expect(description).toContain('ManufacturerMSP shipped 3 unit(s) to DistributorMSP; 3 received');
            expect(description).toContain('DistributorMSP shipped 1 unit(s) to HospitalMSP; 1 received');
            const where = inspector.getByRole('region', { name: 'Where the units are now' });
            await where.getByRole('cell', { name: 'DistributorMSP' }).waitFor();
            const rows = await where.locator('tbody tr').allTextContents();
            expect(rows.join('|')).toMatch(/ManufacturerMSP.*22/);
            await inspector.getByRole('status').filter({ hasText: 'Recalled (class I) by ManufacturerMSP' }).waitFor();
            const timeline = inspector.getByRole('list', { name: 'Lot timeline' });
            expect(await timeline.locator('li').count()).toBeGreaterThanOrEqual(6);
            await expectAccessible(inspector, 'regulator supply explorer');
            await screenshot(inspector, 'regulator');

            await inspector.getByRole('tab', { name: 'Recalls and suspect product' }).click();
            await inspector.getByText(/contamination found at the plant/).waitFor({ timeout: 30_000 });
            await expectAccessible(inspector, 'regulator recalls');

            await inspector.getByRole('tab', { name: 'EHR audit' }).click();
            await inspector.getByLabel('Id', { exact: true }).fill(patientId);
            await inspector.getByRole('button', { name: 'Search' }).click();
            await inspector.locator('tr.emergency').first().waitFor();
            await inspector.getByLabel('Outcome').selectOption('denied');
            expect(await inspector.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
            expect(await inspector.locator('tbody tr:not(.denied)').count()).toBe(0);
            await expectAccessible(inspector, 'regulator EHR audit');

            await inspector.getByRole('tab', { name: 'Credentials' }).click();
            await inspector.getByLabel('Practitioner id').fill('prac-hosp-0001');
            await inspector.getByRole('button', { name: 'Look up' }).click();
            await inspector
                .getByText(/MedicalLicense/)
                .first()
                .waitFor();
            await expectAccessible(inspector, 'regulator credentials');
        });
    });
});
