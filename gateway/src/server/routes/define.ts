import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { actorOf, authenticate, bearerToken, publicActor, type Actor } from '../actor';
import { publicRateLimit, RateLimiter } from '../rate-limit';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses } from '../errors';

/** A loose object schema: documents the members that matter, lets the rest through. */
export function objectSchema(properties: Record<string, object>, required: string[] = []): object {
    return { type: 'object', required, properties, additionalProperties: true };
}

export const anyObject = { type: 'object', additionalProperties: true } as const;

export interface RouteSpec<P, Q, B> {
    method: HTTPMethods;
    url: string;
    tag: string;
    summary: string;
    description?: string;
    params?: object;
    querystring?: object;
    body?: object;
    /** Success status (default 200) and its schema. */
    status?: number;
    response: object;
    /**
     * Anyone may call it without a token (verification): then the gateway's public actor
     * answers, queries only, and calls are rate-limited per client address (429). With a token
     * it acts as the token's identity like any route.
     */
    public?: boolean;
    handler: (
        request: { actor: Actor; params: P; query: Q; body: B; raw: FastifyRequest },
        reply: FastifyReply,
    ) => Promise<unknown>;
}

/** An authenticated JSON route: bearer token, schemas for input and output, the shared error responses. */
export function defineRoute<P = Record<string, string>, Q = Record<string, unknown>, B = unknown>(
    app: FastifyInstance,
    context: GatewayContext,
    spec: RouteSpec<P, Q, B>,
): void {
    app.route({
        method: spec.method,
        url: spec.url,
        preHandler: spec.public ? authenticateOrPublic(context) : authenticate(context),
        schema: {
            tags: [spec.tag],
            summary: spec.summary,
            ...(spec.description ? { description: spec.description } : {}),
            security: spec.public ? [{ bearer: [] }, {}] : [{ bearer: [] }],
            ...(spec.params ? { params: spec.params } : {}),
            ...(spec.querystring ? { querystring: spec.querystring } : {}),
            ...(spec.body ? { body: spec.body } : {}),
            response: {
                [spec.status ?? 200]: spec.response,
                ...errorResponses(...commonErrors, ...(spec.public ? [429] : [])),
            },
        },
        handler: async (request, reply) => {
            const result = await spec.handler(
                {
                    actor: actorOf(request),
                    params: request.params as P,
                    query: request.query as Q,
                    body: request.body as B,
                    raw: request,
                },
                reply,
            );
            if (spec.status && spec.status !== 200) {
                reply.status(spec.status);
            }
            return result;
        },
    });
}

const publicLimiters = new WeakMap<GatewayContext, RateLimiter>();

/** The bearer token's identity when there is a token; else the rate-limited public actor. */
function authenticateOrPublic(context: GatewayContext) {
    const withToken = authenticate(context);
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
        if (bearerToken(request)) {
            return withToken(request, reply);
        }
        let limiter = publicLimiters.get(context);
        if (!limiter) {
            limiter = new RateLimiter(publicRateLimit());
            publicLimiters.set(context, limiter);
        }
        const wait = limiter.take(request.ip);
        if (wait > 0) {
            await reply
                .status(429)
                .header('retry-after', String(wait))
                .send({
                    code: 'RATE_LIMITED',
                    message: `more than ${limiter.limit} calls a minute without a token from this address; retry in ${wait} s or send a bearer token`,
                });
            return;
        }
        request.actor = await publicActor(context);
    };
}

/** Path parameters, each an id of the usual form. */
export function idParams(...names: string[]): object {
    return {
        type: 'object',
        required: names,
        properties: Object.fromEntries(names.map((n) => [n, { type: 'string', minLength: 1, maxLength: 128 }])),
    };
}

export const pageQuery = {
    type: 'object',
    properties: {
        pageSize: { type: 'integer', minimum: 1, maximum: 200 },
        bookmark: { type: 'string', maxLength: 2048 },
    },
} as const;

export interface PageQuery {
    pageSize?: number;
    bookmark?: string;
}

export function pageOf(item: object): object {
    return {
        type: 'object',
        required: ['items', 'bookmark'],
        properties: { items: { type: 'array', items: item }, bookmark: { type: 'string' } },
    };
}
