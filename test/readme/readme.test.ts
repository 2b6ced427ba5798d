import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { root, startDefault, withoutCareLedgerSettings, type StartedDefault } from './started-default';

/**
 * Every shell block of README.md, run as written against a started default (`npm start` on a
 * fresh data folder), so the README cannot drift from the code (issue #20, problem 4).
 *
 * "As written": each block runs in bash (`set -euo pipefail`) in a folder that looks like the
 * repository to it — `node_modules` and `.careledger` linked in — so relative paths and
 * `npx careledger` resolve as in a clone. Two things differ, neither in the commands: the port
 * (`127.0.0.1:3000` becomes the test's free port) and `curl` fails on an HTTP error status
 * (`--fail-with-body`), so a command that answers 4xx/5xx fails the test.
 *
 * Blocks that cannot run against a started default are skipped for the reason named here, and
 * each reason must still match a block, so the list cannot rot.
 */
const skipped: Array<{ reason: string; matches: RegExp }> = [
    {
        reason: 'the two commands: this test runs npm start, and npm test runs this test',
        matches: /^npm ci && npm start/m,
    },
    { reason: 'installs Fabric (sudo, downloads from GitHub)', matches: /^sudo /m },
    {
        reason: 'needs the Fabric network (npm test runs the network suite when Fabric is installed)',
        matches: /network\/network\.sh|CARELEDGER_LEDGER=fabric/,
    },
];

const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
const runnable = blocks.filter((block) => !skipped.some((s) => s.matches.test(block)));

describe('README.md, run as written against a started default', () => {
    let started: StartedDefault;
    let cwd: string;
    const outputs: string[] = [];

    beforeAll(async () => {
        started = await startDefault();
        cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-readme-'));
        fs.symlinkSync(path.join(root, 'node_modules'), path.join(cwd, 'node_modules'));
        fs.symlinkSync(started.dataDir, path.join(cwd, '.careledger'));
    }, 120_000);
    afterAll(async () => {
        await started?.stop();
        fs.rmSync(cwd, { recursive: true, force: true });
    });

    it('has shell blocks to run, and every skip reason still names one', () => {
        expect(runnable.length).toBeGreaterThanOrEqual(3);
        for (const skip of skipped) {
            expect({ reason: skip.reason, found: blocks.some((block) => skip.matches.test(block)) }).toEqual({
                reason: skip.reason,
                found: true,
            });
        }
    });

    it.each(runnable.map((block, i) => [i + 1, block.split('\n')[0], block]))(
        'block %i (%s) runs without error',
        (_n, _first, block) => {
            const script = [
                'set -euo pipefail',
                'curl() { command curl --fail-with-body "$@"; }',
                block.replaceAll('127.0.0.1:3000', `127.0.0.1:${started.port}`),
            ].join('\n');
            const result = spawnSync('bash', ['-c', script], {
                cwd,
                encoding: 'utf8',
                timeout: 120_000,
                env: { ...withoutCareLedgerSettings(process.env), CARELEDGER_DATA_DIR: started.dataDir },
            });
            outputs.push(result.stdout);
            expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toMatchObject({
                status: 0,
            });
        },
        150_000,
    );

    it('did what the README says: the note read, a unit verified, a lot exported as EPCIS, events written', () => {
        const all = outputs.join('\n');
        expect(all).toContain('Demo progress note');
        expect(all).toContain('"verified":true');
        expect(all).toContain('"expiry":"310630"');
        const epcis = JSON.parse(fs.readFileSync(path.join(cwd, 'lot.json'), 'utf8'));
        expect(epcis).toMatchObject({ type: 'EPCISDocument' });
        const events = fs.readFileSync(path.join(cwd, 'events.jsonl'), 'utf8').trim().split('\n');
        expect(events).toHaveLength(20);
        expect(JSON.parse(events[0]).blockNumber).toBe('1');
    });

    it("shows the start-up banner's persona lines as npm start prints them", () => {
        const printed = started.banner
            .replaceAll(started.dataDir, '.careledger')
            .replaceAll(started.address, 'http://127.0.0.1:3000');
        const excerpt = /```text\n(Personas:[\s\S]*?)```/.exec(readme)![1];
        const lines = excerpt.split('\n').filter((line) => line.trim() && line.trim() !== '...');
        for (const line of lines) {
            expect(printed).toContain(line);
        }
    });
});
