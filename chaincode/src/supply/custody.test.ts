import {
    call,
    commission,
    container,
    expectRejected,
    Gtin,
    sscc,
    supplyWorld,
    transfer,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { sgtinUri, ssccUri } from './gs1';
import { MaxObjectsPerMove } from './limits';
import { Budget } from './tree';
import type { Container, StepEventPayload, Unit } from './types';

describe('custody', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
        await commission(w, ['U1', 'U2', 'U3', 'U4']);
    });
    const getUnit = (serial: string) => w.h.getState<Unit>(w.h.key('supply.unit', Gtin, serial))!;
    const getContainer = (n: number) => w.h.getState<Container>(w.h.key('supply.container', sscc(n)))!;
    const holding = (custodian: string, serial: string) =>
        w.h.getState(w.h.key('supply.holding', Gtin, 'LOT-A1', custodian, serial));
    const ship = (items: unknown[], to: string, who = w.manufacturer) => call(w, who, 'Ship', { items, to });
    const receive = (items: unknown[], who = w.distributor) => call(w, who, 'Receive', { items });

    it('ships to a named partner: in transit, still in the sender’s custody', async () => {
        const r = await w.h.submit(w.manufacturer, 'supply:Ship', [
            JSON.stringify({ items: [unit('U1')], to: 'DistributorMSP' }),
        ]);
        expect(getUnit('U1')).toMatchObject({
            status: 'in_transit',
            custodian: 'ManufacturerMSP',
            destination: 'DistributorMSP',
            shipment: r.txId,
        });
        expect(holding('ManufacturerMSP', 'U1')).toEqual({ status: 'in_transit', destination: 'DistributorMSP' });
        expect(r.event?.name).toBe('supply.Shipped');
        expect(r.event?.payload as StepEventPayload).toMatchObject({
            kind: 'ship',
            bizStep: 'shipping',
            disposition: 'in_transit',
            from: 'ManufacturerMSP',
            to: 'DistributorMSP',
            epcs: [sgtinUri(Gtin, 'U1')],
            epcCount: 1,
        });
    });

    it('the receiver takes custody; the holding index moves with it', async () => {
        await ship([unit('U1')], 'DistributorMSP');
        const step = await receive([unit('U1')]);
        expect(step).toMatchObject({
            kind: 'receive',
            bizStep: 'receiving',
            disposition: 'active',
            from: 'ManufacturerMSP',
            to: 'DistributorMSP',
        });
        const received = getUnit('U1');
        expect(received).toMatchObject({ status: 'active', custodian: 'DistributorMSP', steps: 2 });
        expect(received.destination).toBeUndefined();
        expect(received.shipment).toBeUndefined();
        expect(holding('ManufacturerMSP', 'U1')).toBeUndefined();
        expect(holding('DistributorMSP', 'U1')).toEqual({ status: 'active' });
    });

    it('shipping and receiving a pallet moves every case and unit in it', async () => {
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U1'), unit('U2')] });
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(2), children: [unit('U3')] });
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(9), children: [container(1), container(2)] });
        const shipped = await ship([container(9)], 'DistributorMSP');
        expect(shipped.epcs).toEqual([ssccUri(sscc(9))]);
        expect(shipped.lots).toEqual([{ gtin: Gtin, lot: 'LOT-A1', expiry: '291231', quantity: 3 }]);
        for (const serial of ['U1', 'U2', 'U3']) {
            expect(getUnit(serial)).toMatchObject({ status: 'in_transit', destination: 'DistributorMSP' });
        }
        expect(getContainer(1)).toMatchObject({ status: 'in_transit', destination: 'DistributorMSP' });
        await receive([container(9)]);
        for (const serial of ['U1', 'U2', 'U3']) {
            expect(getUnit(serial)).toMatchObject({ status: 'active', custodian: 'DistributorMSP' });
            expect(holding('DistributorMSP', serial)).toEqual({ status: 'active' });
        }
        expect(getContainer(2)).toMatchObject({ status: 'active', custodian: 'DistributorMSP', parent: sscc(9) });
        expect(getUnit('U4')).toMatchObject({ status: 'active', custodian: 'ManufacturerMSP' });
    });

    it('only the custodian ships: a non-owner is denied and nothing changes', async () => {
        await expectRejected(w.h, () => ship([unit('U1')], 'HospitalMSP', w.distributor), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('only ManufacturerMSP, the custodian of unit'),
        });
        await transfer(w, [unit('U1')], w.manufacturer, w.distributor);
        await expectRejected(w.h, () => ship([unit('U1')], 'HospitalMSP'), { code: 'FORBIDDEN' });
    });

    it('a unit is never shipped twice nor to two places', async () => {
        await ship([unit('U1')], 'DistributorMSP');
        await expectRejected(w.h, () => ship([unit('U1')], 'HospitalMSP'), {
            code: 'CONFLICT',
            field: 'shipment.items[0]',
            detail: expect.stringContaining('already in transit to DistributorMSP'),
        });
        await expectRejected(w.h, () => ship([unit('U1')], 'DistributorMSP'), { code: 'CONFLICT' });
    });

    it('two shipments racing for one unit: exactly one commits', async () => {
        const results = await Promise.allSettled([
            ship([unit('U1')], 'DistributorMSP'),
            ship([unit('U1')], 'HospitalMSP'),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
            code: 'MVCC_CONFLICT',
        });
        expect(['DistributorMSP', 'HospitalMSP']).toContain(getUnit('U1').destination);
    });

    it('concurrent shipments of different units of one lot do not conflict (no shared key)', async () => {
        const results = await Promise.allSettled([
            ship([unit('U1')], 'DistributorMSP'),
            ship([unit('U2')], 'HospitalMSP'),
            ship([unit('U3')], 'DistributorMSP'),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    });

    it('a packed object moves only with its container', async () => {
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U1')] });
        await expectRejected(w.h, () => ship([unit('U1')], 'DistributorMSP'), {
            code: 'CONFLICT',
            field: 'shipment.items[0]',
        });
        await ship([container(1)], 'DistributorMSP');
        await expectRejected(w.h, () => receive([unit('U1')]), { code: 'CONFLICT', field: 'receipt.items[0]' });
    });

    it('ships only to another authorised trading partner', async () => {
        await expectRejected(w.h, () => ship([unit('U1')], 'ManufacturerMSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.to',
        });
        await expectRejected(w.h, () => ship([unit('U1')], 'PharmacyMSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.to',
        });
        await expectRejected(w.h, () => ship([unit('U1')], 'Not an MSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.to',
        });
    });

    it('rejects malformed, repeated and unknown items', async () => {
        await expectRejected(w.h, () => ship([], 'DistributorMSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.items',
        });
        await expectRejected(w.h, () => ship([unit('U1'), `(01)${Gtin}(21)U1`], 'DistributorMSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.items[1]',
        });
        await expectRejected(w.h, () => ship([`(01)09506000134353(21)U1`], 'DistributorMSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.items[0].gtin',
            detail: 'GTIN-14 check digit must be 2, got 3',
        });
        await expectRejected(w.h, () => ship([unit('NOPE')], 'DistributorMSP'), { code: 'NOT_FOUND' });
        await expectRejected(w.h, () => ship([container(7)], 'DistributorMSP'), { code: 'NOT_FOUND' });
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:Ship', ['not json']), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment',
        });
    });

    it(`one move touches at most ${MaxObjectsPerMove} objects`, async () => {
        const items = Array.from({ length: MaxObjectsPerMove + 1 }, (_, i) => unit(`X${i}`));
        await expectRejected(w.h, () => ship(items, 'DistributorMSP'), {
            code: 'INVALID_ARGUMENT',
            field: 'shipment.items',
        });
        const budget = new Budget(3);
        budget.take(2, 'items[0]');
        expect(() => budget.take(2, 'items[1]')).toThrow(
            expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'items[1]' }) as unknown as Error,
        );
    });

    it('only the destination receives; what is not in transit cannot be received', async () => {
        await ship([unit('U1')], 'DistributorMSP');
        await expectRejected(w.h, () => receive([unit('U1')], w.hospital), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('only DistributorMSP may receive it'),
        });
        await expectRejected(w.h, () => receive([unit('U2')]), { code: 'CONFLICT', field: 'receipt.items[0]' });
        await expectRejected(w.h, () => receive([unit('U1')], w.regulator), { code: 'FORBIDDEN' });
        await receive([unit('U1')]);
        await expectRejected(w.h, () => receive([unit('U1')]), { code: 'CONFLICT', field: 'receipt.items[0]' });
    });

    it('receives one sender’s shipments per transaction', async () => {
        await ship([unit('U1')], 'HospitalMSP');
        await transfer(w, [unit('U2')], w.manufacturer, w.distributor);
        await ship([unit('U2')], 'HospitalMSP', w.distributor);
        await expectRejected(w.h, () => receive([unit('U1'), unit('U2')], w.hospital), {
            code: 'INVALID_ARGUMENT',
            field: 'receipt.items[1]',
        });
    });

    it('the destination may reject: custody stays with the sender, active again', async () => {
        await ship([unit('U1')], 'DistributorMSP');
        const step = await call(w, w.distributor, 'Reject', { items: [unit('U1')], reason: 'damaged on arrival' });
        expect(step).toMatchObject({
            kind: 'reject',
            bizStep: 'void_shipping',
            from: 'ManufacturerMSP',
            to: 'DistributorMSP',
            reason: 'damaged on arrival',
        });
        expect(getUnit('U1')).toMatchObject({ status: 'active', custodian: 'ManufacturerMSP' });
        expect(holding('ManufacturerMSP', 'U1')).toEqual({ status: 'active' });
        await ship([unit('U1')], 'HospitalMSP');
    });

    it('only the destination rejects, with a reason', async () => {
        await ship([unit('U1')], 'DistributorMSP');
        await expectRejected(w.h, () => call(w, w.hospital, 'Reject', { items: [unit('U1')], reason: 'x' }), {
            code: 'FORBIDDEN',
        });
        await expectRejected(w.h, () => call(w, w.distributor, 'Reject', { items: [unit('U1')] }), {
            code: 'INVALID_ARGUMENT',
            field: 'rejection.reason',
        });
        await expectRejected(w.h, () => call(w, w.distributor, 'Reject', { items: [unit('U2')], reason: 'x' }), {
            code: 'CONFLICT',
        });
    });

    it('a quarantined unit, or a unit of a quarantined lot, cannot be shipped', async () => {
        await call(w, w.manufacturer, 'supply-safety:Quarantine', { item: unit('U1'), reason: 'seal broken' });
        await expectRejected(w.h, () => ship([unit('U1')], 'DistributorMSP'), {
            code: 'CONFLICT',
            field: 'shipment.items[0]',
        });
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U2')] });
        await call(w, w.manufacturer, 'supply-safety:Quarantine', {
            gtin: Gtin,
            lot: 'LOT-A1',
            reason: 'counterfeit alert',
        });
        await expectRejected(w.h, () => ship([container(1)], 'DistributorMSP'), {
            code: 'CONFLICT',
            field: 'shipment.items[0]',
        });
    });

    it('a quarantined unit inside a case stops the whole case', async () => {
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U1'), unit('U2')] });
        await call(w, w.manufacturer, 'supply-safety:Quarantine', { item: unit('U2'), reason: 'seal broken' });
        await expectRejected(w.h, () => ship([container(1)], 'DistributorMSP'), {
            code: 'CONFLICT',
            detail: expect.stringContaining('quarantined as suspect'),
        });
    });

    it('recalled or expired units may only go back to the manufacturer', async () => {
        await transfer(w, [unit('U1'), unit('U2')], w.manufacturer, w.distributor);
        await call(w, w.manufacturer, 'supply-safety:RecallLot', {
            gtin: Gtin,
            lot: 'LOT-A1',
            recallClass: 'I',
            reason: 'contamination',
        });
        await expectRejected(w.h, () => ship([unit('U1')], 'HospitalMSP', w.distributor), {
            code: 'CONFLICT',
            detail: expect.stringContaining('may only be returned to the manufacturer ManufacturerMSP'),
        });
        await ship([unit('U1')], 'ManufacturerMSP', w.distributor);

        const fresh = await supplyWorld();
        await fresh.h.submit(fresh.manufacturer, 'supply:RegisterLot', [
            JSON.stringify({ gtin: Gtin, lot: 'SHORT', expiry: '260100', quantity: 2 }),
        ]);
        await commission(fresh, ['E1'], 'SHORT');
        fresh.h.setTime('2026-02-01T00:00:00Z');
        await expectRejected(
            fresh.h,
            () => call(fresh, fresh.manufacturer, 'Ship', { items: [unit('E1')], to: 'HospitalMSP' }),
            {
                code: 'CONFLICT',
                detail: expect.stringContaining('expired'),
            },
        );
    });

    it('a unit decommissioned inside a case stops the case until unpacked, and never moves again', async () => {
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U1'), unit('U2')] });
        await call(w, w.manufacturer, 'supply-safety:ConfirmIllegitimate', { item: unit('U1'), reason: 'counterfeit' });
        await expectRejected(w.h, () => ship([container(1)], 'DistributorMSP'), {
            code: 'CONFLICT',
            detail: expect.stringContaining('was decommissioned; it never moves again'),
        });
        await call(w, w.manufacturer, 'Unpack', { sscc: sscc(1), children: [unit('U1')] });
        await ship([container(1)], 'DistributorMSP');
        expect(getUnit('U1')).toMatchObject({ status: 'decommissioned', custodian: 'ManufacturerMSP' });
    });

    it('a unit confirmed illegitimate in transit stays decommissioned when its case is received', async () => {
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U1'), unit('U2')] });
        await ship([container(1)], 'DistributorMSP');
        await call(w, w.regulator, 'supply-safety:ConfirmIllegitimate', { item: unit('U1'), reason: 'counterfeit' });
        await receive([container(1)]);
        expect(getUnit('U1')).toMatchObject({ status: 'decommissioned', custodian: 'DistributorMSP', parent: sscc(1) });
        expect(getUnit('U2')).toMatchObject({ status: 'active', custodian: 'DistributorMSP' });
        expect(holding('DistributorMSP', 'U1')).toEqual({ status: 'decommissioned' });
    });

    it('in-transit units of a recalled lot can still be received, to be returned', async () => {
        await ship([unit('U1')], 'DistributorMSP');
        await call(w, w.regulator, 'supply-safety:RecallLot', {
            gtin: Gtin,
            lot: 'LOT-A1',
            recallClass: 'II',
            reason: 'label',
        });
        await receive([unit('U1')]);
        expect(getUnit('U1')).toMatchObject({ custodian: 'DistributorMSP', status: 'active' });
    });

    it('only trading partners’ operators, pharmacists and admins move product', async () => {
        await expectRejected(w.h, () => ship([unit('U1')], 'DistributorMSP', w.physician), { code: 'FORBIDDEN' });
        const noId = w.h.identity({ mspId: 'ManufacturerMSP', role: 'operator' });
        await expectRejected(w.h, () => ship([unit('U1')], 'DistributorMSP', noId), { code: 'FORBIDDEN' });
    });
});
