import type { StateSnapshot } from '@careledger/testing';
import { call, container, Gtin, supplyWorld, unit, type SupplyWorld } from '../../../test/fixtures/supply';
import { MaxCommissionBatch, MaxObjectsPerMove } from './limits';

/**
 * Sizes the largest transactions against Fabric's limits (README.md, "Bulk limits"). Fabric
 * orders a transaction whole: the envelope carries the proposal (arguments), the read-write
 * set, the response, the event and the endorsements, and must fit the orderer's
 * AbsoluteMaxBytes (10 MB in network/configtx/configtx.yaml). The write set is measured from
 * the state the transaction left; reads are estimated as key plus version (the chaincode reads
 * every key it writes, except fresh serials, which it reads as absent).
 */
const AbsoluteMaxBytes = 10 * 1024 * 1024;
/** What the largest transaction may use of the orderer's limit, leaving room for headers, endorsements and growth. */
const Budget = AbsoluteMaxBytes / 2;
const VersionBytes = 16;

function writtenBytes(before: StateSnapshot, after: StateSnapshot): { keys: number; bytes: number } {
    let keys = 0;
    let bytes = 0;
    for (const [key, value] of Object.entries(after.public)) {
        if (before.public[key] !== value) {
            keys += 1;
            bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
        }
    }
    for (const key of Object.keys(before.public)) {
        if (!(key in after.public)) {
            keys += 1;
            bytes += Buffer.byteLength(key);
        }
    }
    return { keys, bytes };
}

function serials(count: number, prefix: string): string[] {
    // 20 characters, the longest serial GS1 allows, so the measure is the worst case.
    return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(20 - prefix.length, '0')}`);
}

async function registerLot(world: SupplyWorld, lot: string, quantity: number): Promise<void> {
    await world.h.submit(world.manufacturer, 'supply:RegisterLot', [
        JSON.stringify({ gtin: Gtin, lot, expiry: '291231', quantity }),
    ]);
}

describe('bulk limits', () => {
    jest.setTimeout(300_000);

    it(`a commissioning batch of ${MaxCommissionBatch} serials fits half of the orderer's 10 MB limit`, async () => {
        const world = await supplyWorld();
        const lot = 'LOT-20-CHARACTERS-XX';
        await registerLot(world, lot, MaxCommissionBatch);
        const argument = JSON.stringify({ gtin: Gtin, lot, serials: serials(MaxCommissionBatch, 'C') });
        const before = world.h.snapshot();
        const result = await world.h.submit(world.manufacturer, 'supply:CommissionUnits', [argument]);
        const written = writtenBytes(before, world.h.snapshot());
        const readBytes = serials(MaxCommissionBatch, 'C').reduce(
            (sum, serial) => sum + Buffer.byteLength(world.h.key('supply.unit', Gtin, serial)) + VersionBytes,
            0,
        );
        const envelope =
            Buffer.byteLength(argument) +
            written.bytes +
            readBytes +
            result.payload.length +
            JSON.stringify(result.event).length;
        // Recorded in README.md: the figures behind MaxCommissionBatch.
        process.stdout.write(
            `commission ${MaxCommissionBatch}: ${written.keys} keys written, ~${(envelope / 1e6).toFixed(2)} MB envelope\n`,
        );
        // A unit and its holding entry per serial; the batch, its serials, the step and the lot's step index.
        expect(written.keys).toBe(2 * MaxCommissionBatch + 4);
        expect(envelope).toBeLessThan(Budget);
    });

    it(`shipping a pallet of ${MaxObjectsPerMove} units and containers fits half of the orderer's 10 MB limit`, async () => {
        const world = await supplyWorld();
        const lot = 'LOT-20-CHARACTERS-YY';
        const cases = 8;
        const perCase = Math.floor((MaxObjectsPerMove - 1 - cases) / cases);
        await registerLot(world, lot, cases * perCase);
        for (let c = 0; c < cases; c += 1) {
            const batch = serials(perCase, `P${c}-`);
            await world.h.submit(world.manufacturer, 'supply:CommissionUnits', [
                JSON.stringify({ gtin: Gtin, lot, serials: batch }),
            ]);
            await call(world, world.manufacturer, 'Pack', {
                sscc: container(100 + c).sscc,
                children: batch.map((s) => unit(s)),
            });
        }
        await call(world, world.manufacturer, 'Pack', {
            sscc: container(1).sscc,
            children: Array.from({ length: cases }, (_, c) => container(100 + c)),
        });
        const objects = 1 + cases + cases * perCase;
        const before = world.h.snapshot();
        await call(world, world.manufacturer, 'Ship', { items: [container(1)], to: 'DistributorMSP' });
        const written = writtenBytes(before, world.h.snapshot());
        const readBytes = [...Object.keys(before.public)]
            .filter((key) => key.includes('supply.unit') || key.includes('supply.container'))
            .reduce((sum, key) => sum + Buffer.byteLength(key) + VersionBytes, 0);
        const envelope = written.bytes + readBytes;
        process.stdout.write(
            `ship ${objects} objects: ${written.keys} keys written, ~${(envelope / 1e6).toFixed(2)} MB envelope\n`,
        );
        expect(objects).toBeLessThanOrEqual(MaxObjectsPerMove);
        expect(envelope).toBeLessThan(Budget);
    });
});
