import type { Page } from '../common';
import {
    call,
    commission,
    container,
    Gtin,
    licensePharmacist,
    LotNumber,
    sscc,
    supplyWorld,
    transfer,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { sgtinUri, ssccUri } from './gs1';
import type { ContainerHistory, UnitHistory } from './history';
import type { Holding, LotWhereabouts, SupplyStep, Unit } from './types';

/**
 * One unit's journey: manufacturer → (case) → distributor → hospital, dispensed; a second
 * unit stays with the distributor; a third with the manufacturer.
 */
describe('chain of custody', () => {
    let w: SupplyWorld;
    beforeAll(async () => {
        w = await supplyWorld();
        await commission(w, ['U1', 'U2', 'U3']);
        await call(w, w.manufacturer, 'Pack', { sscc: sscc(1), children: [unit('U1'), unit('U2')] });
        await transfer(w, [container(1)], w.manufacturer, w.distributor);
        await call(w, w.distributor, 'Unpack', { sscc: sscc(1), children: [unit('U1')] });
        await transfer(w, [unit('U1')], w.distributor, w.hospital);
        await call(w, w.hospital, 'supply-safety:RecordVerification', {
            product: { gtin: Gtin, serial: 'U1', lot: LotNumber },
            context: 'dscsaSaleableReturn',
        });
        await licensePharmacist(w);
        await w.h.submit(w.pharmacist, 'supply:Dispense', [JSON.stringify(unit('U1'))]);
    });
    const evaluate = async <T>(who: Parameters<typeof call>[1], fn: string, args: string[]) =>
        (await w.h.evaluate(who, `supply-trace:${fn}`, args)).json<T>();
    const u1 = JSON.stringify(unit('U1'));

    it('the regulator reads a unit’s whole chain, oldest first, projected on the unit', async () => {
        const history = await evaluate<UnitHistory>(w.regulator, 'GetUnitHistory', [u1]);
        expect(history.steps.map((s) => [s.kind, s.from, s.to, s.actor.mspId])).toEqual([
            ['commission', undefined, undefined, 'ManufacturerMSP'],
            ['pack', undefined, undefined, 'ManufacturerMSP'],
            ['ship', 'ManufacturerMSP', 'DistributorMSP', 'ManufacturerMSP'],
            ['receive', 'ManufacturerMSP', 'DistributorMSP', 'DistributorMSP'],
            ['unpack', undefined, undefined, 'DistributorMSP'],
            ['ship', 'DistributorMSP', 'HospitalMSP', 'DistributorMSP'],
            ['receive', 'DistributorMSP', 'HospitalMSP', 'HospitalMSP'],
            ['dispense', undefined, undefined, 'HospitalMSP'],
        ]);
        const self = sgtinUri(Gtin, 'U1');
        expect(history.steps[0].epcs).toEqual([self]);
        // The packing step shows this unit, not its case-mate; the case shipment shows the case.
        expect(history.steps[1]).toMatchObject({ epcs: [self], parent: ssccUri(sscc(1)) });
        expect(history.steps[2].epcs).toEqual([ssccUri(sscc(1))]);
        expect(history.steps.every((s) => s.lots.length === 1 && s.lots[0].quantity === 1)).toBe(true);
        expect(history.steps.every((s) => typeof s.txId === 'string' && s.at === '2026-01-01T00:00:00.000Z')).toBe(
            true,
        );
        expect(history.current).toMatchObject({ status: 'dispensed', custodian: 'HospitalMSP' });
        expect(history.verifications).toHaveLength(1);
    });

    it('a trading partner reads up to its own last step (its shipment’s receipt), never where the unit went after', async () => {
        const distributor = await evaluate<UnitHistory>(w.distributor, 'GetUnitHistory', [u1]);
        expect(distributor.steps.map((s) => s.kind)).toEqual([
            'commission',
            'pack',
            'ship',
            'receive',
            'unpack',
            'ship',
            'receive',
        ]);
        expect(distributor.current).toBeUndefined();
        expect(distributor.verifications).toEqual([]);
        const manufacturer = await evaluate<UnitHistory>(w.manufacturer, 'GetUnitHistory', [u1]);
        expect(manufacturer.steps.map((s) => s.kind)).toEqual(['commission', 'pack', 'ship', 'receive']);
        const hospital = await evaluate<UnitHistory>(w.hospital, 'GetUnitHistory', [u1]);
        expect(hospital.steps).toHaveLength(8);
        expect(hospital.verifications).toHaveLength(1);
    });

    it('an org that never handled the unit may not read its history', async () => {
        await expect(evaluate(w.hospital, 'GetUnitHistory', [JSON.stringify(unit('U3'))])).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        await expect(evaluate(w.hospital, 'GetUnitHistory', [JSON.stringify(unit('NOPE'))])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });

    it('a container’s history is its own steps', async () => {
        const history = await evaluate<ContainerHistory>(w.regulator, 'GetContainerHistory', [`(00)${sscc(1)}`]);
        expect(history.steps.map((s) => s.kind)).toEqual(['pack', 'ship', 'receive', 'unpack']);
        expect(history.current).toMatchObject({ custodian: 'DistributorMSP', children: [sgtinUri(Gtin, 'U2')] });
        const hospital = evaluate(w.hospital, 'GetContainerHistory', [`(00)${sscc(1)}`]);
        await expect(hospital).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(evaluate(w.regulator, 'GetContainerHistory', [`(00)${sscc(2)}`])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });

    it('current custody is for the regulator, the custodian and the destination', async () => {
        expect(await evaluate<Unit>(w.distributor, 'GetUnit', [JSON.stringify(unit('U2'))])).toMatchObject({
            custodian: 'DistributorMSP',
            parent: sscc(1),
        });
        expect(await evaluate<Unit>(w.regulator, 'GetUnit', [`(01)${Gtin}(21)U2`])).toMatchObject({
            custodian: 'DistributorMSP',
        });
        await expect(evaluate(w.manufacturer, 'GetUnit', [JSON.stringify(unit('U2'))])).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        expect(await evaluate(w.distributor, 'GetContainer', [JSON.stringify(container(1))])).toMatchObject({
            sscc: sscc(1),
        });
        await expect(evaluate(w.hospital, 'GetContainer', [JSON.stringify(container(1))])).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        await expect(evaluate(w.hospital, 'GetContainer', [JSON.stringify(unit('U2'))])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'item',
        });
    });

    it('the regulator reads a lot’s whole history page by page; commissioning lists its serials', async () => {
        const first = await evaluate<Page<SupplyStep>>(w.regulator, 'GetLotHistory', [Gtin, LotNumber, '4', '']);
        expect(first.items).toHaveLength(4);
        expect(first.bookmark).not.toBe('');
        const rest = await evaluate<Page<SupplyStep>>(w.regulator, 'GetLotHistory', [
            Gtin,
            LotNumber,
            '50',
            first.bookmark,
        ]);
        const all = [...first.items, ...rest.items];
        expect(all.map((s) => s.kind).sort()).toEqual([
            'commission',
            'dispense',
            'pack',
            'receive',
            'receive',
            'ship',
            'ship',
            'unpack',
        ]);
        expect(rest.bookmark).toBe('');
        const commissioning = all.find((s) => s.kind === 'commission')!;
        expect(commissioning.epcs).toEqual(['U1', 'U2', 'U3'].map((s) => sgtinUri(Gtin, s)));
    });

    it('a partner reads the lot steps it took part in', async () => {
        const page = await evaluate<Page<SupplyStep>>(w.hospital, 'GetLotHistory', [Gtin, LotNumber, '', '']);
        expect(page.items.map((s) => s.kind).sort()).toEqual(['dispense', 'receive', 'ship']);
        const manufacturer = await evaluate<Page<SupplyStep>>(w.manufacturer, 'GetLotHistory', [
            Gtin,
            LotNumber,
            '',
            '',
        ]);
        expect(manufacturer.items.map((s) => s.kind).sort()).toEqual(['commission', 'pack', 'receive', 'ship']);
        await expect(evaluate(w.hospital, 'GetLotHistory', [Gtin, LotNumber, '1000', ''])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'pageSize',
        });
    });

    it('the regulator counts where every unit of the lot is now', async () => {
        const whereabouts = await evaluate<LotWhereabouts>(w.regulator, 'GetLotWhereabouts', [Gtin, LotNumber]);
        expect(whereabouts).toEqual({
            gtin: Gtin,
            lot: LotNumber,
            total: 3,
            byCustodian: [
                { custodian: 'DistributorMSP', status: 'active', count: 1 },
                { custodian: 'HospitalMSP', status: 'dispensed', count: 1 },
                { custodian: 'ManufacturerMSP', status: 'active', count: 1 },
            ],
        });
        await expect(evaluate(w.manufacturer, 'GetLotWhereabouts', [Gtin, LotNumber])).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        await expect(evaluate(w.regulator, 'GetLotWhereabouts', [Gtin, 'NONE'])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });

    it('holdings: the regulator lists anyone’s, a partner its own', async () => {
        const all = await evaluate<Page<Holding>>(w.regulator, 'ListHoldings', [Gtin, LotNumber, '', '', '']);
        expect(all.items.map((item) => `${item.custodian}:${item.serial}:${item.status}`)).toEqual([
            'DistributorMSP:U2:active',
            'HospitalMSP:U1:dispensed',
            'ManufacturerMSP:U3:active',
        ]);
        const own = await evaluate<Page<Holding>>(w.distributor, 'ListHoldings', [Gtin, LotNumber, '', '', '']);
        expect(own.items.map((item) => item.serial)).toEqual(['U2']);
        await expect(
            evaluate(w.distributor, 'ListHoldings', [Gtin, LotNumber, 'HospitalMSP', '', '']),
        ).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        const hospital = await evaluate<Page<Holding>>(w.regulator, 'ListHoldings', [
            Gtin,
            LotNumber,
            'HospitalMSP',
            '1',
            '',
        ]);
        expect(hospital.items).toEqual([
            { gtin: Gtin, lot: LotNumber, serial: 'U1', custodian: 'HospitalMSP', status: 'dispensed' },
        ]);
    });

    it('trade data is for trading roles: a hospital’s patient, physician and nurse read none of its supply history (#17)', async () => {
        // HospitalMSP received and dispensed U1; its trading roles (pharmacist, admin) read their part.
        const history = await evaluate<UnitHistory>(w.regulator, 'GetUnitHistory', [u1]);
        const toHospital = history.steps.find((s) => s.kind === 'ship' && s.to === 'HospitalMSP')!.txId;
        const pharmacist = await evaluate<UnitHistory>(w.pharmacist, 'GetUnitHistory', [u1]);
        expect(pharmacist.steps.at(-1)?.kind).toBe('dispense');
        expect(
            (await evaluate<Page<SupplyStep>>(w.hospital, 'GetLotHistory', [Gtin, LotNumber, '', ''])).items,
        ).not.toEqual([]);
        expect(await evaluate<SupplyStep>(w.pharmacist, 'GetShipment', [toHospital])).toMatchObject({
            to: 'HospitalMSP',
        });
        const others = [
            w.physician,
            w.h.identity({ mspId: 'HospitalMSP', role: 'nurse', actorId: 'prac-nurse-1' }),
            w.h.identity({ mspId: 'HospitalMSP', role: 'patient', actorId: 'pat-supply-1' }),
        ];
        for (const who of others) {
            for (const [fn, args] of [
                ['GetUnitHistory', [u1]],
                ['GetUnit', [u1]],
                ['GetLotHistory', [Gtin, LotNumber, '', '']],
                ['ListHoldings', [Gtin, LotNumber, '', '', '']],
                ['GetShipment', [toHospital]],
                ['supply-safety:ListOpenSuspicions', ['', '']],
            ] as const) {
                const name = fn.includes(':') ? fn : `supply-trace:${fn}`;
                await expect(w.h.evaluate(who, name, [...args])).rejects.toMatchObject({ code: 'FORBIDDEN' });
            }
            // The lot itself, with its recall and suspicion status, stays public to every member.
            expect((await w.h.evaluate(who, 'supply-trace:GetLot', [Gtin, LotNumber])).json()).toMatchObject({
                gtin: Gtin,
                lot: LotNumber,
            });
        }
    });

    it('a shipment is readable by its parties and the regulator', async () => {
        const history = await evaluate<UnitHistory>(w.regulator, 'GetUnitHistory', [u1]);
        const shipment = history.steps[2].txId;
        expect(await evaluate<SupplyStep>(w.distributor, 'GetShipment', [shipment])).toMatchObject({
            kind: 'ship',
            epcs: [ssccUri(sscc(1))],
        });
        expect(await evaluate<SupplyStep>(w.regulator, 'GetShipment', [shipment])).toMatchObject({
            from: 'ManufacturerMSP',
        });
        await expect(evaluate(w.hospital, 'GetShipment', [shipment])).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(evaluate(w.regulator, 'GetShipment', [history.steps[3].txId])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });
});
