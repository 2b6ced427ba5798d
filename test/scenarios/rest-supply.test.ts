import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { epcisDocumentSchema } from '../../gateway/src/standards/epcis-schema';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';
import { licenseViaRest } from './rest-licensing';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Supply through the REST API of four gateways (regulator, manufacturer, distributor,
 * hospital), one full flow: products, lots and serialised units, a case shipped down the
 * chain, a unit dispensed, DSCSA verification answers, and the unit's history as an EPCIS 2.0
 * document that validates against the schema.
 */
jest.setTimeout(300_000);

describe('REST: supply chain from commissioning to dispensing', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    let distributor: RestGateway;
    let hospital: RestGateway;
    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('L');
    const sscc = uniqueKey('sscc', 18);
    const expiry = '301231';
    const serials = ['S1', 'S2', 'S3'];

    beforeAll(async () => {
        env = await openScenarioLedger();
        [regulator, manufacturer, distributor, hospital] = await Promise.all(
            ['regulator', 'manufacturer', 'distributor', 'hospital'].map((org) => startGateway(env, org)),
        );
        const inspector = await regulator.token('inspector1');
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ]) {
            const authorised = await regulator.call('POST', '/supply/partners', {
                token: inspector,
                body: { mspId, kind },
            });
            expect(authorised.status).toBe(200);
        }
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0201' }, 'PharmacistLicense');
    });
    afterAll(async () => {
        await Promise.all([regulator, manufacturer, distributor, hospital].map((g) => g?.app.close()));
        await env?.close();
    });

    it('moves a commissioned unit from manufacturer to patient and exports its history as EPCIS 2.0', async () => {
        const maker = await manufacturer.token('operator1');
        expect(
            (
                await manufacturer.call('POST', '/supply/products', {
                    token: maker,
                    body: { gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' },
                })
            ).status,
        ).toBe(201);
        expect(
            (
                await manufacturer.call('POST', '/supply/lots', {
                    token: maker,
                    body: { gtin, lot, expiry, quantity: 10 },
                })
            ).status,
        ).toBe(201);
        const commissioned = await manufacturer.call<{ commissioned: number }>(
            'POST',
            `/supply/lots/${gtin}/${lot}/commission`,
            {
                token: maker,
                body: { serials },
            },
        );
        expect(commissioned).toMatchObject({ status: 201, body: { commissioned: 3 } });
        const children = serials.map((serial) => ({ gtin, serial }));
        expect(
            (await manufacturer.call('POST', '/supply/pack', { token: maker, body: { sscc, children } })).status,
        ).toBe(200);
        const shipped = await manufacturer.call<{ bizStep: string }>('POST', '/supply/ship', {
            token: maker,
            body: { items: [{ sscc }], to: 'DistributorMSP' },
        });
        expect(shipped.body.bizStep).toBe('shipping');

        const wholesaler = await distributor.token('operator1');
        expect(
            (await distributor.call('POST', '/supply/receive', { token: wholesaler, body: { items: [{ sscc }] } }))
                .status,
        ).toBe(200);
        expect((await distributor.call('POST', '/supply/unpack', { token: wholesaler, body: { sscc } })).status).toBe(
            200,
        );
        expect(
            (
                await distributor.call('POST', '/supply/ship', {
                    token: wholesaler,
                    body: { items: [children[0]], to: 'HospitalMSP' },
                })
            ).status,
        ).toBe(200);

        const pharmacist = await hospital.token('pharmacist1');
        expect(
            (await hospital.call('POST', '/supply/receive', { token: pharmacist, body: { items: [children[0]] } }))
                .status,
        ).toBe(200);
        const verifiedBefore = await hospital.call<{ data: { verified: boolean } }>(
            'GET',
            `/verify/01/${gtin}/10/${lot}/21/S1?17=${expiry}&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=0860000100007&corrUUID=5b0c54c4-7a0e-4c1e-9d3b-2f1f0e6a9c11`,
            { token: pharmacist },
        );
        expect(verifiedBefore.body).toMatchObject({
            data: { verified: true },
            corrUUID: '5b0c54c4-7a0e-4c1e-9d3b-2f1f0e6a9c11',
        });
        const dispensed = await hospital.call<{ bizStep: string; disposition: string }>('POST', '/supply/dispense', {
            token: pharmacist,
            body: { item: `(01)${gtin}(17)${expiry}(10)${lot}(21)S1` },
        });
        expect(dispensed.body).toMatchObject({ bizStep: 'dispensing', disposition: 'dispensed' });

        const verifiedAfter = await distributor.call('GET', `/verify/01/${gtin}/21/S1`, { token: wholesaler });
        expect(verifiedAfter.body).toMatchObject({
            data: { verified: false, verificationFailureReason: 'Not_for_re-distribution' },
        });
        const unknown = await distributor.call('GET', `/verify/01/${gtin}/21/NOPE`, { token: wholesaler });
        expect(unknown.body).toMatchObject({
            data: { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' },
        });

        const inspector = await regulator.token('inspector1');
        const epcis = await regulator.call<{ epcisBody: { eventList: Array<{ bizStep: string }> } }>(
            'GET',
            `/supply/unit/epcis?item=${encodeURIComponent(`(01)${gtin}(21)S1`)}`,
            { token: inspector },
        );
        expect(epcis.status).toBe(200);
        const ajv = new Ajv({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(epcisDocumentSchema);
        expect(validate(epcis.body) ? [] : validate.errors).toEqual([]);
        expect(epcis.body.epcisBody.eventList.map((e) => e.bizStep)).toEqual(
            expect.arrayContaining(['commissioning', 'packing', 'shipping', 'receiving', 'dispensing']),
        );

        const lotExport = await manufacturer.call('GET', `/supply/lots/${gtin}/${lot}/epcis`, { token: maker });
        expect(validate(lotExport.body) ? [] : validate.errors).toEqual([]);
    });

    it('rejects a malformed GTIN with 400 naming the field', async () => {
        const bad = `${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}`;
        const response = await manufacturer.call('POST', '/supply/products', {
            token: await manufacturer.token('operator1'),
            body: { gtin: bad, name: 'X', strength: '1 mg', dosageForm: 'tablet' },
        });
        expect(response).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'product.gtin' } });
    });
});
