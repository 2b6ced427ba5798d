import { RegulatorMsp, type Caller } from '../common';

/**
 * Who may read lists and trails without being the patient. Regulators oversee everything but
 * never documents; an org's own staff see what their org holds.
 */
export function isRegulatorInspector(who: Caller): boolean {
    return who.mspId === RegulatorMsp && who.role === 'inspector';
}

/** A clinician or administrator of `mspId`. */
export function isStaffOf(who: Caller, mspId: string): boolean {
    return who.mspId === mspId && (who.role === 'physician' || who.role === 'nurse' || who.role === 'admin');
}
