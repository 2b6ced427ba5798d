import type { HistoryIndex, HistoryQueries, Report, VerifyReport } from '../../gateway/src/history';
import { SupplyClient } from '../../gateway/src/supply';
import { openScenarioLedger, type ScenarioLedger, uniqueId, uniqueKey } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { caughtUpIndex, databaseKind } from './support';

/**
 * The history index end to end through the regulator's gateway: a supply chain run on the
 * ledger, the index caught up from block 0, then the regulators' questions over REST — each
 * answer compared with what the chaincode itself reports — plus bad input, access rules,
 * reports and verification. Runs on both ledgers; on PGlite, or on PostgreSQL when
 * CARELEDGER_HISTORY_PG is set.
 */
jest.setTimeout(600_000);

/** A REST answer of the index: the query's own result, as the gateway serialises it. */
type Answered<Q extends 'lotWhereabouts' | 'custody' | 'suspectCases' | 'recalls' | 'transactions' | 'keyAt'> = Awaited<
    ReturnType<HistoryQueries[Q]>
>;

/** The body of a refused request (400, 403). */
interface Refusal {
    code: string;
    message: string;
    field?: string;
}

describe(`history index over REST (${databaseKind()})`, () => {
    let env: ScenarioLedger;
    let index: HistoryIndex;
    let gateway: RestGateway;
    let manufacturerGateway: RestGateway;
    let hospitalGateway: RestGateway;
    let manufacturer: SupplyClient;
    let distributor: SupplyClient;
    let regulator: SupplyClient;
    let inspector: string;
    const gtin = uniqueKey('gtin', 14);
    const lot = uniqueId('L');
    const recalledLot = uniqueId('R');
    const hospitalLot = uniqueId('H');
    const caseSscc = uniqueKey('sscc', 18);
    const unitOf = (serial: string) => ({ gtin, serial });

    beforeAll(async () => {
        env = await openScenarioLedger();
        regulator = new SupplyClient(await env.session('regulator', 'inspector1'));
        manufacturer = new SupplyClient(await env.session('manufacturer', 'operator1'));
        distributor = new SupplyClient(await env.session('distributor', 'operator1'));
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            ['DistributorMSP', 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ] as const) {
            await regulator.authorizePartner({ mspId, kind });
        }
        await manufacturer.registerProduct({ gtin, name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' });
        await manufacturer.registerLot({ gtin, lot, expiry: '301231', quantity: 100 });
        await manufacturer.commission(gtin, lot, ['A1', 'A2', 'A3', 'A4']);
        await manufacturer.pack(caseSscc, [unitOf('A1'), unitOf('A2')]);
        await manufacturer.ship([`(00)${caseSscc}`], 'DistributorMSP');
        await distributor.receive([`(00)${caseSscc}`]);
        await distributor.unpack(caseSscc, [unitOf('A2')]);
        await distributor.quarantine({ item: unitOf('A2') }, 'seal broken on receipt');
        await manufacturer.clearSuspicion({ item: unitOf('A2') }, 'seal intact on inspection');
        await manufacturer.registerLot({ gtin, lot: recalledLot, expiry: '301231', quantity: 10 });
        await manufacturer.commission(gtin, recalledLot, ['R1', 'R2']);
        await manufacturer.ship([unitOf('R1')], 'DistributorMSP');
        await manufacturer.recall({ gtin, lot: recalledLot, recallClass: 'I', reason: 'sterility failure' });
        await manufacturer.quarantine({ item: unitOf('R2') }, 'recalled lot held');
        // A unit the hospital received: its trading roles may trace it, its patients and clinicians may not.
        await manufacturer.registerLot({ gtin, lot: hospitalLot, expiry: '301231', quantity: 10 });
        await manufacturer.commission(gtin, hospitalLot, ['H1']);
        await manufacturer.ship([unitOf('H1')], 'HospitalMSP');
        await new SupplyClient(await env.session('hospital', 'pharmacist1')).receive([unitOf('H1')]);

        index = await caughtUpIndex(env.ledger, 'regulator');
        gateway = await startGateway(env, 'regulator', { history: index });
        manufacturerGateway = await startGateway(env, 'manufacturer', { history: index });
        hospitalGateway = await startGateway(env, 'hospital', { history: index });
        inspector = await gateway.token('inspector1');
    });

    afterAll(async () => {
        await gateway?.app.close();
        await manufacturerGateway?.app.close();
        await hospitalGateway?.app.close();
        await index?.close();
        await env?.close();
    });

    it('reports its status and the block height every answer reflects', async () => {
        const status = await gateway.call<Record<string, unknown>>('GET', '/history/status', { token: inspector });
        expect(status.status).toBe(200);
        expect(status.body).toMatchObject({ database: databaseKind(), schemaVersion: 1 });
        expect(status.body.indexedHeight).toBeGreaterThan(10);
        expect(status.body.blockHeight).toBe(status.body.indexedHeight);
    });

    it('answers where every unit of a lot is exactly as the chaincode does', async () => {
        for (const lotNumber of [lot, recalledLot]) {
            const fromChaincode = await regulator.lotWhereabouts(gtin, lotNumber);
            const fromIndex = await gateway.call<Answered<'lotWhereabouts'>>(
                'GET',
                `/history/supply/lots?gtin=${gtin}&lot=${encodeURIComponent(lotNumber)}`,
                { token: inspector },
            );
            expect(fromIndex.status).toBe(200);
            expect(fromIndex.body.blockHeight).toBeGreaterThan(0);
            expect({
                gtin: fromIndex.body.gtin,
                lot: fromIndex.body.lot,
                total: fromIndex.body.total,
                byCustodian: fromIndex.body.byCustodian,
            }).toEqual(fromChaincode);
        }
    });

    it('lists the units of a lot in pages with stable cursors', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
            const page = await gateway.call<Answered<'lotWhereabouts'>>(
                'GET',
                `/history/supply/lots?gtin=${gtin}&lot=${encodeURIComponent(lot)}&units=true&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
                { token: inspector },
            );
            expect(page.status).toBe(200);
            seen.push(...page.body.items.map((u) => u.serial));
            cursor = page.body.nextCursor;
        } while (cursor);
        expect(seen.sort()).toEqual(['A1', 'A2', 'A3', 'A4']);
    });

    it('gives the chain of custody of a unit, with the case it travelled in', async () => {
        const answer = await gateway.call<Answered<'custody'>>(
            'GET',
            `/history/supply/custody?gtin=${gtin}&serial=A1`,
            { token: inspector },
        );
        expect(answer.status).toBe(200);
        const chaincode = await regulator.getUnit(unitOf('A1'));
        expect(answer.body.unit).toMatchObject({
            custodian: chaincode.custodian,
            status: chaincode.status,
            parent: caseSscc,
        });
        expect(answer.body.custody.map((c) => `${c.custodian}:${c.status}`)).toEqual([
            'ManufacturerMSP:active',
            'ManufacturerMSP:active',
            'ManufacturerMSP:in_transit',
            'DistributorMSP:active',
        ]);
        expect(answer.body.containers).toHaveLength(1);
        expect(answer.body.containers[0].sscc).toBe(caseSscc);
        expect(answer.body.containers[0].custody.at(-1)).toMatchObject({ custodian: 'DistributorMSP' });
    });

    it('times suspect cases from quarantine to clearance', async () => {
        const answer = await gateway.call<Answered<'suspectCases'>>('GET', '/history/supply/suspect-cases?limit=500', {
            token: inspector,
        });
        expect(answer.status).toBe(200);
        const mine = answer.body.items.filter((c) => c.target.gtin === gtin);
        expect(mine).toEqual([
            expect.objectContaining({
                target: { kind: 'unit', gtin, serial: 'A2' },
                outcome: 'cleared',
                openedBy: 'DistributorMSP',
                closedBy: 'ManufacturerMSP',
            }),
            expect.objectContaining({ target: { kind: 'unit', gtin, serial: 'R2' }, outcome: 'open' }),
        ]);
        expect(mine[0].hoursToResolution).toBeGreaterThanOrEqual(0);
        const open = await regulator.listOpenSuspicions();
        const openHere = open.items.filter((s) => s.gtin === gtin);
        expect(openHere.length).toBe(1);
    });

    it('measures recall reach', async () => {
        const answer = await gateway.call<Answered<'recalls'>>('GET', `/history/supply/recalls?gtin=${gtin}`, {
            token: inspector,
        });
        expect(answer.status).toBe(200);
        expect(answer.body.items).toEqual([
            expect.objectContaining({
                gtin,
                lot: recalledLot,
                units: 2,
                secured: 1,
                securedShare: 0.5,
                recall: expect.objectContaining({ recallClass: 'I', by: 'ManufacturerMSP' }),
            }),
        ]);
    });

    it('applies the ledger’s rule to supply trade data: trading roles and the regulator; recall notices for all (#17)', async () => {
        const h1 = unitOf('H1');
        const paths = {
            custody: `/history/supply/custody?gtin=${gtin}&serial=H1`,
            lots: `/history/supply/lots?gtin=${gtin}&lot=${encodeURIComponent(hospitalLot)}`,
            cases: '/history/supply/suspect-cases',
            reach: `/history/reports/recall-effectiveness?gtin=${gtin}`,
            key: `/history/keys?key=${encodeURIComponent(JSON.stringify(['supply.unit', gtin, 'H1']))}`,
        };
        const recalls = `/history/supply/recalls?gtin=${gtin}`;
        // The hospital's pharmacist (a trading role): custody of its unit on the ledger and in the index, and recall reach.
        const pharmacist = await hospitalGateway.token('pharmacist1');
        await expect(
            new SupplyClient(await env.session('hospital', 'pharmacist1')).unitHistory(h1),
        ).resolves.toMatchObject({
            steps: expect.arrayContaining([expect.objectContaining({ kind: 'receive', to: 'HospitalMSP' })]),
        });
        for (const path of Object.values(paths)) {
            expect((await hospitalGateway.call('GET', path, { token: pharmacist })).status).toBe(200);
        }
        const withReach = await hospitalGateway.call<Answered<'recalls'>>('GET', recalls, { token: pharmacist });
        expect(withReach.body.items).toEqual([expect.objectContaining({ lot: recalledLot, units: 0 })]);
        // Its physician, nurse and patient: refused on the ledger and in the index alike; the recall notice for all.
        for (const user of ['physician1', 'nurse1', 'patient1']) {
            const session = await env.session('hospital', user);
            await expect(new SupplyClient(session).unitHistory(h1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(new SupplyClient(session).lotHistory(gtin, hospitalLot)).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            const token = await hospitalGateway.token(user);
            for (const path of Object.values(paths)) {
                const refused = await hospitalGateway.call<Refusal>('GET', path, { token });
                expect({ user, path, status: refused.status, code: refused.body.code }).toEqual({
                    user,
                    path,
                    status: 403,
                    code: 'FORBIDDEN',
                });
            }
            const notices = await hospitalGateway.call<Answered<'recalls'>>('GET', recalls, { token });
            expect(notices.status).toBe(200);
            // The notice only: no reach figures (units, located, secured) for a role that sees no trade data.
            expect(notices.body.items).toEqual([
                {
                    gtin,
                    lot: recalledLot,
                    recall: expect.objectContaining({ recallClass: 'I', by: 'ManufacturerMSP' }),
                },
            ]);
            await expect(new SupplyClient(session).getLot(gtin, recalledLot)).resolves.toMatchObject({
                recall: expect.objectContaining({ recallClass: 'I' }),
            });
        }
    });

    it('finds transactions by function, org and key, in ledger order', async () => {
        const ships = await gateway.call<Answered<'transactions'>>(
            'GET',
            '/history/transactions?function=supply:Ship&org=ManufacturerMSP&limit=500',
            { token: inspector },
        );
        expect(ships.status).toBe(200);
        expect(ships.body.items.length).toBeGreaterThanOrEqual(2);
        for (const tx of ships.body.items) {
            expect(tx).toMatchObject({
                contract: 'supply',
                function: 'Ship',
                creatorMspId: 'ManufacturerMSP',
                creatorRole: 'operator',
            });
        }
        // One transaction by its id (how a client told "commit status unknown" checks its own): exactly that one,
        // and an org that neither made it nor may read other orgs' rows does not learn it exists.
        const wanted = ships.body.items[ships.body.items.length - 1].transactionId;
        const byId = await gateway.call<Answered<'transactions'>>('GET', `/history/transactions?txId=${wanted}`, {
            token: inspector,
        });
        expect(byId.body.items.map((t) => [t.transactionId, t.function, t.validationCode])).toEqual([
            [wanted, 'Ship', 'VALID'],
        ]);
        const pharmacist = await hospitalGateway.token('pharmacist1');
        const foreign = await hospitalGateway.call<Answered<'transactions'>>(
            'GET',
            `/history/transactions?txId=${wanted}`,
            { token: pharmacist },
        );
        expect({ status: foreign.status, items: foreign.body.items }).toEqual({ status: 200, items: [] });
        const key = encodeURIComponent(JSON.stringify(['supply.unit', gtin, 'A1']));
        const byKey = await gateway.call<Answered<'transactions'>>('GET', `/history/transactions?key=${key}`, {
            token: inspector,
        });
        expect(byKey.body.items.map((t) => t.function)).toEqual(['CommissionUnits', 'Pack', 'Ship', 'Receive']);
        const at = await gateway.call<Answered<'keyAt'>>(
            'GET',
            `/history/keys?key=${key}&block=${byKey.body.items[1].blockNumber}`,
            { token: inspector },
        );
        expect(at.body).toMatchObject({
            exists: true,
            value: { parent: caseSscc, status: 'active', custodian: 'ManufacturerMSP' },
        });
    });

    it('refuses bad input with 400 naming the field', async () => {
        const cases: Array<[string, string]> = [
            ['/history/transactions?colour=red', 'colour'],
            ['/history/transactions?txId=not-an-id', 'txId'],
            ['/history/transactions?cursor=not-a-cursor', 'cursor'],
            ['/history/transactions?from=yesterday', 'from'],
            ['/history/transactions?from=2020-01-01&to=2026-01-01', 'to'],
            ['/history/transactions?limit=100000', 'limit'],
            ['/history/ehr/audit?outcome=maybe', 'outcome'],
            [`/history/supply/lots?gtin=123&lot=${lot}`, 'gtin'],
            [`/history/supply/custody?gtin=${gtin}`, 'serial'],
        ];
        for (const [path, field] of cases) {
            const answer = await gateway.call<Refusal>('GET', path, { token: inspector });
            expect({ path, status: answer.status, code: answer.body.code, field: answer.body.field }).toEqual({
                path,
                status: 400,
                code: 'INVALID_ARGUMENT',
                field,
            });
        }
        // A cursor of another query is refused too.
        const page = await gateway.call<Answered<'transactions'>>('GET', '/history/transactions?limit=1', {
            token: inspector,
        });
        const other = await gateway.call<Refusal>(
            'GET',
            `/history/supply/suspect-cases?cursor=${page.body.nextCursor}`,
            { token: inspector },
        );
        expect(other).toMatchObject({ status: 400, body: { field: 'cursor' } });
    });

    it('shows an org only its own transactions and refuses to name another', async () => {
        const operator = await manufacturerGateway.token('operator1');
        const mine = await manufacturerGateway.call<Answered<'transactions'>>(
            'GET',
            '/history/transactions?limit=500',
            {
                token: operator,
            },
        );
        expect(mine.status).toBe(200);
        expect(mine.body.items.length).toBeGreaterThan(0);
        expect(new Set(mine.body.items.map((t) => t.creatorMspId))).toEqual(new Set(['ManufacturerMSP']));
        const theirs = await manufacturerGateway.call<Refusal>('GET', '/history/transactions?org=DistributorMSP', {
            token: operator,
        });
        expect(theirs).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', field: 'org' } });
        // The distributor's unit a manufacturer never held is not its to trace; verification is for admins.
        const verify = await manufacturerGateway.call<Refusal>('POST', '/history/verify', {
            token: operator,
        });
        expect(verify.status).toBe(403);
    });

    it('serves reports as JSON, CSV and SVG, stating the block height', async () => {
        const json = await gateway.call<Report>('GET', '/history/reports/suspect-resolution', {
            token: inspector,
        });
        expect(json.status).toBe(200);
        expect(json.body.summary.cases).toBeGreaterThanOrEqual(2);
        const csv = await gateway.call<string>('GET', '/history/reports/suspect-resolution?format=csv', {
            token: inspector,
        });
        expect(csv.headers.get('content-type')).toContain('text/csv');
        expect(csv.headers.get('x-block-height')).toBe(String(json.body.blockHeight));
        const lines = csv.body.trim().split('\r\n');
        expect(lines[0]).toBe('blockHeight,kind,gtin,id,openedAt,openedBy,closedAt,outcome,hoursToResolution');
        expect(lines.filter((l) => l.includes(gtin))).toHaveLength(2);
        const svg = await gateway.call<Buffer | string>('GET', '/history/reports/recall-effectiveness?format=svg', {
            token: inspector,
        });
        expect(svg.headers.get('content-type')).toContain('image/svg+xml');
        expect(String(svg.body)).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        expect(String(svg.body)).toContain(`${gtin}/${recalledLot}`);
    });

    it('verifies against the ledger and finds a block altered in the index', async () => {
        const admin = await gateway.token('admin');
        const clean = await gateway.call<VerifyReport>('POST', '/history/verify', { token: admin });
        expect(clean.status).toBe(200);
        expect(clean.body).toMatchObject({ ok: true });
        expect(clean.body.checkedBlocks).toBe(clean.body.indexedHeight);
        const [target] = await index.db.query<{ block_number: number; key: string }>(
            `SELECT block_number, key FROM history_writes WHERE key = $1 ORDER BY block_number LIMIT 1`,
            [JSON.stringify(['supply.unit', gtin, 'A3'])],
        );
        await index.db.query(
            `UPDATE history_writes SET value = convert_to('{"custodian":"Elsewhere"}', 'UTF8') WHERE key = $1 AND block_number = $2`,
            [target.key, target.block_number],
        );
        const tampered = await gateway.call<VerifyReport>('POST', '/history/verify', { token: admin });
        expect(tampered.body).toMatchObject({ ok: false, firstDifference: { blockNumber: target.block_number } });
        expect(tampered.body.firstDifference?.reason).toContain('key writes');
    });
});
