import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { supply } from '@careledger/chaincode';
import { epcisDocumentSchema } from '../../gateway/src/standards/epcis-schema';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Bulk supply operations through the REST API, on whichever ledger the run uses: a pallet of
 * cases of units shipped and received as one business operation each (the SSCC of the pallet
 * moves everything below it), a list of packs verified in one query, a bad item rejecting the
 * whole batch by index and field with the ledger unchanged, and the EPCIS export of a unit that
 * travelled in the pallet (kept for the standards' validators).
 */
jest.setTimeout(300_000);

const Cases = 4;
const PerCase = 50;

describe('REST: bulk supply operations', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    let distributor: RestGateway;
    const gtin = uniqueKey('bulk-gtin', 14);
    const lot = uniqueId('BL');
    const pallet = uniqueKey('bulk-pallet', 18);
    const cases = Array.from({ length: Cases }, (_, i) => uniqueKey(`bulk-case-${i}`, 18));
    const serials = Array.from({ length: Cases * PerCase }, (_, i) => `B${i}`);
    const expiry = '301231';
    let maker: string;
    let wholesaler: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        [regulator, manufacturer, distributor] = await Promise.all(
            ['regulator', 'manufacturer', 'distributor'].map((org) => startGateway(env, org)),
        );
        const inspector = await regulator.token('inspector1');
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ]) {
            expect(
                (await regulator.call('POST', '/supply/partners', { token: inspector, body: { mspId, kind } })).status,
            ).toBe(200);
        }
        maker = await manufacturer.token('operator1');
        wholesaler = await distributor.token('operator1');
        await manufacturer.call('POST', '/supply/products', {
            token: maker,
            body: { gtin, name: 'Metformin', strength: '500 mg', dosageForm: 'tablet' },
        });
        await manufacturer.call('POST', '/supply/lots', {
            token: maker,
            body: { gtin, lot, expiry, quantity: 1000 },
        });
        const commissioned = await manufacturer.call('POST', `/supply/lots/${gtin}/${lot}/commission`, {
            token: maker,
            body: { serials: [...serials, 'LOOSE1'] },
        });
        expect(commissioned).toMatchObject({ status: 201, body: { commissioned: serials.length + 1 } });
        for (let c = 0; c < Cases; c += 1) {
            const packed = await manufacturer.call('POST', '/supply/pack', {
                token: maker,
                body: {
                    sscc: cases[c],
                    children: serials.slice(c * PerCase, (c + 1) * PerCase).map((serial) => ({ gtin, serial })),
                },
            });
            expect(packed.status).toBe(200);
        }
        const palletised = await manufacturer.call('POST', '/supply/pack', {
            token: maker,
            body: { sscc: pallet, children: cases.map((sscc) => ({ sscc })) },
        });
        expect(palletised.status).toBe(200);
    });
    afterAll(async () => {
        await Promise.all([regulator, manufacturer, distributor].map((g) => g?.app.close()));
        await env?.close();
    });

    const unitState = async (serial: string) =>
        (
            await manufacturer.call<supply.Unit>(
                'GET',
                `/supply/unit?item=${encodeURIComponent(`(01)${gtin}(21)${serial}`)}`,
                {
                    token: maker,
                },
            )
        ).body;

    it('a shipment with one bad item is refused whole, naming the item, and moves nothing', async () => {
        const refused = await manufacturer.call('POST', '/supply/ship', {
            token: maker,
            body: {
                items: [{ sscc: pallet }, { gtin, serial: 'LOOSE1' }, { gtin, serial: 'NEVER-COMMISSIONED' }],
                to: 'DistributorMSP',
            },
        });
        expect(refused).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', field: 'shipment.items[2]' } });
        const malformed = await manufacturer.call('POST', '/supply/ship', {
            token: maker,
            body: {
                items: [{ sscc: pallet }, `(01)${gtin}(21)LOOSE1`, { gtin: '123', serial: 'X' }],
                to: 'DistributorMSP',
            },
        });
        expect(malformed).toMatchObject({
            status: 400,
            body: { code: 'INVALID_ARGUMENT', field: 'shipment.items[2].gtin' },
        });
        for (const serial of ['B0', 'B199', 'LOOSE1']) {
            expect(await unitState(serial)).toMatchObject({ status: 'active', custodian: 'ManufacturerMSP' });
        }
    });

    it(`ships and receives a pallet of ${Cases} cases of ${PerCase} units as one operation each`, async () => {
        const shipped = await manufacturer.call<supply.SupplyStep>('POST', '/supply/ship', {
            token: maker,
            body: { items: [`(00)${pallet}`], to: 'DistributorMSP' },
        });
        expect(shipped.status).toBe(200);
        expect(shipped.body.lots).toEqual([expect.objectContaining({ gtin, lot, quantity: Cases * PerCase })]);
        expect(await unitState('B77')).toMatchObject({ status: 'in_transit', destination: 'DistributorMSP' });

        const received = await distributor.call<supply.SupplyStep>('POST', '/supply/receive', {
            token: wholesaler,
            body: { items: [{ sscc: pallet }] },
        });
        expect(received).toMatchObject({ status: 200, body: { kind: 'receive', from: 'ManufacturerMSP' } });
        const container = await distributor.call<supply.Container>(
            'GET',
            `/supply/container?item=${encodeURIComponent(`(00)${cases[2]}`)}`,
            { token: wholesaler },
        );
        expect(container.body).toMatchObject({ custodian: 'DistributorMSP', status: 'active', parent: pallet });
        const unit = await distributor.call<supply.Unit>(
            'GET',
            `/supply/unit?item=${encodeURIComponent(`(01)${gtin}(21)B199`)}`,
            { token: wholesaler },
        );
        expect(unit.body).toMatchObject({ custodian: 'DistributorMSP', status: 'active' });

        const inspector = await regulator.token('inspector1');
        const epcis = await regulator.call<{ epcisBody: { eventList: Array<{ bizStep: string }> } }>(
            'GET',
            `/supply/unit/epcis?item=${encodeURIComponent(`(01)${gtin}(21)B123`)}`,
            { token: inspector },
        );
        expect(epcis.status).toBe(200);
        const ajv = new Ajv({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(epcisDocumentSchema);
        expect(validate(epcis.body) ? [] : validate.errors).toEqual([]);
        expect(epcis.body.epcisBody.eventList.map((e) => e.bizStep)).toEqual(
            expect.arrayContaining(['commissioning', 'packing', 'shipping', 'receiving']),
        );
    });

    it('verifies a list of packs in one call, each answer as the single verification gives it', async () => {
        const products = [
            `(01)${gtin}(17)${expiry}(10)${lot}(21)B0`,
            { gtin, serial: 'B150' },
            `https://id.gs1.org/01/${gtin}/21/NOPE`,
            { gtin, serial: 'B3', lot: 'WRONG' },
        ];
        const verified = await distributor.call<{ results: supply.VerificationResult[] }>('POST', '/supply/verify', {
            token: wholesaler,
            body: { products },
        });
        expect(verified.status).toBe(200);
        expect(verified.body.results.map((r) => [r.verified, r.verificationFailureReason])).toEqual([
            [true, undefined],
            [true, undefined],
            [false, 'No_match_GTIN_Serial'],
            [false, 'No_match_GTIN_Serial_Lot'],
        ]);
        const single = await distributor.call<{ data: { verified: boolean } }>('GET', `/verify/01/${gtin}/21/B150`, {
            token: wholesaler,
        });
        expect(single.body.data.verified).toBe(true);

        const bad = await distributor.call('POST', '/supply/verify', {
            token: wholesaler,
            body: {
                products: [{ gtin, serial: 'B0' }, `(01)${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}(21)B1`],
            },
        });
        expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'products[1].gtin' } });
        const tooMany = await distributor.call('POST', '/supply/verify', {
            token: wholesaler,
            body: { products: Array.from({ length: supply.MaxVerifyBatch + 1 }, () => ({ gtin, serial: 'B0' })) },
        });
        expect(tooMany.status).toBe(400);
    });
});
