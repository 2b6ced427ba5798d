import type { Ledger, SigningIdentity } from '../ledger';

/**
 * Enrolment of a user of this gateway's org, as far as the ledger's identity directory allows:
 * directories that can register new users with the org's CA (`register`) do so with the given
 * role and actor id; every directory can hand out users already enrolled (the demo users, or
 * MSP folders an operator placed). Role and actor id end up in the certificate, written by the
 * CA, which is why a token's powers come from the certificate and not from the request.
 */
export interface EnrolRequest {
    user: string;
    role?: string;
    actorId?: string;
}

/** The optional capability a directory may offer: register and enrol a new user with the org's CA. */
export interface RegisteringDirectory {
    register(org: string, request: { user: string; role: string; actorId: string }): Promise<SigningIdentity>;
}

export function canRegister(directory: unknown): directory is RegisteringDirectory {
    return typeof (directory as Partial<RegisteringDirectory>).register === 'function';
}

export async function enrolUser(ledger: Ledger, org: string, request: EnrolRequest): Promise<SigningIdentity> {
    if (request.role && request.actorId && canRegister(ledger.identities)) {
        return ledger.identities.register(org, { user: request.user, role: request.role, actorId: request.actorId });
    }
    return ledger.identities.get(org, request.user);
}
