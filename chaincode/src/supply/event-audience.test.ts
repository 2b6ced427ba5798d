import { commission, Gtin, LotNumber, supplyWorld, unit, type SupplyWorld } from '../../../test/fixtures/supply';
import type { HarnessResult } from '../../../test/harness';
import { mayReceiveSupplyEvent } from './event-audience';

/**
 * Supply events on a gateway's stream follow the trade-data rule (#17): public notices for every
 * member, every other step for the regulator and the trading roles of the orgs that took part —
 * never a hospital's patients or clinicians. Payloads are the chaincode's own events.
 */
describe('supply event audience', () => {
    let w: SupplyWorld;
    const events: Record<string, NonNullable<HarnessResult['event']>> = {};
    const keep = (label: string, result: HarnessResult) => {
        events[label] = result.event!;
    };

    beforeAll(async () => {
        w = await supplyWorld();
        keep('commission', await commission(w, ['E1', 'E2']));
        keep(
            'ship',
            await w.h.submit(w.manufacturer, 'supply:Ship', [
                JSON.stringify({ items: [unit('E1')], to: 'HospitalMSP' }),
            ]),
        );
        keep('receive', await w.h.submit(w.pharmacist, 'supply:Receive', [JSON.stringify({ items: [unit('E1')] })]));
        keep(
            'recall',
            await w.h.submit(w.manufacturer, 'supply-safety:RecallLot', [
                JSON.stringify({ gtin: Gtin, lot: LotNumber, recallClass: 'II', reason: 'labelling' }),
            ]),
        );
    });

    const receives = (who: { mspId: string; role: string }, label: string) =>
        mayReceiveSupplyEvent(who, events[label].name, events[label].payload);
    const hospital = (role: string) => ({ mspId: 'HospitalMSP', role });

    it('gives the hospital’s trading roles the steps it took part in, its patients and clinicians none', () => {
        for (const label of ['ship', 'receive']) {
            expect(
                ['pharmacist', 'admin', 'physician', 'nurse', 'patient'].map((r) => receives(hospital(r), label)),
            ).toEqual([true, true, false, false, false]);
        }
        // Commissioning was the manufacturer's alone: not the hospital's, not the distributor's.
        expect(receives(hospital('pharmacist'), 'commission')).toBe(false);
        expect(receives({ mspId: 'DistributorMSP', role: 'operator' }, 'ship')).toBe(false);
        expect(receives({ mspId: 'ManufacturerMSP', role: 'operator' }, 'commission')).toBe(true);
        expect(receives({ mspId: 'RegulatorMSP', role: 'inspector' }, 'commission')).toBe(true);
        expect(receives({ mspId: 'RegulatorMSP', role: 'admin' }, 'receive')).toBe(true);
    });

    it('gives every member the public notices (a recall), and leaves other events to their own rules', () => {
        expect(events.recall.name).toBe('supply.LotRecalled');
        for (const role of ['patient', 'physician', 'pharmacist']) {
            expect(receives(hospital(role), 'recall')).toBe(true);
        }
        expect(mayReceiveSupplyEvent(hospital('patient'), 'ehr.RecordRegistered', {})).toBe(true);
        expect(mayReceiveSupplyEvent(hospital('patient'), 'system.Pinged', {})).toBe(true);
    });
});
