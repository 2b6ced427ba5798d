import type { Context } from 'fabric-contract-api';
import { ClinicianRoles, ContractError, requireRole, type Caller, type Role } from '../common';
import { requireValidCredential } from '../credentials/gate';
import { RequiredCredential } from './codes';

/**
 * Clinicians and their credentials. Registering, amending and reading records needs a valid
 * licence at transaction time, asked of the credentials domain through its one gate function.
 */
export type Clinician = Caller & { role: Role; actorId: string };

export function isClinician(who: Caller): who is Clinician {
    return who.role !== undefined && ClinicianRoles.includes(who.role) && who.actorId !== undefined;
}

/** The caller, a clinician holding a valid licence; throws FORBIDDEN otherwise. */
export async function requireLicensedClinician(ctx: Context): Promise<Clinician> {
    const who = requireRole(ctx, ...ClinicianRoles);
    await requireValidCredential(ctx, RequiredCredential[who.role]);
    return who;
}

/**
 * Whether the clinician's licence is valid now. A FORBIDDEN from the gate becomes `false` so
 * the caller can record a denied access; any other failure still aborts the transaction.
 */
export async function holdsValidLicence(ctx: Context, who: Clinician): Promise<boolean> {
    try {
        await requireValidCredential(ctx, RequiredCredential[who.role]);
        return true;
    } catch (error) {
        if (error instanceof ContractError && error.code === 'FORBIDDEN') {
            return false;
        }
        throw error;
    }
}

/**
 * Whether an org-wide grant of `mspId` reaches the caller: only clinicians of that org whose
 * licence is valid now. An org-wide consent is meant for the care team, never for the org's other
 * patients, pharmacists, operators or administrators.
 */
export async function isLicensedClinicianOf(ctx: Context, who: Caller, mspId: string): Promise<boolean> {
    return who.mspId === mspId && isClinician(who) && (await holdsValidLicence(ctx, who));
}
