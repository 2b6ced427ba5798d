import { isRegulatorInspector, isStaffOf, supply } from '@careledger/chaincode';
import { requireKeyVisible, scopeOf, seesTradeData, visibleRows, type Subject, type Viewer } from './policy';

/**
 * The history index decides who sees which rows with the chaincode's own rules (#17): supply
 * trade data for the regulator and trading roles (supply.mayReadTradeData), EHR access trails for
 * the regulator's inspectors, an org's staff and the patient (isRegulatorInspector, isStaffOf).
 * Every role of every org is tried against every subject.
 */
const orgs = ['HospitalMSP', 'ManufacturerMSP', 'DistributorMSP', 'RegulatorMSP'];
const roles = ['admin', 'physician', 'nurse', 'pharmacist', 'operator', 'inspector', 'patient'];
const viewers: Viewer[] = orgs.flatMap((mspId) => roles.map((role) => ({ mspId, role, actorId: `${role}-1` })));

function sees(viewer: Viewer, subject: Subject): boolean {
    try {
        visibleRows(scopeOf(viewer), subject, []);
        return true;
    } catch (error) {
        expect(error).toMatchObject({ code: 'FORBIDDEN' });
        return false;
    }
}

describe('history index policy', () => {
    it('shows supply trade data (custody, lots, recall reach, suspect cases) exactly to whom the chaincode shows it', () => {
        for (const viewer of viewers) {
            const ledger = viewer.role !== 'patient' && supply.mayReadTradeData(viewer);
            expect({ viewer, supply: sees(viewer, 'supply'), cases: sees(viewer, 'suspectCases') }).toEqual({
                viewer,
                supply: ledger,
                cases: ledger,
            });
            expect(seesTradeData(scopeOf(viewer))).toBe(ledger);
        }
        // Spelled out for the hospital: its pharmacist and admin trade; its clinicians and patients do not.
        const hospital = (role: string) => sees({ mspId: 'HospitalMSP', role, actorId: 'x' }, 'supply');
        expect(['pharmacist', 'admin', 'physician', 'nurse', 'patient'].map(hospital)).toEqual([
            true,
            true,
            false,
            false,
            false,
        ]);
    });

    it('shows EHR access trails to the regulator’s inspectors, an org’s staff and the patient, as the ledger does', () => {
        for (const viewer of viewers) {
            const ledger = viewer.role === 'patient' || isRegulatorInspector(viewer) || isStaffOf(viewer, viewer.mspId);
            expect({ viewer, audit: sees(viewer, 'audit') }).toEqual({ viewer, audit: ledger });
        }
        expect(sees({ mspId: 'HospitalMSP', role: 'pharmacist', actorId: 'x' }, 'audit')).toBe(false);
        expect(sees({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'x' }, 'audit')).toBe(false);
        expect(sees({ mspId: 'RegulatorMSP', role: 'inspector', actorId: 'x' }, 'audit')).toBe(true);
        // The regulator's admin is staff of its own org: the rows by or to RegulatorMSP, not every patient's trail.
        const params: unknown[] = [];
        expect(visibleRows(scopeOf({ mspId: 'RegulatorMSP', role: 'admin', actorId: 'x' }), 'audit', params)).not.toBe(
            'TRUE',
        );
        expect(params).toEqual(['RegulatorMSP']);
    });

    it('reads a key’s value under the object’s own rule: supply keys are trade data, EHR keys for inspectors', () => {
        const mayRead = (viewer: Viewer, objectType: string) => {
            try {
                requireKeyVisible(scopeOf(viewer), objectType);
                return true;
            } catch (error) {
                expect(error).toMatchObject({ code: 'FORBIDDEN' });
                return false;
            }
        };
        const hospital = (role: string): Viewer => ({ mspId: 'HospitalMSP', role, actorId: 'x' });
        expect(['pharmacist', 'admin', 'nurse', 'physician'].map((r) => mayRead(hospital(r), 'supply.unit'))).toEqual([
            true,
            true,
            false,
            false,
        ]);
        // A patient's consent is written by the patient's own transaction (HospitalMSP): not the hospital staff's to read.
        for (const role of ['nurse', 'physician', 'admin', 'pharmacist']) {
            expect(mayRead(hospital(role), 'ehr.consent')).toBe(false);
            expect(mayRead(hospital(role), 'ehr.audit')).toBe(false);
        }
        expect(mayRead({ mspId: 'RegulatorMSP', role: 'inspector' }, 'ehr.consent')).toBe(true);
        expect(mayRead({ mspId: 'RegulatorMSP', role: 'admin' }, 'ehr.record')).toBe(false);
        expect(mayRead(hospital('nurse'), 'credentials.credential')).toBe(true);
    });

    it('limits an org scope to its own rows and a patient to their own trail', () => {
        const params: unknown[] = [];
        expect(visibleRows(scopeOf({ mspId: 'HospitalMSP', role: 'pharmacist' }), 'supply', params)).toContain('$1');
        expect(params).toEqual(['HospitalMSP']);
        const patient: unknown[] = [];
        expect(
            visibleRows(scopeOf({ mspId: 'HospitalMSP', role: 'patient', actorId: 'pat-1' }), 'audit', patient),
        ).toBe(`a.doc->'entity'->>'patientId' = $1`);
        expect(patient).toEqual(['pat-1']);
        expect(sees({ mspId: 'HospitalMSP', role: 'patient', actorId: 'pat-1' }, 'transactions')).toBe(false);
    });
});
