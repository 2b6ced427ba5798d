import { epcisEventHash } from '../../gateway/src/standards/epcis-hash';
import { consortiumGlns } from '../../gateway/src/standards/gln-directory';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';

/**
 * EPCIS 2.0 through the gateways, every kind of step the supply contract records: commission,
 * pack, ship, receive, unpack, reject (void shipping), dispense, decommission, quarantine,
 * clearance, confirmed illegitimate, lot recall. Each export and query answer is kept as an
 * artefact (CARELEDGER_ARTEFACTS) and later checked by GS1's JSON schema, GS1's SHACL shapes
 * and GS1's reference event-hash implementation (tools/validators); here the behaviour:
 * hashes as eventIDs, GLN locations and parties, lot-level events in every unit's export,
 * the query parameters and paging.
 */
jest.setTimeout(300_000);

type Event = Record<string, unknown> & {
    eventID: string;
    type: string;
    bizStep: string;
    disposition?: string;
    eventTime: string;
    epcList?: string[];
    quantityList?: Array<{ epcClass: string; quantity: number }>;
    readPoint?: { id: string };
    bizLocation?: { id: string };
    sourceList?: Array<{ type: string; source: string }>;
    destinationList?: Array<{ type: string; destination: string }>;
};
type EpcisDocument = { type: string; epcisBody: { eventList: Event[] } };
type QueryDocument = { type: string; epcisBody: { queryResults: { resultsBody: { eventList: Event[] } } } };

describe('EPCIS 2.0 exports and queries over REST', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    let distributor: RestGateway;
    let hospital: RestGateway;
    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('E');
    const sscc = uniqueKey('sscc', 18);
    const expiry = '301231';
    const serials = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
    const unit = (serial: string) => ({ gtin, serial });
    const sgtin = (serial: string) => `https://id.gs1.org/01/${gtin}/21/${serial}`;
    const glns = consortiumGlns();
    let inspector: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        [regulator, manufacturer, distributor, hospital] = await Promise.all(
            ['regulator', 'manufacturer', 'distributor', 'hospital'].map((org) => startGateway(env, org)),
        );
        inspector = await regulator.token('inspector1');
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

        const maker = await manufacturer.token('operator1');
        const wholesaler = await distributor.token('operator1');
        const pharmacist = await hospital.token('pharmacist1');
        const ok = async (gateway: RestGateway, token: string, path: string, body: unknown, status = 200) => {
            const response = await gateway.call('POST', path, { token, body });
            expect([path, response.status, response.body]).toEqual([path, status, expect.anything()]);
        };
        await ok(
            manufacturer,
            maker,
            '/supply/products',
            { gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' },
            201,
        );
        await ok(manufacturer, maker, '/supply/lots', { gtin, lot, expiry, quantity: 10 }, 201);
        await ok(manufacturer, maker, `/supply/lots/${gtin}/${lot}/commission`, { serials }, 201);
        await ok(manufacturer, maker, '/supply/pack', { sscc, children: ['S1', 'S2', 'S3'].map(unit) });
        await ok(manufacturer, maker, '/supply/ship', { items: [{ sscc }], to: 'DistributorMSP' });
        await ok(distributor, wholesaler, '/supply/receive', { items: [{ sscc }] });
        await ok(distributor, wholesaler, '/supply/unpack', { sscc });
        await ok(distributor, wholesaler, '/supply/ship', { items: [unit('S1'), unit('S2')], to: 'HospitalMSP' });
        await ok(hospital, pharmacist, '/supply/receive', { items: [unit('S1')] });
        await ok(hospital, pharmacist, '/supply/reject', { items: [unit('S2')], reason: 'damaged packaging' });
        await ok(hospital, pharmacist, '/supply/dispense', { item: unit('S1') });
        await ok(distributor, wholesaler, '/supply/decommission', { item: unit('S3'), reason: 'damaged' });
        await ok(manufacturer, maker, '/supply/suspicions', { item: unit('S4'), reason: 'seal broken' });
        await ok(manufacturer, maker, '/supply/suspicions/clear', {
            item: unit('S4'),
            reason: 'seal intact on inspection',
        });
        await ok(manufacturer, maker, '/supply/suspicions', { item: unit('S5'), reason: 'label mismatch' });
        await ok(manufacturer, maker, '/supply/suspicions/illegitimate', { item: unit('S5'), reason: 'counterfeit' });
        await ok(manufacturer, maker, '/supply/recalls', { gtin, lot, recallClass: 'II', reason: 'sub-potent' });
    });
    afterAll(async () => {
        await Promise.all([regulator, manufacturer, distributor, hospital].map((g) => g?.app.close()));
        await env?.close();
    });

    const unitExport = async (gateway: RestGateway, token: string, serial: string) => {
        const response = await gateway.call<EpcisDocument>(
            'GET',
            `/supply/unit/epcis?item=${encodeURIComponent(`(01)${gtin}(21)${serial}`)}`,
            { token },
        );
        expect(response.status).toBe(200);
        return response.body.epcisBody.eventList;
    };

    it('identifies every event by its CBV 2.0 event hash and carries GLN locations and parties', async () => {
        const all: Event[] = [];
        for (const serial of serials) {
            all.push(...(await unitExport(regulator, inspector, serial)));
        }
        expect(all.length).toBeGreaterThan(serials.length);
        for (const event of all) {
            const { eventID, recordTime: _recorded, ...rest } = event;
            expect(eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
            expect(eventID).toBe(epcisEventHash(rest));
            expect(event.readPoint?.id).toMatch(/^https:\/\/id\.gs1\.org\/414\/\d{13}$/);
        }
        const shipping = all.find(
            (e) => e.bizStep === 'shipping' && e.epcList?.includes(`https://id.gs1.org/00/${sscc}`),
        );
        expect(shipping).toMatchObject({
            readPoint: { id: glns.siteUri('ManufacturerMSP') },
            sourceList: expect.arrayContaining([
                { type: 'owning_party', source: glns.partyUri('ManufacturerMSP') },
                { type: 'possessing_party', source: glns.partyUri('ManufacturerMSP') },
                { type: 'location', source: glns.siteUri('ManufacturerMSP') },
            ]),
            destinationList: expect.arrayContaining([
                { type: 'owning_party', destination: glns.partyUri('DistributorMSP') },
                { type: 'location', destination: glns.siteUri('DistributorMSP') },
            ]),
        });
        expect(shipping?.bizLocation).toBeUndefined();
        const steps = new Set(all.map((e) => `${e.bizStep}/${e.disposition}`));
        for (const expected of [
            'commissioning/active',
            'packing/in_progress',
            'unpacking/in_progress',
            'shipping/in_transit',
            'receiving/active',
            'void_shipping/active',
            'dispensing/dispensed',
            'decommissioning/damaged',
            'holding/non_sellable_other',
            'inspecting/active',
            'decommissioning/inactive',
            'holding/recalled',
        ]) {
            expect([expected, steps.has(expected)]).toEqual([expected, true]);
        }
    });

    it("puts the lot's recall into every unit's export, for every reader of the unit", async () => {
        const maker = await manufacturer.token('operator1');
        for (const [gateway, token, serial] of [
            [regulator, inspector, 'S6'],
            [manufacturer, maker, 'S6'],
            [hospital, await hospital.token('pharmacist1'), 'S1'],
        ] as const) {
            const events = await unitExport(gateway, token, serial);
            const recall = events.find((e) => e.disposition === 'recalled');
            expect(recall).toMatchObject({
                bizStep: 'holding',
                quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`, quantity: expect.any(Number) }],
            });
        }
    });

    describe('GET /epcis/events', () => {
        const query = (params: Record<string, string>, token = inspector) =>
            regulator.call<QueryDocument>('GET', `/epcis/events?${new URLSearchParams(params).toString()}`, { token });
        const events = (response: { body: QueryDocument }) =>
            response.body.epcisBody.queryResults.resultsBody.eventList;

        it('answers MATCH_epc with the unit export, filtered by EQ_bizStep and the time window', async () => {
            const full = await unitExport(regulator, inspector, 'S1');
            const anyEpc = await query({ MATCH_anyEPC: sgtin('S1'), perPage: '200' });
            expect(anyEpc.status).toBe(200);
            expect(anyEpc.body.type).toBe('EPCISQueryDocument');
            expect(anyEpc.headers.get('gs1-epcis-version')).toBe('2.0.0');
            const naming = (e: Event) =>
                [...(e.epcList ?? []), ...((e.childEPCs as string[] | undefined) ?? []), e.parentID].includes(
                    sgtin('S1'),
                );
            expect(new Set(events(anyEpc).map((e) => e.eventID))).toEqual(
                new Set(full.filter(naming).map((e) => e.eventID)),
            );
            expect(events(anyEpc).some((e) => e.type === 'AggregationEvent')).toBe(true);
            const epcOnly = events(await query({ MATCH_epc: sgtin('S1'), perPage: '200' }));
            expect(epcOnly.length).toBeGreaterThan(0);
            expect(epcOnly.every((e) => e.epcList?.includes(sgtin('S1')))).toBe(true);
            expect(epcOnly.length).toBeLessThan(events(anyEpc).length);

            const shipping = events(await query({ MATCH_epc: sgtin('S1'), EQ_bizStep: 'shipping' }));
            expect(shipping.length).toBeGreaterThan(0);
            expect(shipping.every((e) => e.bizStep === 'shipping')).toBe(true);
            const viaUri = events(
                await query({ MATCH_epc: sgtin('S1'), EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping' }),
            );
            expect(viaUri.map((e) => e.eventID)).toEqual(shipping.map((e) => e.eventID));

            const sorted = [...full].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
            const pivot = sorted[Math.floor(sorted.length / 2)].eventTime;
            const byClass = { MATCH_epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`, perPage: '500' };
            const lotEvents = events(await query(byClass));
            const before = events(await query({ ...byClass, LT_eventTime: pivot }));
            const after = events(await query({ ...byClass, GE_eventTime: pivot }));
            expect(before.every((e) => Date.parse(e.eventTime) < Date.parse(pivot))).toBe(true);
            expect(after.every((e) => Date.parse(e.eventTime) >= Date.parse(pivot))).toBe(true);
            expect(before.length).toBeGreaterThan(0);
            expect(after.length).toBeGreaterThan(0);
            expect(before.length + after.length).toBe(lotEvents.length);

            const atDistributor = events(await query({ ...byClass, EQ_bizLocation: glns.siteUri('DistributorMSP') }));
            expect(atDistributor.length).toBeGreaterThan(0);
            expect(atDistributor.every((e) => e.bizLocation?.id === glns.siteUri('DistributorMSP'))).toBe(true);
        });

        it('pages with perPage and the Link header; a token is bound to its query', async () => {
            const all = events(
                await query({ MATCH_epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`, perPage: '500' }),
            );
            expect(all.length).toBeGreaterThan(4);
            const seen: string[] = [];
            let params: Record<string, string> = {
                MATCH_epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`,
                perPage: '3',
            };
            let token: string | undefined;
            for (let pages = 0; pages < 50; pages += 1) {
                const page = await query(params);
                expect(page.status).toBe(200);
                expect(events(page).length).toBeLessThanOrEqual(3);
                seen.push(...events(page).map((e) => e.eventID));
                const link = page.headers.get('link');
                if (!link) break;
                const next = /<([^>]+)>; rel="next"/.exec(link);
                expect(next).not.toBeNull();
                token = new URL(next![1]).searchParams.get('nextPageToken') ?? undefined;
                params = { ...params, nextPageToken: token! };
            }
            expect(seen).toEqual(all.map((e) => e.eventID));
            expect(token).toBeDefined();
            const replayed = await query({ MATCH_epc: sgtin('S1'), nextPageToken: token! });
            expect(replayed).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'nextPageToken' } });
        });

        it('refuses a query without a scope, an unknown parameter and a malformed EPC with 400', async () => {
            expect(await query({ EQ_bizStep: 'shipping' })).toMatchObject({
                status: 400,
                body: { field: 'MATCH_epc' },
            });
            expect((await query({ MATCH_epc: sgtin('S1'), EQ_colour: 'red' })).status).toBe(400);
            expect(await query({ MATCH_epc: 'https://id.gs1.org/01/123/21/x' })).toMatchObject({
                status: 400,
                body: { field: 'MATCH_epc' },
            });
            expect(await query({ MATCH_epcClass: 'urn:x' })).toMatchObject({
                status: 400,
                body: { field: 'MATCH_epcClass' },
            });
        });

        it('shows a trading partner only the events the ledger lets it read', async () => {
            const pharmacist = await hospital.token('pharmacist1');
            const own = await hospital.call<QueryDocument>(
                'GET',
                `/epcis/events?MATCH_epc=${encodeURIComponent(sgtin('S1'))}&perPage=200`,
                { token: pharmacist },
            );
            const theirs = await hospital.call<QueryDocument>(
                'GET',
                `/epcis/events?MATCH_epc=${encodeURIComponent(sgtin('S6'))}&perPage=200`,
                { token: pharmacist },
            );
            expect(own.status).toBe(200);
            const full = events(await query({ MATCH_epc: sgtin('S6'), perPage: '200' }));
            expect(theirs.status === 403 || events(theirs).length < full.length).toBe(true);
        });
    });
});
