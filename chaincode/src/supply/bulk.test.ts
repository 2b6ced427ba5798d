import { createHash } from 'node:crypto';
import { ContractHarness, type StateSnapshot } from '@careledger/testing';
import { NoBatching, ShimHandler } from '../../../gateway/src/ledger/embedded/shim-handler';
import {
    call,
    commission,
    container,
    expectRejected,
    Gtin,
    LotNumber,
    sscc,
    supplyWorld,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { MaxVerifyBatch } from './limits';
import type { Container, Unit, VerificationResult } from './types';

/**
 * Bulk supply operations (a pallet of cases of units moved as one, a list of packs verified in
 * one query) and Fabric 3.1's batched state access underneath them: the same world state
 * whether the peer offers batching or not, far fewer chaincode-to-peer messages when it does,
 * and a bad item that rejects the whole batch, naming its index and field, with nothing written.
 */

const digest = (snapshot: StateSnapshot) => createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');

/** Counts the chaincode-to-peer requests the embedded peer answers (one per gRPC message on a real peer). */
function countMessages(): { counts: Record<string, number>; restore(): void } {
    const counts: Record<string, number> = {};
    const methods = [
        'handleGetState',
        'handleGetMultipleStates',
        'handlePutState',
        'handleDeleteState',
        'handleWriteBatch',
        'handleGetStateByRange',
        'handleQueryStateNext',
    ] as const;
    const spies = methods.map((method) => {
        const original = ShimHandler.prototype[method] as (...args: unknown[]) => Promise<unknown>;
        return jest.spyOn(ShimHandler.prototype, method).mockImplementation(function (this: ShimHandler, ...args) {
            counts[method] = (counts[method] ?? 0) + 1;
            return original.apply(this, args) as never;
        });
    });
    return { counts, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

const serials = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** A pallet (sscc 100) of `cases` cases (sscc 1..cases) of `perCase` units each, at the manufacturer. */
async function palletOf(w: SupplyWorld, cases: number, perCase: number): Promise<string[]> {
    const all = serials('P', cases * perCase);
    await commission(w, all);
    for (let c = 0; c < cases; c += 1) {
        await call(w, w.manufacturer, 'Pack', {
            sscc: sscc(c + 1),
            children: all.slice(c * perCase, (c + 1) * perCase).map((serial) => unit(serial)),
        });
    }
    await call(w, w.manufacturer, 'Pack', {
        sscc: sscc(100),
        children: Array.from({ length: cases }, (_, c) => container(c + 1)),
    });
    return all;
}

describe('a pallet of cases of units moves as one business operation', () => {
    it('ships and receives a 1,000-unit pallet in one transaction each, every unit and case following', async () => {
        const w = await supplyWorld();
        const all = await palletOf(w, 10, 100);
        const shipped = await call(w, w.manufacturer, 'Ship', { items: [container(100)], to: 'DistributorMSP' });
        expect(shipped.epcs).toHaveLength(1);
        expect(shipped.lots).toEqual([expect.objectContaining({ gtin: Gtin, lot: LotNumber, quantity: 1000 })]);
        const inTransit = w.h.getState<Unit>(w.h.key('supply.unit', Gtin, all[537]))!;
        expect(inTransit).toMatchObject({
            status: 'in_transit',
            destination: 'DistributorMSP',
            shipment: shipped.txId,
        });

        const received = await call(w, w.distributor, 'Receive', { items: [`(00)${sscc(100)}`] });
        expect(received).toMatchObject({ kind: 'receive', from: 'ManufacturerMSP', to: 'DistributorMSP' });
        for (const serial of [all[0], all[537], all[999]]) {
            expect(w.h.getState<Unit>(w.h.key('supply.unit', Gtin, serial))).toMatchObject({
                custodian: 'DistributorMSP',
                status: 'active',
            });
            expect(w.h.getState(w.h.key('supply.holding', Gtin, LotNumber, 'DistributorMSP', serial))).toEqual({
                status: 'active',
            });
            expect(w.h.getState(w.h.key('supply.holding', Gtin, LotNumber, 'ManufacturerMSP', serial))).toBeUndefined();
        }
        expect(w.h.getState<Container>(w.h.key('supply.container', sscc(7)))).toMatchObject({
            custodian: 'DistributorMSP',
            parent: sscc(100),
        });
    });

    it('a bad item rejects the whole shipment, naming its index and field, and writes nothing', async () => {
        const w = await supplyWorld();
        await palletOf(w, 2, 5);
        await commission(w, ['LOOSE1', 'LOOSE2']);
        await call(w, w.manufacturer, 'Ship', { items: [unit('LOOSE2')], to: 'HospitalMSP' });
        const before = digest(w.h.snapshot());
        // items[2] is already in transit to the hospital.
        await expectRejected(
            w.h,
            () =>
                call(w, w.manufacturer, 'Ship', {
                    items: [container(100), unit('LOOSE1'), unit('LOOSE2')],
                    to: 'DistributorMSP',
                }),
            { code: 'CONFLICT', field: 'shipment.items[2]' },
        );
        // items[1] is malformed: a wrong GTIN check digit.
        await expectRejected(
            w.h,
            () =>
                call(w, w.manufacturer, 'Ship', {
                    items: [
                        container(100),
                        { gtin: `${Gtin.slice(0, 13)}${(Number(Gtin[13]) + 1) % 10}`, serial: 'X' },
                    ],
                    to: 'DistributorMSP',
                }),
            { code: 'INVALID_ARGUMENT', field: 'shipment.items[1].gtin' },
        );
        expect(digest(w.h.snapshot())).toBe(before);
    });

    it('a receipt naming an object not in transit to the receiver rejects every item and writes nothing', async () => {
        const w = await supplyWorld();
        await palletOf(w, 2, 5);
        await commission(w, ['LOOSE1']);
        await call(w, w.manufacturer, 'Ship', { items: [container(100)], to: 'DistributorMSP' });
        const before = digest(w.h.snapshot());
        await expectRejected(
            w.h,
            () => call(w, w.distributor, 'Receive', { items: [container(100), unit('LOOSE1')] }),
            { code: 'CONFLICT', field: 'receipt.items[1]' },
        );
        expect(digest(w.h.snapshot())).toBe(before);
        expect(w.h.getState<Unit>(w.h.key('supply.unit', Gtin, 'P3'))).toMatchObject({ status: 'in_transit' });
    });

    it('commissioning refuses a batch with one serial already commissioned, naming its index, and writes nothing', async () => {
        const w = await supplyWorld();
        await commission(w, ['DUP']);
        const before = digest(w.h.snapshot());
        await expectRejected(w.h, () => commission(w, [...serials('N', 500), 'DUP', 'N900']), {
            code: 'CONFLICT',
            field: 'batch.serials[500]',
        });
        expect(digest(w.h.snapshot())).toBe(before);
    });
});

describe('VerifyProducts: a list of packs in one query', () => {
    let w: SupplyWorld;
    beforeAll(async () => {
        w = await supplyWorld();
        await commission(w, serials('V', 20));
        await call(w, w.manufacturer, 'Decommission', { item: unit('V3'), reason: 'damaged' });
    });

    it('answers each identifier as VerifyProduct does, in order', async () => {
        const products = [
            `(01)${Gtin}(17)291231(10)${LotNumber}(21)V0`,
            unit('V3'),
            `(01)${Gtin}(21)NOPE`,
            { gtin: Gtin, serial: 'V5', lot: 'OTHER' },
            `https://id.gs1.org/01/${Gtin}/21/V7`,
        ];
        const results = (
            await w.h.evaluate(w.pharmacist, 'supply-safety:VerifyProducts', [JSON.stringify(products)])
        ).json<VerificationResult[]>();
        const singles: VerificationResult[] = [];
        for (const product of products) {
            singles.push(
                (
                    await w.h.evaluate(w.pharmacist, 'supply-safety:VerifyProduct', [
                        typeof product === 'string' ? product : JSON.stringify(product),
                    ])
                ).json<VerificationResult>(),
            );
        }
        expect(results).toEqual(singles);
        expect(results.map((r) => r.verified)).toEqual([true, false, false, false, true]);
        expect(results[1].verificationFailureReason).toBe('Not_for_re-distribution');
        expect(results[2].verificationFailureReason).toBe('No_match_GTIN_Serial');
        expect(results[3].verificationFailureReason).toBe('No_match_GTIN_Serial_Lot');
    });

    it('names the malformed identifier by index, and bounds the list', async () => {
        await expectRejected(
            w.h,
            () =>
                w.h.evaluate(w.pharmacist, 'supply-safety:VerifyProducts', [
                    JSON.stringify([unit('V0'), unit('V1'), { gtin: '123', serial: 'V2' }]),
                ]),
            { code: 'INVALID_ARGUMENT', field: 'products[2].gtin' },
        );
        await expectRejected(
            w.h,
            () =>
                w.h.evaluate(w.pharmacist, 'supply-safety:VerifyProducts', [
                    JSON.stringify(Array.from({ length: MaxVerifyBatch + 1 }, () => unit('V0'))),
                ]),
            { code: 'INVALID_ARGUMENT', field: 'products' },
        );
        await expectRejected(w.h, () => w.h.evaluate(w.pharmacist, 'supply-safety:VerifyProducts', ['[]']), {
            code: 'INVALID_ARGUMENT',
            field: 'products',
        });
    });
});

describe('Fabric 3.1 batched state access', () => {
    /** The same scenario on a peer that offers batching and on one that does not. */
    async function scenario(batching: boolean) {
        const h = await ContractHarness.create(batching ? {} : { batching: NoBatching });
        const w = await supplyWorld(h);
        const messages: Record<string, Record<string, number>> = {};
        const measure = async (name: string, action: () => Promise<unknown>) => {
            const counter = countMessages();
            try {
                await action();
            } finally {
                counter.restore();
            }
            messages[name] = counter.counts;
        };
        await measure('commission 1,000', () => commission(w, serials('B', 1000)));
        await measure('ship 1 unit', () =>
            call(w, w.manufacturer, 'Ship', { items: [unit('B0')], to: 'DistributorMSP' }),
        );
        await measure('receive 1 unit', () => call(w, w.distributor, 'Receive', { items: [unit('B0')] }));
        await call(w, w.manufacturer, 'Pack', {
            sscc: sscc(1),
            children: serials('B', 1000)
                .slice(1, 501)
                .map((s) => unit(s)),
        });
        await call(w, w.manufacturer, 'Pack', {
            sscc: sscc(2),
            children: serials('B', 1000)
                .slice(501)
                .map((s) => unit(s)),
        });
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(100), children: [container(1), container(2)] });
        await measure('ship pallet', () =>
            call(w, w.manufacturer, 'Ship', { items: [container(100)], to: 'DistributorMSP' }),
        );
        await measure('verify 100', () =>
            h.evaluate(w.pharmacist, 'supply-safety:VerifyProducts', [
                JSON.stringify(serials('B', 100).map((s) => unit(s))),
            ]),
        );
        return { snapshot: h.snapshot(), messages };
    }

    let batched: Awaited<ReturnType<typeof scenario>>;
    let unbatched: Awaited<ReturnType<typeof scenario>>;
    beforeAll(async () => {
        batched = await scenario(true);
        unbatched = await scenario(false);
    }, 120_000);

    it('leaves the same world state whether the peer offers batching or not', () => {
        expect(Object.keys(batched.snapshot.public).length).toBeGreaterThan(3000);
        expect(digest(batched.snapshot)).toBe(digest(unbatched.snapshot));
    });

    it('commissions 1,000 serials in a handful of messages per endorsement instead of 3,000', () => {
        // Each submit is simulated on two endorsing peers.
        const on = batched.messages['commission 1,000'];
        const off = unbatched.messages['commission 1,000'];
        expect(off.handleGetState).toBeGreaterThanOrEqual(2 * 1000);
        expect(off.handlePutState).toBeGreaterThanOrEqual(2 * 2000);
        expect(on.handlePutState ?? 0).toBe(0);
        expect(on.handleGetMultipleStates).toBe(2);
        // Two write batches (the batch records, then the units and holdings); fabric-shim sends 2,002 records as 3 messages.
        expect(on.handleWriteBatch).toBe(2 * 2);
        expect(total(on)).toBeLessThanOrEqual(2 * 12);
    });

    it('ships one unit in at most 5 messages and receives it in at most 4 (each endorsement)', () => {
        expect(total(batched.messages['ship 1 unit'])).toBeLessThanOrEqual(2 * 5);
        expect(total(batched.messages['receive 1 unit'])).toBeLessThanOrEqual(2 * 4);
        expect(total(unbatched.messages['ship 1 unit'])).toBeGreaterThanOrEqual(2 * 9);
        expect(total(unbatched.messages['receive 1 unit'])).toBeGreaterThanOrEqual(2 * 8);
    });

    it('reads a pallet level by level and writes it in batches', () => {
        const on = batched.messages['ship pallet'];
        expect(on.handlePutState ?? 0).toBe(0);
        expect(total(on)).toBeLessThanOrEqual(2 * 12);
        expect(total(unbatched.messages['ship pallet'])).toBeGreaterThan(2 * 3000);
    });

    it('verifies 100 packs in two reads', () => {
        expect(batched.messages['verify 100']).toEqual({ handleGetMultipleStates: 2 });
        expect(unbatched.messages['verify 100'].handleGetState).toBe(101);
    });
});
