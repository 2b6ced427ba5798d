import type { FastifyInstance } from 'fastify';
import { whoAmI } from '../actor';
import type { GatewayContext } from '../context';

const statusSchema = {
    type: 'object',
    required: ['status'],
    properties: {
        status: { type: 'string' },
        ledger: { type: 'string' },
        org: { type: 'string' },
        reason: { type: 'string' },
    },
} as const;

export function operationsRoutes(
    app: FastifyInstance,
    context: GatewayContext,
    options: { readinessUser: string },
): void {
    app.get(
        '/healthz',
        { schema: { tags: ['operations'], summary: 'The process is up', response: { 200: statusSchema } } },
        async () => ({ status: 'ok' }),
    );

    app.get(
        '/readyz',
        {
            schema: {
                tags: ['operations'],
                summary: 'The ledger answers a read-only query (system:WhoAmI)',
                response: { 200: statusSchema, 503: statusSchema },
            },
        },
        async (_request, reply) => {
            try {
                const identity = await context.ledger.identities.get(context.org, options.readinessUser);
                await whoAmI(context.ledger.connect(identity));
                return { status: 'ready', ledger: context.ledger.kind, org: context.org };
            } catch (error) {
                return reply
                    .status(503)
                    .send({ status: 'unavailable', ledger: context.ledger.kind, reason: (error as Error).message });
            }
        },
    );

    app.get(
        '/metrics',
        {
            schema: {
                tags: ['operations'],
                summary: 'Prometheus metrics (text exposition format)',
                produces: ['text/plain'],
                response: { 200: { type: 'string' } },
            },
        },
        async (_request, reply) => {
            reply.type(context.metrics.registry.contentType);
            return context.metrics.registry.metrics();
        },
    );
}
