import type { FastifyInstance } from 'fastify';
import { Roles } from '@careledger/chaincode';
import { enrol, type EnrolRequest } from '../../auth/enrollment';
import { LedgerError } from '../../ledger';
import { actorIdPattern, userNamePattern } from '../../ledger/registration';
import { actorOf, authenticate, bearerToken, requireOrgAdmin } from '../actor';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses, forbiddenHere, invalidInput, notFoundHere, unauthenticated } from '../errors';

const tokenSchema = {
    type: 'object',
    required: ['token', 'org', 'user', 'mspId', 'signing'],
    properties: {
        token: { type: 'string', description: 'Bearer token; shown once, stored only as a hash.' },
        org: { type: 'string' },
        user: { type: 'string' },
        mspId: { type: 'string' },
        signing: {
            type: 'string',
            enum: ['gateway', 'offline'],
            description:
                '`gateway`: the gateway signs with the enrolled key; `offline`: the client signs every transaction (see /offline).',
        },
        registered: { type: 'boolean', description: 'A new user was registered with the org CA by this request.' },
        certificate: {
            type: 'string',
            description:
                'The enrolment certificate (PEM) the CA issued for the `csr`; the client keeps it with its key.',
        },
        secret: {
            type: 'string',
            description:
                "A new user's own secret, shown once: hand it to the user. New tokens for the user need it " +
                '(POST /auth/token); the admin cannot get one without it.',
        },
        expiresAt: { type: 'string', format: 'date-time', description: 'When the token stops working.' },
    },
} as const;

/** Body of the one route that takes a user's own secret: 256 random bits, base64url. */
const secretSchema = { type: 'string', pattern: '^cls_[A-Za-z0-9_-]{43}$', description: "The user's own secret." };

export function authRoutes(app: FastifyInstance, context: GatewayContext): void {
    const preHandler = authenticate(context);
    const security = [{ bearer: [] }];

    app.post<{ Body: EnrolRequest }>(
        '/auth/enroll',
        {
            preHandler,
            schema: {
                tags: ['auth'],
                summary: "An org admin enrols a user and receives that user's bearer token",
                description:
                    'With `role` and `actorId`: registers a new user of this org with the org CA, which writes both ' +
                    'into the certificate (409 if the name is registered already). Add `csr` (PKCS#10, PEM, subject ' +
                    "CN = `user`, ECDSA P-256) and the CA signs the client's own key: the response carries the " +
                    'certificate, and the token is bound to it alone — every transaction is signed by the client ' +
                    'through /offline. Without `role`: a token for a user enrolled before; with `certificate`, bound ' +
                    'to that certificate alone (offline signing). Only an admin of this org may call it (403).',
                security,
                body: {
                    type: 'object',
                    required: ['user'],
                    additionalProperties: false,
                    properties: {
                        user: { type: 'string', pattern: userNamePattern.source },
                        role: { type: 'string', enum: [...Roles] },
                        actorId: {
                            type: 'string',
                            pattern: actorIdPattern.source,
                            description: 'Pseudonymous id written into the certificate as careledger.id; never a name.',
                        },
                        csr: {
                            type: 'string',
                            maxLength: 8192,
                            description: 'PKCS#10 CSR, PEM, of a key the user keeps.',
                        },
                        certificate: { type: 'string', maxLength: 8192 },
                        secret: secretSchema,
                    },
                },
                response: { 201: tokenSchema, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            await requireOrgAdmin(context, actorOf(request));
            const body = request.body as EnrolRequest & { secret?: string };
            if (body.role === 'patient' && body.actorId !== undefined && body.csr === undefined) {
                // A key made here could sign as the patient for whoever holds this gateway: not the patient's own.
                throw invalidInput('csr', "a patient's key stays on the patient's device: send the device's csr");
            }
            const existing =
                body.role === undefined &&
                body.actorId === undefined &&
                body.csr === undefined &&
                body.certificate === undefined;
            if (
                existing &&
                !(body.secret !== undefined && context.secrets.verify(context.org, body.user, body.secret))
            ) {
                throw forbiddenHere(
                    `a new token for ${body.user} needs ${body.user}'s own secret (field secret, or POST /auth/token); ` +
                        "an admin's token is not enough",
                );
            }
            const { identity, offline, registered } = await enrol(context.ledger, context.org, body).catch(
                (error: unknown) => {
                    throw error instanceof LedgerError
                        ? error
                        : notFoundHere(`user ${body.user} of ${context.org}: ${(error as Error).message}`);
                },
            );
            const token = context.tokens.issue(context.org, body.user, identity, { offline });
            const secret = registered ? context.secrets.create(context.org, body.user) : undefined;
            const signing = offline ? 'offline' : 'gateway';
            request.log.info({ user: body.user, signing, registered }, 'token issued');
            return reply.status(201).send({
                token,
                org: context.org,
                user: body.user,
                mspId: identity.mspId,
                signing,
                registered,
                expiresAt: context.tokens.resolve(token)?.expiresAt,
                ...(body.csr !== undefined ? { certificate: identity.certificate } : {}),
                ...(secret ? { secret } : {}),
            });
        },
    );

    app.post<{ Body: { user: string; secret: string } }>(
        '/auth/token',
        {
            schema: {
                tags: ['auth'],
                summary: 'A user gets a new token with their own secret (no bearer token needed)',
                description:
                    'The secret was shown once when the user was registered (POST /auth/enroll). Rate-limited per ' +
                    'client address. 401 for an unknown user or a wrong secret alike.',
                body: {
                    type: 'object',
                    required: ['user', 'secret'],
                    additionalProperties: false,
                    properties: { user: { type: 'string', pattern: userNamePattern.source }, secret: secretSchema },
                },
                response: { 201: tokenSchema, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            const { user, secret } = request.body;
            if (!context.secrets.verify(context.org, user, secret)) {
                throw unauthenticated('unknown user or wrong secret');
            }
            const { identity, offline } = await enrol(context.ledger, context.org, { user });
            const token = context.tokens.issue(context.org, user, identity, { offline });
            request.log.info({ user, signing: offline ? 'offline' : 'gateway' }, 'token issued with the user secret');
            return reply.status(201).send({
                token,
                org: context.org,
                user,
                mspId: identity.mspId,
                signing: offline ? 'offline' : 'gateway',
                registered: false,
                expiresAt: context.tokens.resolve(token)?.expiresAt,
            });
        },
    );

    app.delete<{ Params: { user: string } }>(
        '/auth/users/:user/tokens',
        {
            preHandler,
            schema: {
                tags: ['auth'],
                summary: "An org admin revokes every token of one of the org's users, at once",
                security,
                params: {
                    type: 'object',
                    required: ['user'],
                    properties: { user: { type: 'string', pattern: userNamePattern.source } },
                },
                response: {
                    200: {
                        type: 'object',
                        required: ['user', 'revoked'],
                        properties: { user: { type: 'string' }, revoked: { type: 'integer' } },
                    },
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request) => {
            await requireOrgAdmin(context, actorOf(request));
            const revoked = context.tokens.revokeUser(context.org, request.params.user);
            request.log.info({ user: request.params.user, revoked }, "user's tokens revoked");
            return { user: request.params.user, revoked };
        },
    );

    app.get(
        '/auth/me',
        {
            preHandler,
            schema: {
                tags: ['auth'],
                summary: "This token's user and how it signs",
                security,
                response: {
                    200: {
                        type: 'object',
                        required: ['org', 'user', 'mspId', 'signing'],
                        properties: {
                            org: { type: 'string' },
                            user: { type: 'string' },
                            mspId: { type: 'string' },
                            signing: { type: 'string', enum: ['gateway', 'offline'] },
                            certificate: { type: 'string' },
                        },
                    },
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request) => {
            const actor = actorOf(request);
            return {
                org: actor.org,
                user: actor.user,
                mspId: actor.identity.mspId,
                signing: actor.grant.offline ? 'offline' : 'gateway',
                certificate: actor.identity.certificate,
            };
        },
    );

    app.delete(
        '/auth/token',
        {
            preHandler,
            schema: {
                tags: ['auth'],
                summary: 'Revoke the token used for this request',
                security,
                response: { 204: { type: 'null' }, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            context.tokens.revoke(bearerToken(request) ?? '');
            return reply.status(204).send();
        },
    );
}
