import type { Page } from '../common';
import {
    call,
    commission,
    expectRejected,
    Gtin,
    licensePharmacist,
    LotNumber,
    supplyWorld,
    transfer,
    unit,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import type { Lot, OpenSuspicion, Unit, VerificationResult } from './types';

describe('recalls and suspect products', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
        await commission(w, ['U1', 'U2', 'U3']);
        await transfer(w, [unit('U1'), unit('U2')], w.manufacturer, w.distributor);
    });
    const getUnit = (serial: string) => w.h.getState<Unit>(w.h.key('supply.unit', Gtin, serial))!;
    const getLot = () => w.h.getState<Lot>(w.h.key('supply.lot', Gtin, LotNumber))!;
    const safety = (who: Parameters<typeof call>[1], fn: string, input: unknown) =>
        call(w, who, `supply-safety:${fn}`, input);
    const verify = async (serial: string) =>
        (
            await w.h.evaluate(w.pharmacist, 'supply-safety:VerifyProduct', [JSON.stringify({ gtin: Gtin, serial })])
        ).json<VerificationResult>();
    const recall = { gtin: Gtin, lot: LotNumber, recallClass: 'I', reason: 'microbial contamination' };

    describe('recall', () => {
        it('the manufacturer recalls a lot: every unit answers Recalled, wherever it is', async () => {
            const r = await w.h.submit(w.manufacturer, 'supply-safety:RecallLot', [JSON.stringify(recall)]);
            expect(r.event?.name).toBe('supply.LotRecalled');
            expect(r.json()).toMatchObject({
                kind: 'recall',
                bizStep: 'holding',
                disposition: 'recalled',
                recallClass: 'I',
                epcs: [],
                lots: [{ gtin: Gtin, lot: LotNumber, expiry: '291231', quantity: 3 }],
            });
            expect(getLot().recall).toMatchObject({
                recallClass: 'I',
                reason: 'microbial contamination',
                by: 'ManufacturerMSP',
                txId: r.txId,
            });
            for (const serial of ['U1', 'U3']) {
                expect(await verify(serial)).toMatchObject({ verified: true, additionalInfo: 'Recalled' });
            }
        });

        it('the regulator recalls too; a lot is recalled once', async () => {
            await safety(w.regulator, 'RecallLot', { ...recall, recallClass: 'II' });
            await expectRejected(w.h, () => safety(w.manufacturer, 'RecallLot', recall), {
                code: 'CONFLICT',
                field: 'recall.lot',
            });
        });

        it('no one else recalls', async () => {
            for (const who of [w.distributor, w.hospital, w.pharmacist, w.physician]) {
                await expectRejected(w.h, () => safety(who, 'RecallLot', recall), { code: 'FORBIDDEN' });
            }
        });

        it.each([
            ['recall.recallClass', { recallClass: 'IV' }],
            ['recall.reason', { reason: '' }],
            ['recall.reason', { reason: 'x'.repeat(501) }],
            ['recall.gtin', { gtin: '09506000134353' }],
        ])('rejects an invalid %s', async (field, override) => {
            await expectRejected(w.h, () => safety(w.manufacturer, 'RecallLot', { ...recall, ...override }), {
                code: 'INVALID_ARGUMENT',
                field,
            });
        });

        it('an unknown lot is NOT_FOUND', async () => {
            await expectRejected(w.h, () => safety(w.manufacturer, 'RecallLot', { ...recall, lot: 'NONE' }), {
                code: 'NOT_FOUND',
            });
        });
    });

    describe('quarantine', () => {
        it('the custodian quarantines a unit: it answers Suspect and records when', async () => {
            w.h.setTime('2026-03-01T10:00:00Z');
            const r = await w.h.submit(w.distributor, 'supply-safety:Quarantine', [
                JSON.stringify({ item: unit('U1'), reason: 'seal broken' }),
            ]);
            expect(r.event?.name).toBe('supply.Quarantined');
            expect(r.json()).toMatchObject({
                kind: 'quarantine',
                bizStep: 'holding',
                disposition: 'non_sellable_other',
                reason: 'seal broken',
            });
            expect(getUnit('U1').suspect).toEqual({
                reason: 'seal broken',
                since: '2026-03-01T10:00:00.000Z',
                by: 'DistributorMSP',
                txId: r.txId,
            });
            expect(await verify('U1')).toMatchObject({ verified: true, additionalInfo: 'Suspect' });
            expect(await verify('U2')).toEqual(expect.not.objectContaining({ additionalInfo: expect.anything() }));
        });

        it('the org a unit is in transit to may quarantine it on arrival', async () => {
            await call(w, w.distributor, 'Ship', { items: [unit('U1')], to: 'HospitalMSP' });
            await safety(w.hospital, 'Quarantine', { item: unit('U1'), reason: 'crushed box' });
            expect(getUnit('U1').suspect?.by).toBe('HospitalMSP');
        });

        it('no one else quarantines a unit, and a unit is quarantined once', async () => {
            await expectRejected(w.h, () => safety(w.manufacturer, 'Quarantine', { item: unit('U1'), reason: 'x' }), {
                code: 'FORBIDDEN',
            });
            await expectRejected(w.h, () => safety(w.hospital, 'Quarantine', { item: unit('U1'), reason: 'x' }), {
                code: 'FORBIDDEN',
            });
            await safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'x' });
            await expectRejected(w.h, () => safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'y' }), {
                code: 'CONFLICT',
            });
        });

        it('a holder of some of its units, the manufacturer or the regulator quarantines a lot', async () => {
            await safety(w.distributor, 'Quarantine', { gtin: Gtin, lot: LotNumber, reason: 'counterfeit alert' });
            expect(getLot().suspect).toMatchObject({ by: 'DistributorMSP', reason: 'counterfeit alert' });
            expect(await verify('U3')).toMatchObject({ additionalInfo: 'Suspect' });
            await expectRejected(
                w.h,
                () => safety(w.regulator, 'Quarantine', { gtin: Gtin, lot: LotNumber, reason: 'again' }),
                { code: 'CONFLICT' },
            );

            const fresh = await supplyWorld();
            await commission(fresh, ['U1']);
            await fresh.h.submit(fresh.regulator, 'supply-safety:Quarantine', [
                JSON.stringify({ gtin: Gtin, lot: LotNumber, reason: 'FDA alert' }),
            ]);
            expect(fresh.h.getState<Lot>(fresh.h.key('supply.lot', Gtin, LotNumber))!.suspect?.by).toBe('RegulatorMSP');
        });

        it('an org holding none of a lot’s units cannot quarantine the lot', async () => {
            await expectRejected(
                w.h,
                () => safety(w.hospital, 'Quarantine', { gtin: Gtin, lot: LotNumber, reason: 'rumour' }),
                {
                    code: 'FORBIDDEN',
                },
            );
            await expectRejected(
                w.h,
                () => safety(w.physician, 'Quarantine', { gtin: Gtin, lot: LotNumber, reason: 'rumour' }),
                {
                    code: 'FORBIDDEN',
                },
            );
        });

        it.each([
            [{ item: unit('U1') }, 'quarantine.reason'],
            [{ item: unit('U1'), gtin: Gtin, lot: LotNumber, reason: 'x' }, 'quarantine'],
            [{ item: `(00)006141410000000012`, reason: 'x' }, 'quarantine.item'],
            [{ gtin: Gtin, reason: 'x' }, 'quarantine.lot'],
        ])('rejects %j naming %s', async (input, field) => {
            await expectRejected(w.h, () => safety(w.distributor, 'Quarantine', input), {
                code: 'INVALID_ARGUMENT',
                field,
            });
        });
    });

    describe('resolution', () => {
        it('the manufacturer clears a unit: it may move again', async () => {
            await safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'seal broken' });
            const cleared = await safety(w.manufacturer, 'ClearSuspicion', {
                item: unit('U1'),
                reason: 'seal re-inspected: intact',
            });
            expect(cleared).toMatchObject({ kind: 'clear', bizStep: 'inspecting', disposition: 'active' });
            expect(getUnit('U1').suspect).toBeUndefined();
            expect(w.h.keys('supply.openSuspect')).toEqual([]);
            await call(w, w.distributor, 'Ship', { items: [unit('U1')], to: 'HospitalMSP' });
        });

        it('the regulator clears a lot', async () => {
            await safety(w.distributor, 'Quarantine', { gtin: Gtin, lot: LotNumber, reason: 'alert' });
            await safety(w.regulator, 'ClearSuspicion', { gtin: Gtin, lot: LotNumber, reason: 'false alarm' });
            expect(getLot().suspect).toBeUndefined();
        });

        it('only the manufacturer or regulator resolves, and only an open suspicion', async () => {
            await expectRejected(
                w.h,
                () => safety(w.manufacturer, 'ClearSuspicion', { item: unit('U1'), reason: 'x' }),
                {
                    code: 'CONFLICT',
                    field: 'clearance',
                },
            );
            await safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'seal broken' });
            for (const fn of ['ClearSuspicion', 'ConfirmIllegitimate']) {
                await expectRejected(w.h, () => safety(w.distributor, fn, { item: unit('U1'), reason: 'x' }), {
                    code: 'FORBIDDEN',
                });
            }
        });

        it('confirming a unit illegitimate decommissions it, with the 24-hour notification deadline', async () => {
            w.h.setTime('2026-03-01T10:00:00Z');
            await safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'seal broken' });
            w.h.setTime('2026-03-02T08:00:00Z');
            const r = await w.h.submit(w.regulator, 'supply-safety:ConfirmIllegitimate', [
                JSON.stringify({ item: unit('U1'), reason: 'counterfeit' }),
            ]);
            expect(r.event?.name).toBe('supply.IllegitimateConfirmed');
            expect(r.json()).toMatchObject({
                kind: 'confirmIllegitimate',
                action: 'DELETE',
                bizStep: 'decommissioning',
            });
            expect(getUnit('U1')).toMatchObject({
                status: 'decommissioned',
                decommission: { reason: 'illegitimate', by: 'RegulatorMSP' },
                illegitimate: {
                    reason: 'counterfeit',
                    confirmedAt: '2026-03-02T08:00:00.000Z',
                    confirmedBy: 'RegulatorMSP',
                    suspectSince: '2026-03-01T10:00:00.000Z',
                    notifyBy: '2026-03-03T08:00:00.000Z',
                },
            });
            expect(getUnit('U1').suspect).toBeUndefined();
            expect(await verify('U1')).toMatchObject({
                verified: false,
                verificationFailureReason: 'Not_for_re-distribution',
                additionalInfo: 'Illegitimate',
            });
            await expectRejected(
                w.h,
                () => call(w, w.distributor, 'Ship', { items: [unit('U1')], to: 'HospitalMSP' }),
                { code: 'CONFLICT' },
            );
            await expectRejected(
                w.h,
                () => safety(w.manufacturer, 'ConfirmIllegitimate', { item: unit('U1'), reason: 'x' }),
                { code: 'CONFLICT' },
            );
        });

        it('a unit already dispensed stays dispensed when confirmed illegitimate, and answers Illegitimate', async () => {
            await transfer(w, [unit('U3')], w.manufacturer, w.hospital);
            await licensePharmacist(w);
            await w.h.submit(w.pharmacist, 'supply:Dispense', [JSON.stringify(unit('U3'))]);
            await safety(w.regulator, 'ConfirmIllegitimate', {
                item: unit('U3'),
                reason: 'counterfeit found in patient report',
            });
            expect(getUnit('U3')).toMatchObject({ status: 'dispensed', illegitimate: { confirmedBy: 'RegulatorMSP' } });
            expect(getUnit('U3').decommission).toBeUndefined();
            expect(await verify('U3')).toMatchObject({ verified: false, additionalInfo: 'Illegitimate' });
        });

        it('confirming a lot illegitimate stops all its units without rewriting them', async () => {
            await safety(w.manufacturer, 'ConfirmIllegitimate', {
                gtin: Gtin,
                lot: LotNumber,
                reason: 'diverted and tampered',
            });
            expect(getLot().illegitimate).toMatchObject({ confirmedBy: 'ManufacturerMSP' });
            expect(getLot().illegitimate?.suspectSince).toBeUndefined();
            expect(getUnit('U3').status).toBe('active');
            expect(await verify('U3')).toMatchObject({ additionalInfo: 'Illegitimate' });
            await expectRejected(
                w.h,
                () => call(w, w.manufacturer, 'Ship', { items: [unit('U3')], to: 'DistributorMSP' }),
                {
                    code: 'CONFLICT',
                    detail: expect.stringContaining('confirmed illegitimate'),
                },
            );
            await expectRejected(w.h, () => safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'x' }), {
                code: 'CONFLICT',
            });
            // Its holders may still destroy it.
            await call(w, w.distributor, 'Decommission', { item: unit('U1'), reason: 'destroyed' });
        });
    });

    describe('open suspicions (the 24-hour check)', () => {
        it('lists open investigations, overdue after 24 hours, to the regulator and the manufacturer', async () => {
            w.h.setTime('2026-03-01T10:00:00Z');
            await safety(w.distributor, 'Quarantine', { item: unit('U1'), reason: 'seal broken' });
            w.h.setTime('2026-03-02T09:00:00Z');
            await safety(w.manufacturer, 'Quarantine', { gtin: Gtin, lot: LotNumber, reason: 'alert' });
            w.h.setTime('2026-03-02T11:00:00Z');
            const page = (await w.h.evaluate(w.regulator, 'supply-safety:ListOpenSuspicions', ['', ''])).json<
                Page<OpenSuspicion>
            >();
            expect(page.items).toEqual([
                {
                    scope: 'lot',
                    gtin: Gtin,
                    lot: LotNumber,
                    reason: 'alert',
                    since: '2026-03-02T09:00:00.000Z',
                    by: 'ManufacturerMSP',
                    txId: expect.any(String),
                    overdue: false,
                },
                {
                    scope: 'unit',
                    gtin: Gtin,
                    lot: LotNumber,
                    serial: 'U1',
                    reason: 'seal broken',
                    since: '2026-03-01T10:00:00.000Z',
                    by: 'DistributorMSP',
                    txId: expect.any(String),
                    overdue: true,
                },
            ]);
            const manufacturerView = (
                await w.h.evaluate(w.manufacturer, 'supply-safety:ListOpenSuspicions', ['', ''])
            ).json<Page<OpenSuspicion>>();
            expect(manufacturerView.items).toHaveLength(2);
            const distributorView = (
                await w.h.evaluate(w.distributor, 'supply-safety:ListOpenSuspicions', ['', ''])
            ).json<Page<OpenSuspicion>>();
            expect(distributorView.items.map((s) => s.scope)).toEqual(['unit']);
            const hospitalView = (await w.h.evaluate(w.hospital, 'supply-safety:ListOpenSuspicions', ['', ''])).json<
                Page<OpenSuspicion>
            >();
            expect(hospitalView.items).toEqual([]);
        });
    });
});
