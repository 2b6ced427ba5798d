import {
    call,
    commission,
    expectRejected,
    Gtin,
    licensePharmacist,
    sscc,
    supplyWorld,
    transfer,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { sgtinUri } from './gs1';
import type { SupplyStep, Unit } from './types';

describe('dispensing and decommissioning', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
        await commission(w, ['U1', 'U2', 'U3']);
        await transfer(w, [unit('U1'), unit('U2'), unit('U3')], w.manufacturer, w.hospital);
    });
    const getUnit = (serial: string) => w.h.getState<Unit>(w.h.key('supply.unit', Gtin, serial))!;
    const dispense = (item: unknown, who = w.pharmacist) =>
        w.h.submit(who, 'supply:Dispense', [typeof item === 'string' ? item : JSON.stringify(item)]);

    it('a licensed pharmacist of the holding dispenser dispenses a unit, recording no patient', async () => {
        await licensePharmacist(w);
        const r = await dispense(`(01)${Gtin}(17)291231(10)LOT-A1(21)U1`);
        const step = r.json<SupplyStep>();
        expect(step).toMatchObject({
            kind: 'dispense',
            bizStep: 'dispensing',
            disposition: 'dispensed',
            actor: { mspId: 'HospitalMSP', actorId: 'prac-pharm-1' },
            epcs: [sgtinUri(Gtin, 'U1')],
        });
        expect(r.event?.name).toBe('supply.Dispensed');
        expect(getUnit('U1')).toMatchObject({ status: 'dispensed', dispensedAt: '2026-01-01T00:00:00.000Z' });
        expect(w.h.getState(w.h.key('supply.holding', Gtin, 'LOT-A1', 'HospitalMSP', 'U1'))).toEqual({
            status: 'dispensed',
        });
    });

    it('a dispensed unit never moves again', async () => {
        await licensePharmacist(w);
        await dispense(unit('U1'));
        await expectRejected(w.h, () => dispense(unit('U1')), { code: 'CONFLICT', field: 'item' });
        await expectRejected(w.h, () => call(w, w.hospital, 'Ship', { items: [unit('U1')], to: 'DistributorMSP' }), {
            code: 'CONFLICT',
        });
        await expectRejected(w.h, () => call(w, w.hospital, 'Pack', { sscc: sscc(1), children: [unit('U1')] }), {
            code: 'CONFLICT',
        });
        await expectRejected(w.h, () => call(w, w.hospital, 'Decommission', { item: unit('U1'), reason: 'damaged' }), {
            code: 'CONFLICT',
        });
        await expectRejected(
            w.h,
            () => call(w, w.hospital, 'supply-safety:Quarantine', { item: unit('U1'), reason: 'x' }),
            {
                code: 'CONFLICT',
            },
        );
    });

    it('requires a valid PharmacistLicense', async () => {
        await expectRejected(w.h, () => dispense(unit('U1')), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('requires a valid PharmacistLicense'),
        });
    });

    it('requires a pharmacist of a dispenser that holds the unit', async () => {
        await licensePharmacist(w);
        await expectRejected(w.h, () => dispense(unit('U1'), w.hospital), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('pharmacist'),
        });
        await expectRejected(w.h, () => dispense(unit('U1'), w.physician), { code: 'FORBIDDEN' });
        const distributorPharmacist = w.h.identity({ mspId: 'DistributorMSP', role: 'pharmacist', actorId: 'prac-d' });
        await expectRejected(w.h, () => dispense(unit('U1'), distributorPharmacist), {
            code: 'FORBIDDEN',
            detail: expect.stringContaining('requires a dispenser'),
        });
        const fresh = await supplyWorld();
        await commission(fresh, ['M1']);
        await licensePharmacist(fresh);
        await expectRejected(
            fresh.h,
            () => fresh.h.submit(fresh.pharmacist, 'supply:Dispense', [JSON.stringify(unit('M1'))]),
            {
                code: 'FORBIDDEN',
                detail: expect.stringContaining('only ManufacturerMSP, the custodian'),
            },
        );
    });

    it('refuses packed, quarantined and recalled units', async () => {
        await licensePharmacist(w);
        await call(w, w.hospital, 'Pack', { sscc: sscc(1), children: [unit('U1')] });
        await expectRejected(w.h, () => dispense(unit('U1')), { code: 'CONFLICT', field: 'item' });
        await call(w, w.hospital, 'supply-safety:Quarantine', { item: unit('U2'), reason: 'discoloured' });
        await expectRejected(w.h, () => dispense(unit('U2')), { code: 'CONFLICT', field: 'item' });
        await call(w, w.regulator, 'supply-safety:RecallLot', {
            gtin: Gtin,
            lot: 'LOT-A1',
            recallClass: 'I',
            reason: 'sterility',
        });
        await expectRejected(w.h, () => dispense(unit('U3')), {
            code: 'CONFLICT',
            detail: expect.stringContaining('recalled'),
        });
    });

    it('refuses an expired unit', async () => {
        await w.h.submit(w.manufacturer, 'supply:RegisterLot', [
            JSON.stringify({ gtin: Gtin, lot: 'SHORT', expiry: '260131', quantity: 1 }),
        ]);
        await commission(w, ['E1'], 'SHORT');
        await transfer(w, [unit('E1')], w.manufacturer, w.hospital);
        w.h.setTime('2026-02-01T00:00:00Z');
        await licensePharmacist(w);
        await expectRejected(w.h, () => dispense(unit('E1')), {
            code: 'CONFLICT',
            detail: expect.stringContaining('expired'),
        });
    });

    it('rejects a malformed item and an unknown unit', async () => {
        await licensePharmacist(w);
        await expectRejected(w.h, () => dispense('(01)09506000134353(21)U1'), {
            code: 'INVALID_ARGUMENT',
            field: 'item.gtin',
        });
        await expectRejected(w.h, () => dispense(`(00)${sscc(1)}`), { code: 'INVALID_ARGUMENT', field: 'item' });
        await expectRejected(w.h, () => dispense(unit('NOPE')), { code: 'NOT_FOUND' });
    });

    it('the custodian decommissions a unit for a reason, mapped to its CBV disposition', async () => {
        const destroyed = await call(w, w.hospital, 'Decommission', { item: unit('U1'), reason: 'destroyed' });
        expect(destroyed).toMatchObject({
            kind: 'decommission',
            action: 'DELETE',
            bizStep: 'destroying',
            disposition: 'destroyed',
            reason: 'destroyed',
        });
        const damaged = await call(w, w.hospital, 'Decommission', { item: unit('U2'), reason: 'damaged' });
        expect(damaged).toMatchObject({ bizStep: 'decommissioning', disposition: 'damaged' });
        expect(getUnit('U2')).toMatchObject({
            status: 'decommissioned',
            decommission: { reason: 'damaged', by: 'HospitalMSP' },
        });
        await expectRejected(w.h, () => call(w, w.hospital, 'Ship', { items: [unit('U2')], to: 'DistributorMSP' }), {
            code: 'CONFLICT',
        });
    });

    it('decommissioning: only the custodian, a known reason, not while suspect, not in transit', async () => {
        await expectRejected(
            w.h,
            () => call(w, w.distributor, 'Decommission', { item: unit('U1'), reason: 'damaged' }),
            { code: 'FORBIDDEN' },
        );
        await expectRejected(w.h, () => call(w, w.hospital, 'Decommission', { item: unit('U1'), reason: 'lost' }), {
            code: 'INVALID_ARGUMENT',
            field: 'decommission.reason',
        });
        await call(w, w.hospital, 'supply-safety:Quarantine', { item: unit('U1'), reason: 'tampered' });
        await expectRejected(
            w.h,
            () => call(w, w.hospital, 'Decommission', { item: unit('U1'), reason: 'destroyed' }),
            {
                code: 'CONFLICT',
                detail: expect.stringContaining('quarantined as suspect'),
            },
        );
        await call(w, w.hospital, 'Ship', { items: [unit('U2')], to: 'DistributorMSP' });
        await expectRejected(w.h, () => call(w, w.hospital, 'Decommission', { item: unit('U2'), reason: 'damaged' }), {
            code: 'CONFLICT',
        });
    });
});
