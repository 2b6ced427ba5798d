import {
    call,
    commission,
    container,
    expectRejected,
    Gtin,
    sscc,
    supplyWorld,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { sgtinUri, ssccUri } from './gs1';
import type { Container, SupplyStep, Unit } from './types';

describe('aggregation', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
        await commission(w, ['U1', 'U2', 'U3', 'U4', 'U5']);
    });
    const getContainer = (n: number) => w.h.getState<Container>(w.h.key('supply.container', sscc(n)))!;
    const getUnit = (serial: string) => w.h.getState<Unit>(w.h.key('supply.unit', Gtin, serial))!;
    const pack = (n: number, children: unknown[], who = w.manufacturer) =>
        call(w, who, 'Pack', { sscc: sscc(n), children });

    it('packs units into a new case, recording an AggregationEvent step in every child’s history', async () => {
        const r = await w.h.submit(w.manufacturer, 'supply:Pack', [
            JSON.stringify({
                sscc: sscc(1),
                children: [unit('U1'), `(01)${Gtin}(21)U2`, `https://id.gs1.org/01/${Gtin}/21/U3`],
            }),
        ]);
        const step = r.json<SupplyStep>();
        expect(step).toMatchObject({
            kind: 'pack',
            eventType: 'AggregationEvent',
            action: 'ADD',
            bizStep: 'packing',
            parent: ssccUri(sscc(1)),
            epcs: ['U1', 'U2', 'U3'].map((s) => sgtinUri(Gtin, s)),
            lots: [{ gtin: Gtin, lot: 'LOT-A1', expiry: '291231', quantity: 3 }],
        });
        expect(r.event?.name).toBe('supply.Packed');
        expect(getContainer(1)).toMatchObject({
            sscc: sscc(1),
            status: 'active',
            custodian: 'ManufacturerMSP',
            children: step.epcs,
            descendants: 3,
            levels: 1,
            steps: 1,
        });
        expect(getUnit('U2')).toMatchObject({ parent: sscc(1), steps: 1 });
        expect(w.h.getState(w.h.key('supply.objectStep', 'sgtin', Gtin, 'U2', '00000000'))).toBe(r.txId);
    });

    it('packs more into an existing case, and cases into a pallet', async () => {
        await pack(1, [unit('U1')]);
        await pack(1, [unit('U2')]);
        await pack(2, [unit('U3'), unit('U4')]);
        const r = await pack(9, [container(1), container(2), unit('U5')]);
        expect(r.epcs).toEqual([ssccUri(sscc(1)), ssccUri(sscc(2)), sgtinUri(Gtin, 'U5')]);
        expect(getContainer(9)).toMatchObject({ descendants: 7, levels: 2 });
        expect(getContainer(1)).toMatchObject({
            parent: sscc(9),
            children: [sgtinUri(Gtin, 'U1'), sgtinUri(Gtin, 'U2')],
        });
        // Units inside the cases take the pallet's packing step into their history too.
        expect(getUnit('U1').steps).toBe(2);
        expect(r.lots).toEqual([{ gtin: Gtin, lot: 'LOT-A1', expiry: '291231', quantity: 5 }]);
    });

    it('unpacks named children or everything, keeping counts and levels right', async () => {
        await pack(1, [unit('U1'), unit('U2')]);
        await pack(9, [container(1), unit('U3')]);
        const out = await call(w, w.manufacturer, 'Unpack', { sscc: sscc(9), children: [container(1)] });
        expect(out).toMatchObject({
            kind: 'unpack',
            action: 'DELETE',
            bizStep: 'unpacking',
            epcs: [ssccUri(sscc(1))],
            parent: ssccUri(sscc(9)),
        });
        expect(getContainer(9)).toMatchObject({ children: [sgtinUri(Gtin, 'U3')], descendants: 1, levels: 1 });
        expect(getContainer(1).parent).toBeUndefined();
        await call(w, w.manufacturer, 'Unpack', { sscc: sscc(1) });
        expect(getContainer(1)).toMatchObject({ children: [], descendants: 0 });
        expect(getUnit('U1').parent).toBeUndefined();
        // An emptied case can be packed again.
        await pack(1, [unit('U1')]);
        expect(getUnit('U1').parent).toBe(sscc(1));
    });

    it('only the custodian packs and unpacks', async () => {
        await pack(1, [unit('U1')]);
        await expectRejected(w.h, () => pack(1, [unit('U2')], w.distributor), { code: 'FORBIDDEN' });
        await expectRejected(w.h, () => pack(2, [unit('U2')], w.distributor), { code: 'FORBIDDEN' });
        await expectRejected(w.h, () => call(w, w.distributor, 'Unpack', { sscc: sscc(1) }), { code: 'FORBIDDEN' });
        await expectRejected(w.h, () => pack(2, [unit('U2')], w.regulator), { code: 'FORBIDDEN' });
        await expectRejected(w.h, () => pack(2, [unit('U2')], w.physician), { code: 'FORBIDDEN' });
    });

    it('a packed object is packed nowhere else, and moves only with its container', async () => {
        await pack(1, [unit('U1')]);
        await pack(9, [container(1)]);
        await expectRejected(w.h, () => pack(2, [unit('U1')]), { code: 'CONFLICT', field: 'pack.children[0]' });
        await expectRejected(w.h, () => pack(1, [unit('U2')]), { code: 'CONFLICT', field: 'sscc' });
        await expectRejected(w.h, () => call(w, w.manufacturer, 'Unpack', { sscc: sscc(1) }), {
            code: 'CONFLICT',
            field: 'sscc',
        });
    });

    it('refuses packing a container into itself, repeats, unknown children and malformed SSCCs', async () => {
        await pack(1, [unit('U1')]);
        await expectRejected(w.h, () => pack(1, [container(1)]), {
            code: 'INVALID_ARGUMENT',
            field: 'pack.children[0]',
        });
        await expectRejected(w.h, () => pack(2, [unit('U2'), `(01)${Gtin}(21)U2`]), {
            code: 'INVALID_ARGUMENT',
            field: 'pack.children[1]',
        });
        await expectRejected(w.h, () => pack(2, [unit('NOPE')]), { code: 'NOT_FOUND' });
        await expectRejected(w.h, () => pack(2, []), { code: 'INVALID_ARGUMENT', field: 'pack.children' });
        await expectRejected(
            w.h,
            () => call(w, w.manufacturer, 'Pack', { sscc: '006141410000000013', children: [unit('U2')] }),
            {
                code: 'INVALID_ARGUMENT',
                field: 'pack.sscc',
            },
        );
        await expectRejected(w.h, () => pack(2, [{ gtin: Gtin }]), {
            code: 'INVALID_ARGUMENT',
            field: 'pack.children[0].serial',
        });
        await expectRejected(w.h, () => pack(2, [`(00)${sscc(1)}(21)X`]), {
            code: 'INVALID_ARGUMENT',
            field: 'pack.children[0]',
        });
    });

    it('nests containers at most three levels deep', async () => {
        await pack(1, [unit('U1')]);
        await pack(2, [container(1)]);
        await pack(3, [container(2)]);
        await expectRejected(w.h, () => pack(4, [container(3)]), {
            code: 'INVALID_ARGUMENT',
            field: 'pack.children[0]',
        });
    });

    it('refuses objects in transit, terminal or quarantined', async () => {
        await call(w, w.manufacturer, 'Ship', { items: [unit('U1')], to: 'DistributorMSP' });
        await expectRejected(w.h, () => pack(1, [unit('U1')]), { code: 'CONFLICT', field: 'pack.children[0]' });
        await call(w, w.manufacturer, 'Decommission', { item: unit('U2'), reason: 'damaged' });
        await expectRejected(w.h, () => pack(1, [unit('U2')]), { code: 'CONFLICT', field: 'pack.children[0]' });
        await call(w, w.manufacturer, 'supply-safety:Quarantine', { item: unit('U3'), reason: 'seal broken' });
        await expectRejected(w.h, () => pack(1, [unit('U3')]), { code: 'CONFLICT', field: 'pack.children[0]' });
    });

    it('a container in transit is neither packed nor unpacked', async () => {
        await pack(1, [unit('U1')]);
        await call(w, w.manufacturer, 'Ship', { items: [container(1)], to: 'DistributorMSP' });
        await expectRejected(w.h, () => pack(1, [unit('U2')]), { code: 'CONFLICT', field: 'sscc' });
        await expectRejected(w.h, () => call(w, w.manufacturer, 'Unpack', { sscc: sscc(1) }), {
            code: 'CONFLICT',
            field: 'sscc',
        });
    });

    it('unpacks only children it has, from a container that exists and is not empty', async () => {
        await pack(1, [unit('U1')]);
        await expectRejected(w.h, () => call(w, w.manufacturer, 'Unpack', { sscc: sscc(1), children: [unit('U2')] }), {
            code: 'CONFLICT',
            field: 'unpack.children[0]',
        });
        await expectRejected(w.h, () => call(w, w.manufacturer, 'Unpack', { sscc: sscc(5) }), { code: 'NOT_FOUND' });
        await call(w, w.manufacturer, 'Unpack', { sscc: sscc(1) });
        await expectRejected(w.h, () => call(w, w.manufacturer, 'Unpack', { sscc: sscc(1) }), {
            code: 'CONFLICT',
            field: 'unpack.sscc',
        });
    });
});
