import type { FastifyInstance } from 'fastify';
import { formatPosition, parsePosition } from '../../events/checkpoint-store';
import { eventReaderOf, readerMayReceive } from '../../events/audience';
import { eventToJson } from '../../events/event-json';
import type { EventPosition } from '../../ledger';
import { actorOf, authenticate, requireOrgAdmin } from '../actor';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses, invalidInput, notFoundHere } from '../errors';

const webhookSchema = {
    type: 'object',
    required: ['id', 'url', 'eventNames', 'owner', 'createdAt'],
    properties: {
        id: { type: 'string' },
        url: { type: 'string' },
        eventNames: { type: 'array', items: { type: 'string' } },
        owner: { type: 'string' },
        createdAt: { type: 'string' },
    },
} as const;

const positionPattern = '^\\d{1,19}(:[A-Za-z0-9_-]{1,128})?$';

export function eventRoutes(app: FastifyInstance, context: GatewayContext): void {
    const preHandler = authenticate(context);
    const security = [{ bearer: [] }];

    app.get<{ Querystring: { from?: string; names?: string } }>(
        '/events',
        {
            preHandler,
            schema: {
                tags: ['events'],
                summary: 'Chaincode events as server-sent events (EHR events only to those the audit trail admits)',
                description:
                    'Each SSE message has `id` = resume position (`block:txId`), `event` = event name, `data` = the event as ' +
                    'JSON. Reconnecting with `Last-Event-ID` (browsers do this) resumes after that event; `from=<block>` ' +
                    'starts at a block. Without either, only new events are sent.',
                security,
                querystring: {
                    type: 'object',
                    properties: {
                        from: { type: 'string', pattern: positionPattern },
                        names: {
                            type: 'string',
                            description: 'Comma-separated event-name prefixes, e.g. `supply.,ehr.Consent`',
                        },
                    },
                },
                produces: ['text/event-stream'],
                response: {
                    200: { type: 'string', description: 'text/event-stream' },
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request, reply) => {
            const lastEventId = request.headers['last-event-id'];
            const resumeText = typeof lastEventId === 'string' && lastEventId ? lastEventId : request.query.from;
            let from: EventPosition | undefined;
            if (resumeText) {
                from = parsePosition(resumeText);
                if (!from) {
                    throw invalidInput('from', 'must be <block> or <block>:<transactionId>');
                }
            }
            const names = request.query.names?.split(',').filter(Boolean) ?? [];
            const { session, identity } = actorOf(request);
            // EHR events follow the audit trail's rules (chaincode ehr/event-audience.ts): decided once per stream.
            const reader = await eventReaderOf(session, identity);
            const stream = await session.events(from ? { from } : {});
            context.metrics.sseClients.inc();
            reply.hijack();
            const out = reply.raw;
            out.writeHead(200, {
                'content-type': 'text/event-stream; charset=utf-8',
                'cache-control': 'no-cache, no-transform',
                connection: 'keep-alive',
                'x-accel-buffering': 'no',
            });
            out.write(': connected\n\n');
            const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), 15_000);
            const stop = () => stream.close();
            request.raw.on('close', stop);
            void context.closing.then(stop);
            try {
                for await (const event of stream) {
                    if (names.length && !names.some((prefix) => event.eventName.startsWith(prefix))) {
                        continue;
                    }
                    if (!readerMayReceive(reader, event)) {
                        continue;
                    }
                    out.write(
                        `id: ${formatPosition(event)}\nevent: ${event.eventName}\ndata: ${JSON.stringify(eventToJson(event))}\n\n`,
                    );
                }
            } catch (error) {
                request.log.warn({ err: error }, 'event stream ended with an error');
                out.write(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
            } finally {
                clearInterval(heartbeat);
                request.raw.off('close', stop);
                out.end();
            }
        },
    );

    app.post<{ Body: { url: string; eventNames?: string[]; from?: string } }>(
        '/webhooks',
        {
            preHandler,
            schema: {
                tags: ['events'],
                summary:
                    'Register a webhook (org admins): events POSTed in order, at least once, Idempotency-Key = transaction id',
                security,
                body: {
                    type: 'object',
                    required: ['url'],
                    additionalProperties: false,
                    properties: {
                        url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
                        eventNames: {
                            type: 'array',
                            maxItems: 32,
                            items: { type: 'string', minLength: 1, maxLength: 128 },
                        },
                        from: {
                            type: 'string',
                            pattern: positionPattern,
                            description:
                                'Start at `<block>` or after `<block>:<txId>`; default: events after registration',
                        },
                    },
                },
                response: { 201: webhookSchema, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            const actor = actorOf(request);
            await requireOrgAdmin(context, actor);
            try {
                new URL(request.body.url);
            } catch {
                throw invalidInput('url', 'must be an absolute http(s) URL');
            }
            const hook = context.webhooks.register({
                url: request.body.url,
                eventNames: request.body.eventNames,
                owner: `${actor.org}/${actor.user}`,
                grant: actor.grant,
                from: request.body.from ? parsePosition(request.body.from) : undefined,
            });
            return reply.status(201).send(hook);
        },
    );

    app.get(
        '/webhooks',
        {
            preHandler,
            schema: {
                tags: ['events'],
                summary: "This org's webhooks (org admins)",
                security,
                response: { 200: { type: 'array', items: webhookSchema }, ...errorResponses(...commonErrors) },
            },
        },
        async (request) => {
            await requireOrgAdmin(context, actorOf(request));
            return context.webhooks.list();
        },
    );

    app.delete<{ Params: { id: string } }>(
        '/webhooks/:id',
        {
            preHandler,
            schema: {
                tags: ['events'],
                summary: 'Remove a webhook (org admins)',
                security,
                params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
                response: { 204: { type: 'null' }, ...errorResponses(...commonErrors) },
            },
        },
        async (request, reply) => {
            await requireOrgAdmin(context, actorOf(request));
            if (!(await context.webhooks.remove(request.params.id))) {
                throw notFoundHere(`webhook ${request.params.id} does not exist`);
            }
            return reply.status(204).send();
        },
    );
}
