import { createHash, X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { forbidden } from './errors';

/**
 * Certificate attributes CareLedger reads. Each org's Fabric CA writes them into the
 * enrolment certificate (OID 1.2.3.4.5.6.7.8.1), so they cannot be chosen by the caller.
 */
export const Attributes = {
    /** What the user does: physician, nurse, patient, pharmacist, operator, inspector, admin. */
    role: 'careledger.role',
    /** The user's stable pseudonymous id: a practitioner id or a patient id. Never a name. */
    actorId: 'careledger.id',
} as const;

export const Roles = ['physician', 'nurse', 'patient', 'pharmacist', 'operator', 'inspector', 'admin'] as const;
export type Role = (typeof Roles)[number];

export const ClinicianRoles: readonly Role[] = ['physician', 'nurse'];

/** Who is invoking the transaction, as established by the client identity alone. */
export interface Caller {
    mspId: string;
    /** Fabric's unique id of the certificate: `x509::<subject>::<issuer>`. */
    id: string;
    role?: Role;
    /** Pseudonymous actor id from the certificate; `undefined` for users enrolled without one. */
    actorId?: string;
}

export function caller(ctx: Context): Caller {
    const identity = ctx.clientIdentity;
    const role = identity.getAttributeValue(Attributes.role) ?? undefined;
    const actorId = identity.getAttributeValue(Attributes.actorId) ?? undefined;
    return {
        mspId: identity.getMSPID(),
        id: identity.getID(),
        role: role && (Roles as readonly string[]).includes(role) ? (role as Role) : undefined,
        actorId: actorId || undefined,
    };
}

/** The caller, who must hold one of `roles` and an actor id. */
export function requireRole(ctx: Context, ...roles: Role[]): Caller & { role: Role; actorId: string } {
    const who = caller(ctx);
    if (!who.role || !roles.includes(who.role)) {
        throw forbidden(`requires role ${roles.join(' or ')}; caller has ${who.role ?? 'no role'}`);
    }
    if (!who.actorId) {
        throw forbidden(`caller's certificate has no ${Attributes.actorId} attribute`);
    }
    return who as Caller & { role: Role; actorId: string };
}

/** The caller, who must belong to one of `mspIds`. */
export function requireMsp(ctx: Context, ...mspIds: string[]): Caller {
    const who = caller(ctx);
    if (!mspIds.includes(who.mspId)) {
        throw forbidden(`requires an identity of ${mspIds.join(' or ')}; caller is ${who.mspId}`);
    }
    return who;
}

/**
 * The caller's key id: SHA-256 (hex) of the SubjectPublicKeyInfo of the certificate that signed
 * the proposal. A CA can issue another certificate with the same name and attributes, but not
 * with the holder's key: binding an identity to key ids binds it to whoever holds those keys.
 */
export function callerKeyId(ctx: Context): string {
    const pem = Buffer.from(ctx.clientIdentity.getIDBytes()).toString('utf8');
    return keyIdOfCertificate(pem);
}

export function keyIdOfCertificate(pem: string): string {
    const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('hex');
}
