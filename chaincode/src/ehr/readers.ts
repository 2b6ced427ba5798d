import type { Context } from 'fabric-contract-api';
import { RegulatorMsp, type Caller } from '../common';
import { speaksForPatient } from './patients';

/**
 * Who may read lists and trails without being the patient. Regulators oversee everything but
 * never documents; an org's own staff see what their org holds.
 */
/** Who a reader rule looks at: the certificate's MSP and `careledger.role` (the history index passes the same). */
export type EhrRoleHolder = Pick<Caller, 'mspId'> & { role?: string };

export function isRegulatorInspector(who: EhrRoleHolder): boolean {
    return who.mspId === RegulatorMsp && who.role === 'inspector';
}

/** A clinician or administrator of `mspId`. */
export function isStaffOf(who: EhrRoleHolder, mspId: string): boolean {
    return who.mspId === mspId && (who.role === 'physician' || who.role === 'nurse' || who.role === 'admin');
}

/** The patient (or a delegate), the custodian's staff and regulators may read a pointer; never its location. */
export async function mayReadPointer(
    ctx: Context,
    who: Caller,
    record: { custodianMsp: string; patientId: string },
): Promise<boolean> {
    return (
        isStaffOf(who, record.custodianMsp) ||
        isRegulatorInspector(who) ||
        (await speaksForPatient(ctx, record.patientId))
    );
}
