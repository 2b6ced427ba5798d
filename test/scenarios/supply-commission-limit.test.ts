import { createHash } from 'node:crypto';
import { supply } from '@careledger/chaincode';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from './rest-support';

/**
 * A commission over the batch limit is refused before anything is written (#17 finding 14):
 * 5,001 serials answer 400 naming the field and the limit, and not one of them was committed.
 */
jest.setTimeout(300_000);

function uniqueGtin(): string {
    const digits = BigInt(`0x${createHash('sha256').update(uniqueId('gtin')).digest('hex')}`)
        .toString()
        .slice(0, 12);
    const data = `0${digits}`;
    return `${data}${supply.gs1.gs1CheckDigit(data)}`;
}

describe('REST: commissioning is all or nothing', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    const gtin = uniqueGtin();
    const lot = uniqueId('L');

    beforeAll(async () => {
        env = await openScenarioLedger();
        regulator = await startGateway(env, 'regulator');
        manufacturer = await startGateway(env, 'manufacturer');
        const authorised = await regulator.call('POST', '/supply/partners', {
            token: await regulator.token('inspector1'),
            body: { mspId: 'ManufacturerMSP', kind: 'manufacturer' },
        });
        expect(authorised.status).toBe(200);
        const maker = await manufacturer.token('operator1');
        const product = await manufacturer.call('POST', '/supply/products', {
            token: maker,
            body: { gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' },
        });
        expect(product.status).toBe(201);
        const created = await manufacturer.call('POST', '/supply/lots', {
            token: maker,
            body: { gtin, lot, expiry: '301231', quantity: 20_000 },
        });
        expect(created.status).toBe(201);
    });
    afterAll(async () => {
        await regulator?.app.close();
        await manufacturer?.app.close();
        await env?.close();
    });

    it(`refuses ${supply.MaxCommissionBatch + 1} serials with 400 and commits none of them`, async () => {
        const maker = await manufacturer.token('operator1');
        const serials = Array.from(
            { length: supply.MaxCommissionBatch + 1 },
            (_, i) => `S${String(i + 1).padStart(5, '0')}`,
        );
        const refused = await manufacturer.call<{ code: string; field: string; message: string }>(
            'POST',
            `/supply/lots/${gtin}/${lot}/commission`,
            { token: maker, body: { serials } },
        );
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: 'INVALID_ARGUMENT', field: expect.stringContaining('serials') });
        expect(refused.body.message).toContain(String(supply.MaxCommissionBatch));
        // Nothing was written: the first and the last serial of the refused request commission now.
        const first = await manufacturer.call<{ commissioned: number }>(
            'POST',
            `/supply/lots/${gtin}/${lot}/commission`,
            {
                token: maker,
                body: { serials: [serials[0], serials[supply.MaxCommissionBatch - 1]] },
            },
        );
        expect(first).toMatchObject({ status: 201, body: { commissioned: 2 } });
    });
});
