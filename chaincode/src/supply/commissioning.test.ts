import { ContractHarness } from '@careledger/testing';
import {
    commission,
    expectRejected,
    Gtin,
    LotNumber,
    OtherGtin,
    supplyWorld,
    type SupplyWorld,
} from '../../../test/fixtures/supply';
import { MaxCommissionBatch } from './limits';
import type { CommissionResult } from './commissioning';
import type { StepEventPayload, Unit } from './types';

describe('commissioning', () => {
    let w: SupplyWorld;
    beforeEach(async () => {
        w = await supplyWorld();
    });
    const batch = (fields: Record<string, unknown>) =>
        JSON.stringify({ gtin: Gtin, lot: LotNumber, serials: ['S1'], ...fields });

    it('creates active units at the manufacturer, indexed by lot and custodian, with one event', async () => {
        const r = await commission(w, ['S1', 'S2', 'S3']);
        const { batch: recorded, step } = r.json<CommissionResult>();
        expect(recorded).toEqual({
            gtin: Gtin,
            lot: LotNumber,
            count: 3,
            at: '2026-01-01T00:00:00.000Z',
            txId: r.txId,
        });
        expect(step).toMatchObject({
            kind: 'commission',
            eventType: 'ObjectEvent',
            action: 'ADD',
            bizStep: 'commissioning',
            disposition: 'active',
            actor: { mspId: 'ManufacturerMSP', actorId: 'op-mfr-1' },
            lots: [{ gtin: Gtin, lot: LotNumber, expiry: '291231', quantity: 3 }],
        });
        const unit = w.h.getState<Unit>(w.h.key('supply.unit', Gtin, 'S2'));
        expect(unit).toEqual({
            gtin: Gtin,
            serial: 'S2',
            lot: LotNumber,
            expiry: '291231',
            manufacturer: 'ManufacturerMSP',
            status: 'active',
            custodian: 'ManufacturerMSP',
            steps: 0,
            commissionedAt: '2026-01-01T00:00:00.000Z',
            commissionTxId: r.txId,
        });
        expect(w.h.keys('supply.holding')).toEqual(
            ['S1', 'S2', 'S3'].map((serial) => w.h.key('supply.holding', Gtin, LotNumber, 'ManufacturerMSP', serial)),
        );
        expect(w.h.getState(w.h.key('supply.batchSerials', Gtin, LotNumber, r.txId))).toEqual(['S1', 'S2', 'S3']);
        const event = r.event!;
        expect(event.name).toBe('supply.UnitsCommissioned');
        expect(event.payload as StepEventPayload).toMatchObject({ kind: 'commission', epcCount: 0, txId: r.txId });
    });

    it('accepts any serial of GS1 character set 82 up to 20 characters', async () => {
        await commission(w, ['A/b-1.2_3%"&', '12345678901234567890']);
        expect(w.h.getState(w.h.key('supply.unit', Gtin, 'A/b-1.2_3%"&'))).toMatchObject({ status: 'active' });
    });

    it('enforces the lot quantity across batches', async () => {
        const small = JSON.stringify({ gtin: Gtin, lot: 'SMALL', expiry: '291231', quantity: 3 });
        await w.h.submit(w.manufacturer, 'supply:RegisterLot', [small]);
        await commission(w, ['Q1', 'Q2'], 'SMALL');
        await expectRejected(w.h, () => commission(w, ['Q3', 'Q4'], 'SMALL'), {
            code: 'CONFLICT',
            field: 'batch.serials',
            detail: 'lot SMALL of 09506000134352 has 2 of 3 units commissioned; 2 more would exceed its quantity',
        });
        await commission(w, ['Q3'], 'SMALL');
    });

    it('never commissions a serial twice, in one batch or across batches', async () => {
        await commission(w, ['S1']);
        await expectRejected(w.h, () => commission(w, ['S2', 'S1']), { code: 'CONFLICT', field: 'batch.serials[1]' });
        await expectRejected(w.h, () => commission(w, ['S7', 'S8', 'S7']), {
            code: 'INVALID_ARGUMENT',
            field: 'batch.serials[2]',
            detail: 'repeats batch.serials[0]',
        });
    });

    it.each([
        [{ serials: [] }, 'batch.serials'],
        [{ serials: 'S1' }, 'batch.serials'],
        [{ serials: ['S 1'] }, 'batch.serials[0]'],
        [{ serials: ['S1', 'x'.repeat(21)] }, 'batch.serials[1]'],
        [{ gtin: '09506000134353' }, 'batch.gtin'],
        [{ lot: 'L#1' }, 'batch.lot'],
    ])('rejects %j naming %s', async (override, field) => {
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:CommissionUnits', [batch(override)]), {
            code: 'INVALID_ARGUMENT',
            field,
        });
    });

    it(`takes at most ${MaxCommissionBatch} serials per transaction`, async () => {
        const serials = Array.from({ length: MaxCommissionBatch + 1 }, (_, i) => `X${i}`);
        await expectRejected(w.h, () => w.h.submit(w.manufacturer, 'supply:CommissionUnits', [batch({ serials })]), {
            code: 'INVALID_ARGUMENT',
            field: 'batch.serials',
        });
    });

    it('needs a registered lot of a registered product', async () => {
        await expectRejected(
            w.h,
            () => w.h.submit(w.manufacturer, 'supply:CommissionUnits', [batch({ lot: 'NONE' })]),
            {
                code: 'NOT_FOUND',
            },
        );
        await expectRejected(
            w.h,
            () => w.h.submit(w.manufacturer, 'supply:CommissionUnits', [batch({ gtin: OtherGtin })]),
            {
                code: 'NOT_FOUND',
            },
        );
    });

    it('refuses recalled, suspect and expired lots', async () => {
        await w.h.submit(w.manufacturer, 'supply:RegisterLot', [
            JSON.stringify({ gtin: Gtin, lot: 'OLD', expiry: '260100', quantity: 5 }),
        ]);
        w.h.setTime('2026-02-01T00:00:00Z');
        await expectRejected(w.h, () => commission(w, ['E1'], 'OLD'), { code: 'CONFLICT', field: 'batch.lot' });

        await w.h.submit(w.manufacturer, 'supply-safety:Quarantine', [
            JSON.stringify({ gtin: Gtin, lot: LotNumber, reason: 'tamper report' }),
        ]);
        await expectRejected(w.h, () => commission(w, ['S9']), { code: 'CONFLICT', field: 'batch.lot' });

        await w.h.submit(w.manufacturer, 'supply:RegisterLot', [
            JSON.stringify({ gtin: Gtin, lot: 'R', expiry: '291231', quantity: 5 }),
        ]);
        await w.h.submit(w.manufacturer, 'supply-safety:RecallLot', [
            JSON.stringify({ gtin: Gtin, lot: 'R', recallClass: 'II', reason: 'label' }),
        ]);
        await expectRejected(w.h, () => commission(w, ['R1'], 'R'), { code: 'CONFLICT', field: 'batch.lot' });
    });

    it('only the manufacturer of the product commissions, and only an operator, pharmacist or admin', async () => {
        for (const who of [w.distributor, w.hospital, w.regulator, w.physician]) {
            await expectRejected(w.h, () => w.h.submit(who, 'supply:CommissionUnits', [batch({})]), {
                code: 'FORBIDDEN',
            });
        }
        const h = await ContractHarness.create();
        const regulator = h.identity({ mspId: 'RegulatorMSP', role: 'admin', actorId: 'reg' });
        const maker = h.identity({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'op-1' });
        const rival = h.identity({ mspId: 'DistributorMSP', role: 'operator', actorId: 'op-2' });
        for (const mspId of ['ManufacturerMSP', 'DistributorMSP']) {
            await h.submit(regulator, 'supply:AuthorizePartner', [JSON.stringify({ mspId, kind: 'manufacturer' })]);
        }
        await h.submit(maker, 'supply:RegisterProduct', [
            JSON.stringify({ gtin: Gtin, name: 'A', strength: '1 mg', dosageForm: 'tablet' }),
        ]);
        await h.submit(maker, 'supply:RegisterLot', [
            JSON.stringify({ gtin: Gtin, lot: LotNumber, expiry: '291231', quantity: 5 }),
        ]);
        await expectRejected(h, () => h.submit(rival, 'supply:CommissionUnits', [batch({})]), { code: 'FORBIDDEN' });
    });

    it('two batches racing into one lot cannot both pass the quantity check: the later one is invalidated', async () => {
        const results = await Promise.allSettled([commission(w, ['P1']), commission(w, ['P2'])]);
        // Both summed the lot's batch range; the second to commit finds a batch it did not see.
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
            code: 'MVCC_CONFLICT',
        });
    });
});
