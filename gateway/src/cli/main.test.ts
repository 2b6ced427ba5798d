import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { supply } from '@careledger/chaincode';
import { TokenStore } from '../auth/token-store';
import { epcisDocumentSchema } from '../standards/epcis-schema';
import { run } from './main';
import { tokenStoreOf } from './commands-core';

/**
 * The CLI over an embedded ledger on disk, each command a separate open and close of the
 * ledger as separate invocations would be: JSON output, exit codes, bulk commissioning and an
 * EPCIS export of a lot's history.
 */
jest.setTimeout(180_000);

describe('careledger CLI', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-cli-'));
    const previous = { ...process.env };

    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
        let out = '';
        let err = '';
        const stdout = jest
            .spyOn(process.stdout, 'write')
            .mockImplementation((chunk) => ((out += String(chunk)), true));
        const stderr = jest
            .spyOn(process.stderr, 'write')
            .mockImplementation((chunk) => ((err += String(chunk)), true));
        try {
            const code = await run(['node', 'careledger', ...args]);
            return { code, out, err };
        } finally {
            stdout.mockRestore();
            stderr.mockRestore();
        }
    }

    beforeAll(() => {
        process.env.CARELEDGER_LEDGER = 'embedded';
        process.env.CARELEDGER_DATA_DIR = dataDir;
        delete process.env.CARELEDGER_ORG;
    });
    afterAll(() => {
        process.env = previous;
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('acts as --user of --org and prints JSON', async () => {
        const who = await cli('--org', 'distributor', '--user', 'operator1', '--json', 'whoami');
        expect(who.code).toBe(0);
        expect(JSON.parse(who.out)).toMatchObject({
            mspId: 'DistributorMSP',
            role: 'operator',
            actorId: 'op-dist-0001',
        });
        const ping = await cli('--json', 'ping', 'from the cli');
        expect(JSON.parse(ping.out)).toMatchObject({ result: { message: 'from the cli', mspId: 'HospitalMSP' } });
    });

    it('exits with the typed error code and a JSON error', async () => {
        const bad = await cli('--json', 'ping', 'no/slash');
        expect(bad.code).toBe(2);
        expect(JSON.parse(bad.err)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'message' });
        expect((await cli('--user', 'nobody', 'whoami')).code).toBe(3);
    });

    it("issues a REST token into the org's token store", async () => {
        const issued = await cli('--org', 'hospital', '--json', 'token', 'issue', 'physician1');
        const { token } = JSON.parse(issued.out) as { token: string };
        const store: TokenStore = tokenStoreOf(dataDir, 'hospital');
        expect(store.resolve(token)).toMatchObject({ org: 'hospital', user: 'physician1' });
    });

    it('events --out starts from the first block, then resumes from the file (issue #20, problem 4)', async () => {
        const out = path.join(dataDir, 'events.jsonl');
        const first = JSON.parse((await cli('--json', 'ping', 'before the stream')).out) as { transactionId: string };
        // No --from: a first run writes the events already committed, not only new ones.
        expect((await cli('events', '--out', out, '--names', 'system.', '--limit', '1')).code).toBe(0);
        const written = fs.readFileSync(out, 'utf8').trim().split('\n');
        expect(written).toHaveLength(1);
        expect(JSON.parse(written[0]).eventName).toBe('system.Pinged');
        const second = JSON.parse((await cli('--json', 'ping', 'after the first run')).out) as {
            transactionId: string;
        };
        expect((await cli('events', '--out', out, '--names', 'system.', '--limit', '1')).code).toBe(0);
        const resumed = fs
            .readFileSync(out, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line));
        expect(resumed).toHaveLength(2);
        expect(resumed[1].transactionId).not.toBe(resumed[0].transactionId);
        expect([first.transactionId, second.transactionId]).toEqual(expect.arrayContaining([resumed[1].transactionId]));
    });

    it('commissions in bulk and exports the lot history as EPCIS 2.0', async () => {
        const data = `0${BigInt(`0x${createHash('sha256').update(dataDir).digest('hex')}`)
            .toString()
            .slice(0, 12)}`;
        const gtin = `${data}${supply.gs1.gs1CheckDigit(data)}`;
        const regulator = ['--org', 'regulator', '--user', 'inspector1'];
        const maker = ['--org', 'manufacturer', '--user', 'operator1'];
        const invoke = (who: string[], name: string, input: object) =>
            cli(...who, 'invoke', 'supply', name, JSON.stringify(input));
        expect(
            (await invoke(regulator, 'AuthorizePartner', { mspId: 'ManufacturerMSP', kind: 'manufacturer' })).code,
        ).toBe(0);
        expect(
            (await invoke(maker, 'RegisterProduct', { gtin, name: 'X', strength: '1 mg', dosageForm: 'tablet' })).code,
        ).toBe(0);
        expect(
            (
                await invoke(maker, 'RegisterLot', {
                    gtin,
                    lot: 'L1',
                    expiry: '301231',
                    quantity: supply.MaxCommissionBatch * 2,
                })
            ).code,
        ).toBe(0);

        const commissioned = await cli(
            ...maker,
            '--json',
            'supply',
            'commission',
            gtin,
            'L1',
            '--count',
            String(supply.MaxCommissionBatch + 5),
        );
        expect(commissioned.code).toBe(0);
        const result = JSON.parse(commissioned.out) as { commissioned: number; transactions: string[] };
        expect(result.commissioned).toBe(supply.MaxCommissionBatch + 5);
        expect(result.transactions).toHaveLength(2);

        const file = path.join(dataDir, 'lot.epcis.json');
        expect((await cli(...maker, '--json', 'supply', 'lot-history', gtin, 'L1', '--epcis', file)).code).toBe(0);
        const ajv = new Ajv({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(epcisDocumentSchema);
        const document = JSON.parse(fs.readFileSync(file, 'utf8'));
        expect(validate(document) ? [] : validate.errors).toEqual([]);
        expect(document.epcisBody.eventList).toHaveLength(2);
    });
});
