import type { Context } from 'fabric-contract-api';
import { forbidden } from '../common/errors';
import { caller, type Role } from '../common/identity';
import { RegulatorMsp } from '../common/orgs';
import { findIssuer } from './store';
import type { Actor, Authority, Credential, PractitionerRef, TrustedIssuer } from './types';

/**
 * Who may do what with credentials, decided from the caller's certificate alone:
 * - the issuer registry is managed by RegulatorMSP's admins;
 * - an org issues and renews a type only while the registry trusts it for that type, and only
 *   through identities of a role the registry lists;
 * - a credential's status is changed by its issuing org (same registry roles) or by the
 *   regulator (admin or inspector); an issuer whose trust was withdrawn may still suspend or
 *   revoke what it issued, but no longer reinstate;
 * - history is read by the regulator, the issuing org, the subject and its org's admins.
 */
export const RegulatorOversightRoles: readonly Role[] = ['admin', 'inspector'];

/** The caller as an {@link Actor}: its certificate must carry a role and an actor id. */
export function requireActor(ctx: Context): Actor {
    const who = caller(ctx);
    if (!who.role) {
        throw forbidden(`caller's certificate carries no valid careledger.role attribute`);
    }
    if (!who.actorId) {
        throw forbidden(`caller's certificate carries no careledger.id attribute`);
    }
    return { mspId: who.mspId, actorId: who.actorId, role: who.role };
}

export function isRegulator(actor: Actor): boolean {
    return actor.mspId === RegulatorMsp && RegulatorOversightRoles.includes(actor.role);
}

export function isSubject(actor: Actor, subject: PractitionerRef): boolean {
    return actor.mspId === subject.mspId && actor.actorId === subject.actorId;
}

export function requireRegistryManager(ctx: Context): Actor {
    const actor = requireActor(ctx);
    if (actor.mspId !== RegulatorMsp || actor.role !== 'admin') {
        throw forbidden(
            `only an admin of ${RegulatorMsp} manages the issuer registry; caller is ${actor.role} of ${actor.mspId}`,
        );
    }
    return actor;
}

/** The caller, whose org is trusted to issue `type` and whose role the registry lists for it. */
export async function requireIssuer(ctx: Context, type: string): Promise<{ actor: Actor; entry: TrustedIssuer }> {
    const actor = requireActor(ctx);
    const entry = await findIssuer(ctx, actor.mspId, type);
    if (!entry || entry.status !== 'trusted') {
        throw forbidden(`${actor.mspId} is not a trusted issuer of ${type}`);
    }
    if (!entry.roles.includes(actor.role)) {
        throw forbidden(
            `${actor.mspId} issues ${type} only through role ${entry.roles.join(' or ')}; caller has ${actor.role}`,
        );
    }
    return { actor, entry };
}

export type StatusAction = 'suspend' | 'reinstate' | 'revoke';

/** The caller, who may `action` the credential: the regulator or the issuing org. */
export async function requireStatusAuthority(
    ctx: Context,
    credential: Credential,
    action: StatusAction,
): Promise<{ actor: Actor; authority: Authority }> {
    const actor = requireActor(ctx);
    if (isRegulator(actor)) {
        return { actor, authority: 'regulator' };
    }
    if (actor.mspId !== credential.issuer.mspId) {
        throw forbidden(
            `only the issuer ${credential.issuer.mspId} or the regulator may ${action} credential ${credential.id}`,
        );
    }
    const entry = await findIssuer(ctx, actor.mspId, credential.type);
    if (!entry || !entry.roles.includes(actor.role)) {
        throw forbidden(
            `${action} of ${credential.type} at ${actor.mspId} requires an issuing role; caller has ${actor.role}`,
        );
    }
    if (action === 'reinstate' && entry.status !== 'trusted') {
        throw forbidden(
            `${actor.mspId} is no longer a trusted issuer of ${credential.type}; it may suspend or revoke, not reinstate`,
        );
    }
    return { actor, authority: 'issuer' };
}

/**
 * The caller, who may read the credential's history: the regulator, the issuing org (admin or
 * an issuing role), the subject, or an admin of the subject's org.
 */
export async function requireHistoryReader(ctx: Context, credential: Credential): Promise<Actor> {
    const actor = requireActor(ctx);
    if (
        isRegulator(actor) ||
        isSubject(actor, credential.subject) ||
        (actor.mspId === credential.subject.mspId && actor.role === 'admin')
    ) {
        return actor;
    }
    if (actor.mspId === credential.issuer.mspId) {
        const entry = await findIssuer(ctx, actor.mspId, credential.type);
        if (actor.role === 'admin' || entry?.roles.includes(actor.role)) {
            return actor;
        }
    }
    throw forbidden(
        `history of credential ${credential.id} is read by the regulator, the issuer ${credential.issuer.mspId}, the subject or its org's admin`,
    );
}

/** The caller, who may list `subject`'s credentials: the regulator, the subject or an admin of its org. */
export function requireSubjectReader(ctx: Context, subject: PractitionerRef): Actor {
    const actor = requireActor(ctx);
    if (isRegulator(actor) || isSubject(actor, subject) || (actor.mspId === subject.mspId && actor.role === 'admin')) {
        return actor;
    }
    throw forbidden(
        `credentials of ${subject.mspId}/${subject.actorId} are listed for the regulator, the practitioner or an admin of ${subject.mspId}`,
    );
}

/** The caller, who may list what `issuerMspId` issued: the regulator or an admin of that org. */
export function requireIssuerOrgAdminOrRegulator(ctx: Context, issuerMspId: string): Actor {
    const actor = requireActor(ctx);
    if (isRegulator(actor) || (actor.mspId === issuerMspId && actor.role === 'admin')) {
        return actor;
    }
    throw forbidden(`only the regulator or an admin of ${issuerMspId} may read what ${issuerMspId} issued`);
}
