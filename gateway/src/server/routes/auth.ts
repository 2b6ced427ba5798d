import type { FastifyInstance } from 'fastify';
import { enrolUser } from '../../auth/enrollment';
import { LedgerError } from '../../ledger';
import { actorOf, authenticate, bearerToken, requireOrgAdmin, samePem } from '../actor';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses, forbiddenHere, notFoundHere } from '../errors';

interface EnrolBody {
    user: string;
    role?: string;
    actorId?: string;
    /** The user's own certificate when they keep their private key (offline signing). */
    certificate?: string;
}

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
    },
} as const;

export function authRoutes(app: FastifyInstance, context: GatewayContext): void {
    const preHandler = authenticate(context);
    const security = [{ bearer: [] }];

    app.post<{ Body: EnrolBody }>(
        '/auth/enroll',
        {
            preHandler,
            schema: {
                tags: ['auth'],
                summary: "An org admin enrols a user and receives that user's bearer token",
                description:
                    'Registers the user with the org CA when the ledger can (role and actorId given), or takes an ' +
                    'already enrolled user. With `certificate`, the user keeps the private key: the token is bound to ' +
                    'that certificate alone and every transaction is signed by the client through /offline.',
                security,
                body: {
                    type: 'object',
                    required: ['user'],
                    additionalProperties: false,
                    properties: {
                        user: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
                        role: {
                            type: 'string',
                            enum: ['physician', 'nurse', 'patient', 'pharmacist', 'operator', 'inspector', 'admin'],
                        },
                        actorId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' },
                        certificate: { type: 'string', maxLength: 8192 },
                    },
                },
                response: { 201: tokenSchema, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            await requireOrgAdmin(context, actorOf(request));
            const body = request.body;
            const enrolled = await enrolUser(context.ledger, context.org, body).catch((error: unknown) => {
                throw error instanceof LedgerError
                    ? error
                    : notFoundHere(`user ${body.user} of ${context.org}: ${(error as Error).message}`);
            });
            const offline = body.certificate !== undefined;
            if (offline && !samePem(body.certificate ?? '', enrolled.certificate)) {
                throw forbiddenHere(`the certificate is not the one ${context.org}'s CA issued to ${body.user}`);
            }
            const token = context.tokens.issue(context.org, body.user, enrolled, { offline });
            const signing = offline ? 'offline' : 'gateway';
            request.log.info({ user: body.user, signing }, 'token issued');
            return reply.status(201).send({ token, org: context.org, user: body.user, mspId: enrolled.mspId, signing });
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
