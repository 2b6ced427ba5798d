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

/**
 * The caller's licence check, once per transaction: an access decision asks it twice (the base
 * rules, then whether org-wide consents reach the caller), and each ask is four or five keyed reads
 * (hold, current pointer, credential, issuer). The caller and the transaction time are fixed for a
 * context, so the answer is too. Resolves to the FORBIDDEN refusal, or undefined when valid.
 */
const licenceChecks = new WeakMap<Context, Promise<ContractError | undefined>>();

function licenceCheck(ctx: Context, role: Role): Promise<ContractError | undefined> {
    let check = licenceChecks.get(ctx);
    if (!check) {
        check = requireValidCredential(ctx, RequiredCredential[role]).then(
            () => undefined,
            (error: unknown) => {
                if (error instanceof ContractError && error.code === 'FORBIDDEN') {
                    return error;
                }
                throw error;
            },
        );
        licenceChecks.set(ctx, check);
    }
    return check;
}

/** The caller, a clinician holding a valid licence; throws FORBIDDEN otherwise. */
export async function requireLicensedClinician(ctx: Context): Promise<Clinician> {
    const who = requireRole(ctx, ...ClinicianRoles);
    const refusal = await licenceCheck(ctx, who.role);
    if (refusal) {
        throw refusal;
    }
    return who;
}

/**
 * Whether the clinician's licence is valid now. A FORBIDDEN from the gate becomes `false` so
 * the caller can record a denied access; any other failure still aborts the transaction.
 */
export async function holdsValidLicence(ctx: Context, who: Clinician): Promise<boolean> {
    return (await licenceCheck(ctx, who.role)) === undefined;
}

/**
 * Whether an org-wide grant of `mspId` reaches the caller: only clinicians of that org whose
 * licence is valid now. An org-wide consent is meant for the care team, never for the org's other
 * patients, pharmacists, operators or administrators.
 */
export async function isLicensedClinicianOf(ctx: Context, who: Caller, mspId: string): Promise<boolean> {
    return who.mspId === mspId && isClinician(who) && (await holdsValidLicence(ctx, who));
}
