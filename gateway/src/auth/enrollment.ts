import { LedgerError, type Ledger, type SigningIdentity } from '../ledger';

/**
 * What an org admin asks for when enrolling a user, and what the identity directory does:
 *
 * - `role` + `actorId`: register a new user with the org's CA, which writes both into the
 *   certificate; the key is made and kept by the gateway. CONFLICT if the name is taken.
 * - `role` + `actorId` + `csr`: the same, but the CA signs the user's own CSR; the key stays on
 *   their device and the gateway keeps the certificate alone (offline signing).
 * - neither: a user enrolled before (the demo users, MSP folders an operator placed);
 *   with `certificate`, the token is bound to that certificate alone (offline signing).
 *
 * A token's powers come from the certificate the CA wrote, never from this request.
 */
export interface EnrolRequest {
    user: string;
    role?: string;
    actorId?: string;
    /** PKCS#10 CSR (PEM) of a key the user keeps; needs `role` and `actorId`. */
    csr?: string;
    /** An enrolled user's own certificate (PEM), when they keep their key. */
    certificate?: string;
}

export interface Enrolment {
    /** With `offline`, the certificate alone. */
    identity: SigningIdentity;
    /** The user signs every transaction themselves. */
    offline: boolean;
    /** A new user was registered with the CA. */
    registered: boolean;
}

export async function enrol(ledger: Ledger, org: string, request: EnrolRequest): Promise<Enrolment> {
    const { user, role, actorId, csr, certificate } = request;
    if ((role === undefined) !== (actorId === undefined)) {
        const missing = role === undefined ? 'role' : 'actorId';
        throw new LedgerError('INVALID_ARGUMENT', `${missing} is required to register a new user`, {
            field: missing,
        });
    }
    if (csr !== undefined && certificate !== undefined) {
        throw new LedgerError('INVALID_ARGUMENT', 'send either csr (a new user) or certificate (an enrolled one)', {
            field: 'csr',
        });
    }
    if (role !== undefined && actorId !== undefined) {
        if (certificate !== undefined) {
            throw new LedgerError('INVALID_ARGUMENT', 'a new user sends a csr, not a certificate', {
                field: 'certificate',
            });
        }
        if (csr !== undefined) {
            const identity = await ledger.identities.enrollWithCsr(org, { user, role, actorId, csrPem: csr });
            return { identity, offline: true, registered: true };
        }
        return {
            identity: await ledger.identities.register(org, { user, role, actorId }),
            offline: false,
            registered: true,
        };
    }
    if (csr !== undefined) {
        throw new LedgerError('INVALID_ARGUMENT', 'role is required to register a new user', { field: 'role' });
    }
    const enrolled = await ledger.identities.get(org, user);
    if (certificate !== undefined) {
        if (!samePem(certificate, enrolled.certificate)) {
            throw new LedgerError('FORBIDDEN', `the certificate is not the one ${org}'s CA issued to ${user}`);
        }
        return {
            identity: { mspId: enrolled.mspId, certificate: enrolled.certificate },
            offline: true,
            registered: false,
        };
    }
    // A user enrolled with their own CSR has no key here: their token can only sign offline.
    const keptByUser = enrolled.privateKey === undefined && enrolled.signer === undefined;
    return { identity: enrolled, offline: keptByUser, registered: false };
}

function samePem(a: string, b: string): boolean {
    return a.replace(/\r/g, '').trim() === b.replace(/\r/g, '').trim();
}
