import { consortiumGlns } from '../../gateway/src/standards/gln-directory';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';

/**
 * DSCSA verification as the GS1 Lightweight Messaging Standard defines the exchange: a GS1
 * Digital Link GET with linkType, context, reqGLN and corrUUID; the response names the
 * responder by its GLN and carries the requester's corrUUID (or a fresh one); a request that
 * breaks the standard's rules is answered 400 naming the parameter, never a 200 verdict.
 * Responses are kept as artefacts (CARELEDGER_ARTEFACTS) for tools/validators.
 */
jest.setTimeout(300_000);

type Verification = {
    verificationTimestamp: string;
    responderGLN: string;
    corrUUID: string;
    data: { verified: boolean; verificationFailureReason?: string; additionalInfo?: string };
};

describe('DSCSA verification (GS1 Lightweight Messaging)', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    let distributor: RestGateway;
    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('D');
    const expiry = '301231';
    const requester = consortiumGlns().get('DistributorMSP')!.gln;
    let token: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        [regulator, manufacturer, distributor] = await Promise.all(
            ['regulator', 'manufacturer', 'distributor'].map((org) => startGateway(env, org)),
        );
        const inspector = await regulator.token('inspector1');
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
        ]) {
            expect(
                (await regulator.call('POST', '/supply/partners', { token: inspector, body: { mspId, kind } })).status,
            ).toBe(200);
        }
        const maker = await manufacturer.token('operator1');
        for (const [path, body] of [
            ['/supply/products', { gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' }],
            ['/supply/lots', { gtin, lot, expiry, quantity: 5 }],
            [`/supply/lots/${gtin}/${lot}/commission`, { serials: ['V1', 'V2'] }],
        ] as const) {
            expect((await manufacturer.call('POST', path, { token: maker, body })).status).toBe(201);
        }
        token = await distributor.token('operator1');
    });
    afterAll(async () => {
        await Promise.all([regulator, manufacturer, distributor].map((g) => g?.app.close()));
        await env?.close();
    });

    const verify = (serial: string, query: string) =>
        distributor.call<Verification>('GET', `/verify/01/${gtin}/10/${lot}/21/${serial}?17=${expiry}&${query}`, {
            token,
        });

    it('names the responder by its GLN and echoes the requester correlation UUID', async () => {
        const corrUUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
        const answer = await verify(
            'V1',
            `linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${requester}&corrUUID=${corrUUID}`,
        );
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
            verificationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
            responderGLN: consortiumGlns().get('DistributorMSP')!.gln,
            data: { verified: true },
            corrUUID,
        });
        const unknown = await verify(
            'NOPE',
            `linkType=gs1:verificationService&context=dscsaSuspectProduct&reqGLN=${requester}&corrUUID=${corrUUID}`,
        );
        expect(unknown.body).toMatchObject({
            data: { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' },
            corrUUID,
        });
    });

    it('generates a fresh corrUUID when the request has none', async () => {
        const request = `linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${requester}`;
        const first = await verify('V2', request);
        const second = await verify('V2', request);
        // A plain Digital Link check (no linkType: a pharmacist's scan) gets the same envelope.
        const scan = await verify('V2', '');
        expect(scan).toMatchObject({ status: 200, body: { responderGLN: expect.stringMatching(/^\d{13}$/) } });
        expect(scan.body.corrUUID).toMatch(/^[0-9a-f-]{36}$/);
        const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
        expect(first.body.corrUUID).toMatch(v4);
        expect(second.body.corrUUID).toMatch(v4);
        expect(first.body.corrUUID).not.toBe(second.body.corrUUID);
    });

    it.each([
        ['linkType', 'linkType=pip'],
        ['context', `linkType=verificationService&context=dscsaWhatever&reqGLN=${requester}`],
        ['context', `linkType=verificationService&reqGLN=${requester}`],
        ['reqGLN', 'linkType=verificationService&context=dscsaSaleableReturn'],
        ['reqGLN', `reqGLN=${requester.slice(0, 12)}${(Number(requester[12]) + 1) % 10}`],
        ['reqGLN', 'reqGLN=12345'],
        ['corrUUID', 'corrUUID=c-1'],
    ])('answers a bad %s with 400 naming it, not a verdict (%s)', async (field, query) => {
        const answer = await verify('V1', query);
        expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field } });
        expect(answer.body).not.toHaveProperty('data');
    });
});
