import { EhrClient } from '../../gateway/src/ehr';
import { DemoWorld, seedDemoWorld } from '../../gateway/src/demo';
import { SupplyClient } from '../../gateway/src/supply';
import { openScenarioLedger, type ScenarioLedger } from '../support/ledger';

/**
 * The demo world (`npm start` on a new embedded ledger, `careledger seed` on Fabric), on both
 * ledgers: after seeding, the first hospital step works without any set-up (issue #20,
 * problem 2), and seeding again changes nothing. On the shared Fabric network it touches only
 * demo ids, physician1/nurse1/pharmacist1's licences (which other files ensure too) and a
 * consent scoped to the demo record.
 */
jest.setTimeout(300_000);

describe('the demo world', () => {
    let env: ScenarioLedger;

    beforeAll(async () => {
        env = await openScenarioLedger();
    });
    afterAll(async () => env?.close());

    it('lets physician1 read the demo record at once, and a second seed changes nothing', async () => {
        await seedDemoWorld({ ledger: env.ledger });

        const physician = new EhrClient(await env.session('hospital', 'physician1'));
        const read = await physician.readRecord(DemoWorld.record.id, 'TREAT');
        expect(read.access).toMatchObject({ allowed: true });
        expect(read.location).toBeDefined();

        const inspector = new SupplyClient(await env.session('regulator', 'inspector1'));
        const whereabouts = (await inspector.lotWhereabouts(DemoWorld.lot.gtin, DemoWorld.lot.lot)) as {
            total: number;
        };
        expect(whereabouts.total).toBe(DemoWorld.serials.length);
        const partner = await inspector.getPartner('DistributorMSP');
        expect(partner).toMatchObject({ kind: 'distributor' });

        const again = await seedDemoWorld({ ledger: env.ledger });
        expect(again.done.filter((step) => !step.endsWith('enrolled'))).toEqual([]);
        expect(again.present.length).toBeGreaterThan(15);
    });
});
