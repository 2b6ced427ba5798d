import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CredentialsClient, commitDocument } from '../../gateway/src/credentials';
import { EhrClient } from '../../gateway/src/ehr';
import { loadLedgerConfig, LedgerError } from '../../gateway/src/ledger';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';

/**
 * The gateway process is killed (SIGKILL, by a crash point) after a pointer committed and before
 * its location was submitted, then started again on the same data folder: the pointer is completed
 * from the gateway's intent journal before the restarted server answers — for one pointer, and for
 * a bulk registration. An intent that cannot be completed is flagged; the pointer stays pending,
 * listed for the custodian, refused to the patient, and the custodian cancels it and reuses its id.
 * Same file on the embedded ledger (the gateway process holds it in its data folder) and on Fabric.
 */
const root = path.resolve(__dirname, '..', '..');
const kind = loadLedgerConfig().kind;
// Four gateway starts (each ~20 s on an idle machine, far more on a loaded one) and four kills.
jest.setTimeout(900_000);

interface Gateway {
    child: ChildProcess;
    url: string;
    tokens: Record<string, string>;
}

describe('a gateway killed between a pointer and its location', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-pending-'));
    const journalDir = path.join(dataDir, 'gateway', 'hospital', 'ehr-pending');
    const children: ChildProcess[] = [];
    let env: ScenarioLedger | undefined;
    let patientId: string;

    const start = async (crash: boolean): Promise<Gateway> => {
        const child = spawn(
            process.execPath,
            ['-r', path.join(root, 'test/support/register-ts.js'), path.join(root, 'gateway/src/server/main.ts')],
            {
                cwd: root,
                env: {
                    ...process.env,
                    CARELEDGER_DATA_DIR: dataDir,
                    CARELEDGER_PORT: '0',
                    CARELEDGER_LOG_LEVEL: 'warn',
                    CARELEDGER_HISTORY: 'off',
                    CARELEDGER_DEMO_TOKENS: '1',
                    ...(kind === 'fabric' ? { CARELEDGER_ORG: 'hospital' } : {}),
                    ...(crash ? { CARELEDGER_CRASH_AT: 'ehr-between-steps' } : { CARELEDGER_CRASH_AT: '' }),
                },
                stdio: ['ignore', 'pipe', 'pipe'],
            },
        );
        children.push(child);
        const url = await new Promise<string>((resolve, reject) => {
            let out = '';
            const onData = (chunk: Buffer) => {
                out += chunk.toString();
                const match = /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
                if (match && out.includes('demo-tokens.json)')) {
                    resolve(match[1]);
                }
            };
            child.stdout!.on('data', onData);
            child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.once('exit', (code, signal) => reject(new Error(`gateway exited (${code ?? signal}):\n${out}`)));
        });
        const tokensFile = path.join(dataDir, 'gateway', 'hospital', 'demo-tokens.json');
        return { child, url, tokens: JSON.parse(fs.readFileSync(tokensFile, 'utf8')) as Record<string, string> };
    };

    const call = async (gateway: Gateway, user: string, method: string, url: string, body?: unknown) => {
        const response = await fetch(`${gateway.url}${url}`, {
            method,
            headers: {
                authorization: `Bearer ${gateway.tokens[user]}`,
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    /** Sends a registration the gateway dies in the middle of; resolves when the process is gone. */
    const killedDuring = async (gateway: Gateway, url: string, body: unknown) => {
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
            gateway.child.once('exit', (_c, s) => resolve(s)),
        );
        const answered = await call(gateway, 'physician1', 'POST', url, body).then(
            () => 'answered',
            () => 'connection lost',
        );
        expect(answered).toBe('connection lost');
        expect(await exited).toBe('SIGKILL');
    };

    const record = (id: string) => {
        const location = `https://docs.hospital.example/pending/${id}.pdf`;
        return {
            id,
            patientId,
            type: { system: 'http://loinc.org', code: '11506-3', display: 'Progress note' },
            contentHash: createHash('sha256').update(id).digest('hex'),
            size: 1024,
            mediaType: 'application/pdf',
            location,
        };
    };
    const journalled = () =>
        fs.existsSync(journalDir)
            ? fs
                  .readdirSync(journalDir)
                  .filter((name) => name.endsWith('.json'))
                  .map((name) => JSON.parse(fs.readFileSync(path.join(journalDir, name), 'utf8')))
            : [];

    beforeAll(async () => {
        if (kind === 'fabric') {
            // A shared network: physician1 licensed, patient1 enrolled (the embedded ledger's demo seed does both).
            env = await openScenarioLedger();
            const regulator = new CredentialsClient(await env.session('regulator', 'admin'));
            await regulator
                .registerIssuer({
                    type: 'MedicalLicense',
                    mspId: 'RegulatorMSP',
                    roles: ['admin'],
                    subjectScope: 'any-org',
                })
                .catch((error: unknown) => {
                    if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
                });
            const subject = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' };
            if ((await regulator.checkPractitioner(subject, 'MedicalLicense')).verdict !== 'valid') {
                await regulator.issue({
                    id: uniqueId('lic'),
                    type: 'MedicalLicense',
                    subject,
                    commitment: commitDocument(uniqueId('licence')).commitment,
                });
            }
            patientId = (await new EhrClient(await env.session('hospital', 'patient1')).enrolPatient()).patientId;
        }
    });

    afterAll(async () => {
        for (const child of children.filter((c) => c.exitCode === null && c.signalCode === null)) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
        }
        await env?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('completes a single pointer and a bulk registration after restarts, and flags what it cannot complete', async () => {
        let gateway = await start(true);
        if (kind === 'embedded') {
            const me = await call(gateway, 'patient1', 'POST', '/ehr/patients/enrol');
            patientId = me.body.patientId;
        }
        const single = uniqueId('crash-one');
        await killedDuring(gateway, '/ehr/records', record(single));
        // The intent was on disk before the pointer's submit: location and salt, for the clinician who began it.
        expect(journalled()).toEqual([
            expect.objectContaining({ user: 'physician1', locations: [expect.objectContaining({ recordId: single })] }),
        ]);
        if (env) {
            // On Fabric the test can look meanwhile: the pointer committed and is pending.
            const custodian = new EhrClient(await env.session('hospital', 'physician1'));
            expect(await custodian.getRecord(single)).toMatchObject({ id: single, pending: true });
        }

        // Restart (still crashing at the same point): the single pointer is completed before the server answers.
        gateway = await start(true);
        expect(journalled()).toEqual([]);
        const bulk = [uniqueId('crash-bulk'), uniqueId('crash-bulk'), uniqueId('crash-bulk')];
        await killedDuring(gateway, '/ehr/records/bulk', { records: bulk.map(record) });
        expect(journalled()).toEqual([
            expect.objectContaining({ locations: bulk.map((id) => expect.objectContaining({ recordId: id })) }),
        ]);

        // Restart: the bulk intent is completed in one StoreRecordLocations. Then one more crash, whose
        // intent names a clinician this gateway cannot sign for (removed since): it must be flagged.
        gateway = await start(true);
        expect(journalled()).toEqual([]);
        const orphan = uniqueId('crash-orphan');
        await killedDuring(gateway, '/ehr/records', record(orphan));
        const [intent] = journalled();
        fs.writeFileSync(
            path.join(journalDir, `${intent.id}.json`),
            JSON.stringify({ ...intent, user: 'no-such-clinician' }),
        );

        gateway = await start(false);
        for (const id of [single, ...bulk]) {
            const read = await call(gateway, 'patient1', 'POST', `/ehr/records/${id}/access`, { purpose: 'PATRQT' });
            expect(read.status).toBe(200);
            expect(read.body.location.location).toBe(record(id).location);
        }
        const pending = await call(gateway, 'physician1', 'GET', '/ehr/records/pending?pageSize=200');
        expect(pending.status).toBe(200);
        expect(pending.body.items.map((r: { id: string }) => r.id)).toContain(orphan);
        expect(pending.body.items.map((r: { id: string }) => r.id)).not.toContain(single);
        expect(pending.body.flagged).toEqual([expect.objectContaining({ recordId: orphan })]);
        expect(JSON.stringify(pending.body)).not.toContain('docs.hospital.example');
        // Refused to the patient and to an audited read until it completes.
        expect((await call(gateway, 'patient1', 'GET', `/ehr/records/${orphan}`)).status).toBe(409);
        expect(
            (await call(gateway, 'patient1', 'POST', `/ehr/records/${orphan}/access`, { purpose: 'PATRQT' })).status,
        ).toBe(409);
        expect((await call(gateway, 'patient1', 'POST', `/ehr/records/${orphan}/cancel`)).status).toBe(403);

        // The custodian cancels it: gone from the ledger and the journal, and the id can be registered again.
        const cancelled = await call(gateway, 'physician1', 'POST', `/ehr/records/${orphan}/cancel`);
        expect(cancelled.status).toBe(200);
        expect(journalled()).toEqual([]);
        expect((await call(gateway, 'physician1', 'GET', `/ehr/records/${orphan}`)).status).toBe(404);
        const again = await call(gateway, 'physician1', 'POST', '/ehr/records', record(orphan));
        expect(again.status).toBe(201);
        expect((await call(gateway, 'patient1', 'GET', `/ehr/records/${orphan}`)).status).toBe(200);
    });
});
