import { execFileSync } from 'node:child_process';
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
        started = await startDefault({ CARELEDGER_LOG_LEVEL: 'info' });
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
    });
});
