import * as http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { TokenStore } from '../auth/token-store';
import { bearerToken } from './actor';

/** One org's gateway (built by `buildServer`, not listening) behind the consortium's port. */
export interface OrgGateway {
    org: string;
    app: FastifyInstance;
    tokens: TokenStore;
}

/** Path prefix that addresses an org's gateway explicitly: `/orgs/<org>/...`. */
export const orgPathPrefix = '/orgs/';

/**
 * Which org's gateway serves a request: the org named by an `/orgs/<org>/` prefix (which is
 * removed), else the org whose token store issued the bearer token, else the first org.
 * The chosen gateway still authenticates the token itself; this only routes.
 */
export function gatewayFor(
    gateways: readonly OrgGateway[],
    request: Pick<http.IncomingMessage, 'url' | 'headers'>,
): { gateway: OrgGateway; url: string } {
    const url = request.url ?? '/';
    if (url.startsWith(orgPathPrefix)) {
        const rest = url.slice(orgPathPrefix.length);
        const end = rest.search(/[/?]|$/);
        const named = gateways.find((g) => g.org === rest.slice(0, end));
        if (named) {
            const tail = rest.slice(end);
            return { gateway: named, url: tail.startsWith('/') ? tail : `/${tail}` };
        }
    }
    const token = bearerToken(request as never);
    const issuer = token ? gateways.find((g) => g.tokens.resolve(token) !== undefined) : undefined;
    return { gateway: issuer ?? gateways[0], url };
}

/**
 * One HTTP server for every org of the consortium: each request goes to its org's gateway
 * (see {@link gatewayFor}). Every gateway must be `ready()`; the first answers malformed
 * requests and requests without a token.
 */
export function consortiumServer(gateways: readonly OrgGateway[]): http.Server {
    if (gateways.length === 0) {
        throw new Error('a consortium server needs at least one org');
    }
    const first = gateways[0].app.server;
    const server = http.createServer((request, response) => {
        const { gateway, url } = gatewayFor(gateways, request);
        request.url = url;
        gateway.app.routing(request, response);
    });
    // The first gateway's answers to requests Node cannot parse (bad request line, 431).
    server.on('clientError', (error, socket) => first.emit('clientError', error, socket));
    server.keepAliveTimeout = first.keepAliveTimeout;
    server.requestTimeout = first.requestTimeout;
    return server;
}
