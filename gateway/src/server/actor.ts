import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LedgerSession, SigningIdentity } from '../ledger';
import { fromBytes } from '@careledger/chaincode';
import { forbiddenHere, unauthenticated } from './errors';
import type { GatewayContext } from './context';
import type { TokenGrant } from '../auth/token-store';

/**
 * The identity a request acts as: exactly the one its bearer token was issued for. Nothing in
 * the request body or path can change it; the chaincode then decides from that identity's
 * certificate what the caller may do.
 */
export interface Actor {
    org: string;
    user: string;
    grant: TokenGrant;
    identity: SigningIdentity;
    session: LedgerSession;
}

/**
 * The identity a grant stands for: its own key when the gateway holds one, the certificate
 * alone for offline signers, otherwise the directory's signer for that user — pinned to the
 * certificate the token was issued for.
 */
export async function signingIdentityOf(
    context: Pick<GatewayContext, 'ledger'>,
    grant: TokenGrant,
): Promise<SigningIdentity> {
    if (grant.offline || grant.identity.privateKey) {
        return grant.identity;
    }
    const enrolled = await context.ledger.identities.get(grant.org, grant.user);
    if (samePem(enrolled.certificate, grant.identity.certificate)) {
        return enrolled;
    }
    throw unauthenticated(`${grant.user} was enrolled again since this token was issued; ask for a new token`);
}

export function samePem(a: string, b: string): boolean {
    return a.replace(/\r/g, '').trim() === b.replace(/\r/g, '').trim();
}

declare module 'fastify' {
    interface FastifyRequest {
        actor?: Actor;
    }
}

export function bearerToken(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization;
    const match = header && /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1] : undefined;
}

export function authenticate(context: GatewayContext) {
    return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
        if (request.actor) {
            return; // authenticated already (onRequest); routes may list it again as a preHandler
        }
        const token = bearerToken(request);
        if (!token) {
            throw unauthenticated('send "Authorization: Bearer <token>"; tokens are issued by POST /auth/enroll');
        }
        const grant = context.tokens.resolve(token);
        if (!grant || grant.org !== context.org) {
            throw unauthenticated('unknown or revoked token');
        }
        const identity = await signingIdentityOf(context, grant);
        request.actor = { org: grant.org, user: grant.user, grant, identity, session: context.connect(identity) };
    };
}

export function actorOf(request: FastifyRequest): Actor {
    if (!request.actor) {
        throw unauthenticated('this route needs a bearer token');
    }
    return request.actor;
}

/** Who the chaincode says the caller is (system:WhoAmI): the only trusted source of role and actor id. */
export interface ChaincodeCaller {
    mspId: string;
    id: string;
    role?: string;
    actorId?: string;
}

export async function whoAmI(session: LedgerSession): Promise<ChaincodeCaller> {
    return fromBytes<ChaincodeCaller>(await session.evaluate({ contract: 'system', name: 'WhoAmI' }));
}

/** The caller must be an admin of this gateway's org, as its certificate says. */
export async function requireOrgAdmin(context: GatewayContext, actor: Actor): Promise<ChaincodeCaller> {
    const who = await whoAmI(actor.session);
    if (who.role !== 'admin' || who.mspId !== context.mspId) {
        throw forbiddenHere(
            `requires an admin of ${context.mspId}; caller is ${who.role ?? 'no role'} of ${who.mspId}`,
        );
    }
    return who;
}

/**
 * Who answers a public route called without a token (verification, which the README promises
 * to anyone): this gateway's org admin, through a session that can only run queries — the
 * routes that use it only verify, and a submit through it is refused.
 */
export async function publicActor(context: GatewayContext): Promise<Actor> {
    const identity = await context.ledger.identities.get(context.org, 'admin');
    const session = context.connect(identity);
    const readOnly: LedgerSession = {
        identity: session.identity,
        evaluate: (request) => session.evaluate(request),
        submit: () => Promise.reject(forbiddenHere('a call without a token can only query')),
        events: () => Promise.reject(forbiddenHere('a call without a token can only query')),
        blocks: () => Promise.reject(forbiddenHere('a call without a token can only query')),
        chainHeight: () => Promise.reject(forbiddenHere('a call without a token can only query')),
    };
    return {
        org: context.org,
        user: 'anonymous',
        grant: { org: context.org, user: 'anonymous', identity, offline: false, issuedAt: '' },
        identity,
        session: readOnly,
    };
}
