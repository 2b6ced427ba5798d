import type { FastifyInstance } from 'fastify';
import { Roles } from '@careledger/chaincode';
import { enrol, type EnrolRequest } from '../../auth/enrollment';
import { LedgerError } from '../../ledger';
import { actorIdPattern, userNamePattern } from '../../ledger/registration';
import { actorOf, authenticate, bearerToken, requireOrgAdmin } from '../actor';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses, notFoundHere } from '../errors';

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
    },
} as const;

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
                    },
                },
                response: { 201: tokenSchema, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            await requireOrgAdmin(context, actorOf(request));
            const body = request.body;
            const { identity, offline, registered } = await enrol(context.ledger, context.org, body).catch(
                (error: unknown) => {
                    throw error instanceof LedgerError
                        ? error
                        : notFoundHere(`user ${body.user} of ${context.org}: ${(error as Error).message}`);
                },
            );
            const token = context.tokens.issue(context.org, body.user, identity, { offline });
            const signing = offline ? 'offline' : 'gateway';
            request.log.info({ user: body.user, signing, registered }, 'token issued');
            return reply.status(201).send({
                token,
                org: context.org,
                user: body.user,
                mspId: identity.mspId,
                signing,
                registered,
                ...(body.csr !== undefined ? { certificate: identity.certificate } : {}),
            });
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
