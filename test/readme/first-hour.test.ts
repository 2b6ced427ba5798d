import { execFileSync } from 'node:child_process';
import { demoCommitment, DemoWorld } from '../../gateway/src/demo';
import { root, startDefault, type StartedDefault } from './started-default';

/**
 * Issue #20, the first hour, on a started default (`npm start` on a fresh data folder):
 * - problem 2: every persona's printed command succeeds at once — the demo world is seeded
 *   (licences, partners, product, lot, units, patient, record, consent), no set-up step;
 * - problem 7: a contract rejection (the caller's mistake) is one JSON log line at info with its
 *   code, and no red `ContractError` line;
 * - problem 9: product and credential verification answer without a token.
 */
describe('the first five minutes on a started default', () => {
    let started: StartedDefault;

    beforeAll(async () => {
        started = await startDefault({ CARELEDGER_LOG_LEVEL: 'info', CARELEDGER_PUBLIC_RATE_LIMIT: '4' });
    }, 120_000);
    afterAll(async () => started?.stop());

    it('prints every persona of every org with a token file and a command that works at once', () => {
        const personas = [...started.banner.matchAll(/^ {2}(\w+)\/(\w+) \((\w+)\), token (\S+): .*\n {4}(curl .*)$/gm)];
        const named = personas.map((m) => `${m[1]}/${m[2]}`);
        expect(named).toEqual(
            expect.arrayContaining([
                'hospital/physician1',
                'hospital/patient1',
                'manufacturer/operator1',
                'distributor/operator1',
                'regulator/inspector1',
                'regulator/admin',
            ]),
        );
        for (const [, org, user, , , command] of personas) {
            const answer = execFileSync('bash', ['-c', `${command} -w '\\n%{http_code}'`], {
                cwd: root,
                encoding: 'utf8',
            });
            const status = answer.slice(answer.lastIndexOf('\n') + 1);
            expect({ persona: `${org}/${user}`, status, answer }).toMatchObject({ status: '200' });
        }
        // What the seeded world holds, seen through the personas' own commands.
        const run = (persona: RegExpMatchArray) =>
            execFileSync('bash', ['-c', persona[5]], { cwd: root, encoding: 'utf8' });
        const byName = (name: string) => personas.find((m) => `${m[1]}/${m[2]}` === name)!;
        expect(run(byName('hospital/physician1'))).toContain('Demo progress note');
        expect(JSON.parse(run(byName('regulator/inspector1')))).toMatchObject({ total: 10 });
        expect(JSON.parse(run(byName('distributor/operator1'))).items).toEqual(
            expect.arrayContaining([
                expect.objectContaining({ mspId: 'ManufacturerMSP', kind: 'manufacturer' }),
                expect.objectContaining({ mspId: 'DistributorMSP', kind: 'distributor' }),
            ]),
        );
    }, 60_000);

    it('logs a contract rejection once, as JSON at info with its code, and no ContractError line', async () => {
        const token = /Bearer \$\(cat (\S+physician1)\)/.exec(started.banner)![1];
        const bearer = execFileSync('cat', [token], { cwd: root, encoding: 'utf8' });
        const url = '/ehr/records/no-such-record-20';
        const response = await fetch(`${started.address}${url}`, { headers: { authorization: `Bearer ${bearer}` } });
        expect(response.status).toBe(404);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const lines = started.logs().filter((line) => line.url === url);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({ level: 30, status: 404, code: 'NOT_FOUND', as: 'hospital/physician1' });
        expect(started.output()).not.toContain('ContractError');
        // Quiet: besides the banner, only JSON log lines (no warnings, no stray text).
        const rest = started
            .output()
            .replace(started.banner, '')
            .split('\n')
            .filter((line) => line.trim());
        expect(rest.filter((line) => !line.startsWith('{'))).toEqual([]);
    });

    const tokenOf = (persona: string) => {
        const file = new RegExp(`Bearer \\$\\(cat (\\S+/${persona})\\)`).exec(started.banner)![1];
        return execFileSync('cat', [file], { cwd: root, encoding: 'utf8' });
    };

    it('verifies products and credentials without a token, rate-limited per address', async () => {
        const { gtin, lot } = DemoWorld.lot;
        const unit = `/verify/01/${gtin}/10/${lot}/21/${DemoWorld.serials[0]}`;
        const product = await fetch(`${started.address}${unit}`);
        expect(product.status).toBe(200);
        expect(await product.json()).toMatchObject({ data: { verified: true } });
        const id = 'demo-MedicalLicense-prac-hosp-0001';
        const credential = await fetch(`${started.address}/credentials/${id}/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ commitment: demoCommitment(id) }),
        });
        expect(credential.status).toBe(200);
        expect(await credential.json()).toMatchObject({ verdict: 'valid' });
        // The limit is 4 anonymous calls a minute here: two more pass, the next is refused.
        expect((await fetch(`${started.address}${unit}`)).status).toBe(200);
        expect((await fetch(`${started.address}${unit}`)).status).toBe(200);
        const limited = await fetch(`${started.address}${unit}`);
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
        // With a token the caller is not anonymous: not limited.
        const withToken = await fetch(`${started.address}${unit}`, {
            headers: { authorization: `Bearer ${tokenOf('pharmacist1')}` },
        });
        expect(withToken.status).toBe(200);
        // Routes that are not verification still need a token.
        expect((await fetch(`${started.address}/supply/lots/${gtin}/${lot}`)).status).toBe(401);
    });

    it('takes a lot expiry as an ISO 8601 date as well as GS1 YYMMDD', async () => {
        const post = (lotNumber: string, expiry: string) =>
            fetch(`${started.address}/supply/lots`, {
                method: 'POST',
                headers: { authorization: `Bearer ${tokenOf('operator1')}`, 'content-type': 'application/json' },
                body: JSON.stringify({ gtin: DemoWorld.product.gtin, lot: lotNumber, expiry, quantity: 10 }),
            });
        const iso = await post('ISO-1', '2031-06-30');
        expect(iso.status).toBe(201);
        expect(await iso.json()).toMatchObject({ lot: 'ISO-1', expiry: '310630' });
        const gs1 = await post('GS1-1', '310630');
        expect(gs1.status).toBe(201);
        const wrong = await post('BAD-1', '2031/06/30');
        expect(wrong.status).toBe(400);
        expect(await wrong.json()).toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: expect.stringContaining('expiry'),
        });
    });
});
