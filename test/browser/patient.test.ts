import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './browser';
import { seedBasics, startWorld, type World } from './world';

/**
 * The flagship: a patient whose key lives in the browser. The page makes a non-extractable
 * P-256 key, enrols it with a CSR, and signs every transaction through /offline; the gateway
 * and the CA only ever see the CSR and the signatures.
 */
jest.setTimeout(240_000);

describe('browser: patient with the key on the device', () => {
    let world: World;
    let browser: Browser;
    let page: Page;
    let patientId: string;

    beforeAll(async () => {
        world = await startWorld(['hospital', 'regulator']);
        await seedBasics(world);
        browser = await launchBrowser();
        page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    });
    afterAll(async () => {
        await browser?.close();
        await world?.close();
    });

    it('enrols a device key, grants and revokes a consent signed in the browser; the key cannot be exported', async () => {
        const hospital = world.gateways.hospital;
        await page.goto(`${hospital.url}/`);
        await page.getByRole('heading', { name: 'Sign in to CareLedger' }).waitFor();
        expect(await seriousViolations(page, 'sign-in')).toEqual([]);
        await screenshot(page, 'sign-in');

        await page.getByRole('button', { name: 'Create my key and enrol' }).click();
        await page.getByRole('heading', { name: 'My health records' }).waitFor({ timeout: 60_000 });
        await page.getByText('Every change is signed by the key on this device').waitFor();
        const session = JSON.parse((await page.evaluate("localStorage.getItem('careledger.session')")) as string);
        expect(session).toMatchObject({ role: 'patient', signing: 'offline', org: 'hospital' });
        expect(session.actorId).toMatch(/^pat-[0-9a-f]{8}$/);
        patientId = session.actorId;

        // The gateway holds the certificate alone; the token signs nothing by itself.
        const me = await hospital.call<{ signing: string }>('GET', '/auth/me', { token: session.token });
        expect(me.body.signing).toBe('offline');
        const directory = await world.env.ledger.identities.get('hospital', session.user);
        expect(directory.privateKey).toBeUndefined();
        const whoami = await hospital.call('GET', '/system/whoami', { token: session.token });
        expect(whoami.status).not.toBe(200);

        // The private key is a CryptoKey the page can sign with but never read.
        // Run in the page (as a string: this file is type-checked without the DOM library).
        const exported = (await page.evaluate(`(async () => {
            const db = await new Promise((resolve, reject) => {
                const r = indexedDB.open('careledger-device', 1);
                r.onsuccess = () => resolve(r.result);
                r.onerror = () => reject(r.error);
            });
            const identity = await new Promise((resolve, reject) => {
                const r = db.transaction('identities').objectStore('identities').get(${JSON.stringify(session.deviceId)});
                r.onsuccess = () => resolve(r.result);
                r.onerror = () => reject(r.error);
            });
            const key = identity.keys.privateKey;
            const attempts = [];
            for (const format of ['pkcs8', 'jwk', 'raw']) {
                try {
                    await crypto.subtle.exportKey(format, key);
                    attempts.push(format + ': exported');
                } catch (error) {
                    attempts.push(format + ': ' + error.name);
                }
            }
            return { extractable: key.extractable, type: key.type, curve: key.algorithm.namedCurve, attempts };
        })()`)) as { extractable: boolean; type: string; curve: string; attempts: string[] };
        expect(exported.extractable).toBe(false);
        expect(exported.type).toBe('private');
        expect(exported.curve).toBe('P-256');
        expect(exported.attempts).toEqual([
            'pkcs8: InvalidAccessError',
            'jwk: InvalidAccessError',
            'raw: InvalidAccessError',
        ]);

        // Grant: three signatures on the device, committed in a block.
        await page.getByLabel('Practitioner id (optional)').fill('prac-hosp-0001');
        await page.getByRole('button', { name: 'Grant access' }).click();
        const granted = page.getByText(/Access granted \((consent-[0-9a-f-]+)\), committed in block \d+/);
        await granted.waitFor({ timeout: 60_000 });
        const consentId = /\((consent-[0-9a-f-]+)\)/.exec((await granted.textContent())!)![1];
        const consentItem = page.locator(`[data-consent="${consentId}"]`);
        await consentItem.getByText('active').waitFor();
        expect(await seriousViolations(page, 'patient')).toEqual([]);
        await screenshot(page, 'patient');

        // The ledger has it, as the grantee sees it.
        const physician = await hospital.token('physician1');
        const onLedger = await hospital.call<{ status: string; patientId: string }>(
            'GET',
            `/ehr/consents/${consentId}`,
            {
                token: physician,
            },
        );
        expect(onLedger.body).toMatchObject({ status: 'active', patientId: session.actorId });

        await consentItem.getByRole('button', { name: /Revoke access of prac-hosp-0001/ }).click();
        await consentItem.getByText('revoked').waitFor({ timeout: 60_000 });
        const revoked = await hospital.call<{ status: string }>('GET', `/ehr/consents/${consentId}`, {
            token: physician,
        });
        expect(revoked.body.status).toBe('inactive');
    });

    it('shows the field at fault when the ledger refuses a consent', async () => {
        await page.getByLabel('Until (end date)').fill('2001-01-01');
        await page.getByRole('button', { name: 'Grant access' }).click();
        const alert = page.getByRole('alert').filter({ hasText: 'the field at fault' });
        await alert.waitFor({ timeout: 60_000 });
        expect(await alert.textContent()).toMatch(/end/);
    });

    it('erases the records at the custodian, signed on the device, and shows the proof', async () => {
        const hospital = world.gateways.hospital;
        const recordId = `rec-erase-${patientId}`;
        const stored = await hospital.call('POST', '/documents', {
            token: await hospital.token('physician1'),
            body: {
                recordId,
                patientId,
                type: { system: 'http://loinc.org', code: '11506-3' },
                contentType: 'text/plain',
                content: Buffer.from('a note to erase').toString('base64'),
            },
        });
        expect(stored.status).toBe(201);
        const erasure = page.getByRole('region', { name: 'Erase my records' });
        await erasure.getByLabel('At organisation').selectOption('HospitalMSP');
        await erasure.getByLabel('I understand this cannot be undone').check();
        await erasure.getByRole('button', { name: 'Request erasure' }).click();
        const receipt = erasure.getByTestId('erasure');
        await receipt.getByText(`${recordId}: erased — the pointer is a tombstone`).waitFor({ timeout: 120_000 });
        expect(await receipt.textContent()).toContain('1 record(s) erased at HospitalMSP');
        const tombstone = await hospital.call<{ status: string }>('GET', `/ehr/records/${recordId}`, {
            token: await hospital.token('physician1'),
        });
        expect(tombstone.body.status).toBe('entered-in-error');
    });
});
