import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../cli/main';
import type { Ledger, LedgerConfig } from '../ledger';
import { orgsToServe, startGateway, type StartedGateway } from './main';

/**
 * Problem 1 of issue #20: one `npm start` on the embedded ledger serves every org of the
 * consortium over one ledger on one port (the token picks the org), and the CLI works while it
 * runs (through the ledger relay), instead of failing on the locked ledger folder.
 */
describe('npm start serves the whole consortium on one port', () => {
    let dataDir: string;
    let started: StartedGateway;
    const saved = { ...process.env };

    beforeAll(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-consortium-'));
        Object.assign(process.env, { CARELEDGER_DATA_DIR: dataDir, CARELEDGER_LEDGER: 'embedded' });
        delete process.env.CARELEDGER_ORG;
        started = await startGateway({
            ...process.env,
            CARELEDGER_PORT: '0',
            CARELEDGER_LOG_LEVEL: 'silent',
            CARELEDGER_DEMO_SEED: '0',
        });
        // A bound, not a timing: starting every org's gateway (ledger, history index migrations, each
        // org's demo tokens) took over 60 s when this suite's workers started together on a busy 2-core machine.
    }, 180_000);

    afterAll(async () => {
        await started?.close();
        process.env = saved;
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const demoTokens = (org: string) =>
        JSON.parse(fs.readFileSync(path.join(dataDir, 'gateway', org, 'demo-tokens.json'), 'utf8')) as Record<
            string,
            string
        >;
    const whoami = async (token: string, prefix = '') =>
        (
            await fetch(`${started.address}${prefix}/system/whoami`, { headers: { authorization: `Bearer ${token}` } })
        ).json();

    it('answers every org of network/consortium.json, each token as its own org', async () => {
        expect(started.orgs).toEqual(expect.arrayContaining(['hospital', 'manufacturer', 'distributor', 'regulator']));
        for (const [org, mspId, user] of [
            ['hospital', 'HospitalMSP', 'physician1'],
            ['manufacturer', 'ManufacturerMSP', 'operator1'],
            ['distributor', 'DistributorMSP', 'operator1'],
            ['regulator', 'RegulatorMSP', 'inspector1'],
        ]) {
            await expect(whoami(demoTokens(org)[user])).resolves.toMatchObject({ mspId });
        }
    });

    it('/orgs/<org>/ names an org, and a token still only acts in its own org there', async () => {
        const ready = await (await fetch(`${started.address}/orgs/regulator/readyz`)).json();
        expect(ready).toMatchObject({ status: 'ready', org: 'regulator' });
        const crossed = await fetch(`${started.address}/orgs/regulator/system/whoami`, {
            headers: { authorization: `Bearer ${demoTokens('hospital').physician1}` },
        });
        expect(crossed.status).toBe(401);
    });

    it('the CLI works while the gateway holds the ledger, and writes land on the same ledger', async () => {
        const out: string[] = [];
        const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
            out.push(String(chunk));
            return true;
        });
        try {
            expect(await run(['node', 'careledger', '--org', 'regulator', '-u', 'inspector1', 'whoami'])).toBe(0);
            expect(await run(['node', 'careledger', '-u', 'physician1', '--json', 'ping', 'from the cli'])).toBe(0);
            expect(await run(['node', 'careledger', '--org', 'distributor', 'token', 'issue', 'operator1'])).toBe(0);
        } finally {
            write.mockRestore();
        }
        expect(out[0]).toContain('RegulatorMSP inspector insp-reg-0001');
        const { transactionId } = JSON.parse(out[1]) as { transactionId: string };
        // The gateway sees the CLI's transaction: its event is on the one shared ledger.
        const events = await fetch(`${started.address}/events?from=0`, {
            headers: { authorization: `Bearer ${demoTokens('regulator').inspector1}` },
        });
        const reader = events.body!.getReader();
        let text = '';
        while (!text.includes(transactionId)) {
            const { value, done } = await reader.read();
            if (done) {
                break;
            }
            text += Buffer.from(value).toString();
        }
        await reader.cancel();
        expect(text).toContain(transactionId);
        // A token issued by the CLI is known to the running gateway at once.
        await expect(whoami(out[2].trim())).resolves.toMatchObject({ mspId: 'DistributorMSP' });
    });

    it('a second gateway (CARELEDGER_ORG) runs beside it on the same ledger, through the relay', async () => {
        const second = await startGateway({
            ...process.env,
            CARELEDGER_ORG: 'distributor',
            CARELEDGER_PORT: '0',
            CARELEDGER_LOG_LEVEL: 'silent',
        });
        try {
            expect(second.orgs).toEqual(['distributor']);
            expect(second.banner).toContain('shared with the process that holds it');
            const response = await fetch(`${second.address}/system/whoami`, {
                headers: { authorization: `Bearer ${demoTokens('distributor').operator1}` },
            });
            await expect(response.json()).resolves.toMatchObject({ mspId: 'DistributorMSP' });
        } finally {
            await second.close();
        }
        // The first still holds and serves the ledger.
        await expect(whoami(demoTokens('regulator').inspector1)).resolves.toMatchObject({ mspId: 'RegulatorMSP' });
    });
});

describe('orgsToServe', () => {
    const ledger = (kind: 'embedded' | 'fabric') =>
        ({
            kind,
            identities: { orgs: async () => [{ org: 'hospital' }, { org: 'regulator' }] },
        }) as unknown as Ledger;
    const config = { org: 'hospital' } as LedgerConfig;

    it('serves every org on the embedded ledger, CARELEDGER_ORG alone when set, one org on Fabric', async () => {
        await expect(orgsToServe({}, config, ledger('embedded'))).resolves.toEqual(['hospital', 'regulator']);
        await expect(
            orgsToServe({ CARELEDGER_ORG: 'regulator' }, { ...config, org: 'regulator' }, ledger('embedded')),
        ).resolves.toEqual(['regulator']);
        await expect(orgsToServe({}, config, ledger('fabric'))).resolves.toEqual(['hospital']);
    });
});
