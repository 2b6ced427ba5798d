import * as http from 'node:http';
import * as https from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { TokenStore } from '../auth/token-store';
import { bearerToken } from './actor';

/** One org's gateway (built by `buildServer`, not listening) behind the consortium's port. */
export interface OrgGateway {
    org: string;
    app: FastifyInstance;
    tokens: TokenStore;
}

/** PEM key and certificate chain the gateway serves HTTPS with (CARELEDGER_TLS_KEY / CARELEDGER_TLS_CERT). */
export interface TlsFiles {
    key: string | Buffer;
    cert: string | Buffer;
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
export function consortiumServer(gateways: readonly OrgGateway[], tls?: TlsFiles): http.Server {
    if (gateways.length === 0) {
        throw new Error('a consortium server needs at least one org');
    }
    const first = gateways[0].app.server;
    const route = (request: http.IncomingMessage, response: http.ServerResponse) => {
        const { gateway, url } = gatewayFor(gateways, request);
        request.url = url;
        gateway.app.routing(request, response);
    };
    // HTTPS when given the org's TLS key and certificate; https.Server is an http.Server.
    const server: http.Server = tls
        ? https.createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, route)
        : http.createServer(route);
    // The first gateway's answers to requests Node cannot parse (bad request line, 431).
    server.on('clientError', (error, socket) => first.emit('clientError', error, socket));
    server.keepAliveTimeout = first.keepAliveTimeout;
    server.requestTimeout = first.requestTimeout;
    return server;
}
