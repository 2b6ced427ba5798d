import type { FastifyInstance } from 'fastify';
import { fromBytes } from '@careledger/chaincode';
import { actorOf, authenticate, whoAmI } from '../actor';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses } from '../errors';

const callerSchema = {
    type: 'object',
    required: ['mspId', 'id'],
    properties: {
        mspId: { type: 'string' },
        id: { type: 'string', description: 'Fabric id of the certificate: x509::<subject>::<issuer>' },
        role: { type: 'string' },
        actorId: { type: 'string' },
    },
} as const;

export function systemRoutes(app: FastifyInstance, context: GatewayContext): void {
    const preHandler = authenticate(context);
    const security = [{ bearer: [] }];

    app.get(
        '/system/whoami',
        {
            preHandler,
            schema: {
                tags: ['system'],
                summary: 'Who the chaincode sees: MSP, certificate id, role and actor id of this token',
                security,
                response: { 200: callerSchema, ...errorResponses(...commonErrors) },
            },
        },
        async (request) => whoAmI(actorOf(request).session),
    );

    app.post<{ Body: { message: string } }>(
        '/system/ping',
        {
            preHandler,
            schema: {
                tags: ['system'],
                summary: 'A full round trip: endorse, order, commit; emits system.Pinged',
                security,
                body: {
                    type: 'object',
                    required: ['message'],
                    additionalProperties: false,
                    properties: { message: { type: 'string', minLength: 1, maxLength: 64 } },
                },
                response: {
                    200: {
                        type: 'object',
                        required: ['message', 'mspId', 'txId', 'at', 'blockNumber'],
                        properties: {
                            message: { type: 'string' },
                            mspId: { type: 'string' },
                            txId: { type: 'string' },
                            at: { type: 'string' },
                            blockNumber: { type: 'string' },
                        },
                    },
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request) => {
            const result = await actorOf(request).session.submit({
                contract: 'system',
                name: 'Ping',
                args: [request.body.message],
            });
            return { ...fromBytes<object>(result.result), blockNumber: result.blockNumber.toString() };
        },
    );
}
