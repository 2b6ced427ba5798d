import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { TokenStore } from '../auth/token-store';
import {
    DocumentService,
    ehrDocumentLedger,
    MemoryDocumentStore,
    type DocumentLedger,
    type DocumentStore,
} from '../documents';
import { WebhookDispatcher } from '../events/webhooks';
import type { Ledger, SigningIdentity } from '../ledger';
import { withRetry, type RetryOptions } from '../ledger/retry';
import { signingIdentityOf } from './actor';
import type { GatewayContext } from './context';
import { errorBodySchema, installErrorHandler } from './errors';
import { Metrics } from './metrics';
import { registerRoutes } from './routes';
import { registerWebApp, type WebAppOptions } from './web-app';

/**
 * One organisation's REST gateway over a ledger. The caller owns the ledger (and closes it);
 * `app.close()` stops accepting requests, ends event streams, stops webhook delivery and waits
 * for requests in flight.
 */
export interface GatewayServerOptions {
    ledger: Ledger;
    /** The org this gateway serves, e.g. `hospital`. */
    org: string;
    tokens: TokenStore;
    /** Key sealing webhook identities at rest. */
    secretKey: Buffer;
    /** Folder for webhook registrations and checkpoints; undefined keeps them in memory. */
    stateDir?: string;
    documents?: DocumentStore;
    /** How documents reach the ledger; default: the EHR contract's pointer and audited-access transactions. */
    documentLedger?: DocumentLedger;
    publicUrl?: string;
    logger?: FastifyServerOptions['logger'];
    retry?: RetryOptions;
    /** Demo-user name whose identity answers `/readyz` (a read-only WhoAmI); default `admin`. */
    readinessUser?: string;
    /** Serve `/docs` (default true). */
    docsUi?: boolean;
    /** The web app at `/` and its `/app/config` (demo personas); see web-app.ts. */
    web?: WebAppOptions;
}

declare module 'fastify' {
    interface FastifyRequest {
        /** The error this request ended with, for its log line. */
        failure?: Error;
    }
}

/**
 * The request's one log line, with its outcome: the caller's mistakes (4xx, including every
 * contract rejection) at info, server-side failures at error. The error's code and field are
 * in the line; the full error of a 5xx is logged where it is handled.
 */
function logOutcome(request: FastifyRequest, statusCode: number, elapsedMs: number): void {
    const failure = request.failure as (Error & { code?: string; field?: string }) | undefined;
    const line = {
        method: request.method,
        url: request.url,
        status: statusCode,
        ms: Math.round(elapsedMs * 10) / 10,
        ...(request.actor ? { as: `${request.actor.org}/${request.actor.user}` } : {}),
        ...(failure ? { code: failure.code ?? failure.name, ...(failure.field ? { field: failure.field } : {}) } : {}),
    };
    if (statusCode >= 500) {
        request.log.error(line, 'request failed');
    } else {
        request.log.info(line, statusCode >= 400 ? 'request refused' : 'request');
    }
}

export async function buildServer(options: GatewayServerOptions): Promise<FastifyInstance> {
    const orgs = await options.ledger.identities.orgs();
    const mspId = orgs.find((o) => o.org === options.org)?.mspId;
    if (!mspId) {
        throw new Error(
            `org "${options.org}" is not in this ledger's consortium (${orgs.map((o) => o.org).join(', ')})`,
        );
    }
    const app = Fastify({
        logger: options.logger ?? false,
        bodyLimit: 16 * 1024 * 1024,
        // Requests and logs carry a request id; clients may pass their own.
        requestIdHeader: 'x-request-id',
        // One line per request, written in onResponse below, instead of Fastify's two.
        logController: new LogController({ disableRequestLogging: true }),
        ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    });
    const metrics = new Metrics();
    let markClosing: () => void = () => undefined;
    const closing = new Promise<void>((resolve) => (markClosing = resolve));
    const connect = (identity: SigningIdentity) =>
        withRetry(options.ledger.connect(identity), { ...options.retry, onRetry: () => metrics.retries.inc() });
    const webhooks = new WebhookDispatcher({
        dir: options.stateDir,
        key: options.secretKey,
        connect: async (grant) => connect(await signingIdentityOf(options, grant)),
        onDelivery: (_hook, _event, outcome) =>
            metrics.webhookDeliveries.inc({ outcome: outcome.status && outcome.status < 300 ? 'delivered' : 'failed' }),
    });
    const documentLedger = options.documentLedger ?? ehrDocumentLedger;
    const context: GatewayContext = {
        ledger: options.ledger,
        org: options.org,
        mspId,
        tokens: options.tokens,
        webhooks,
        documents: new DocumentService(options.documents ?? new MemoryDocumentStore(), documentLedger),
        metrics,
        publicUrl: options.publicUrl ?? 'http://127.0.0.1',
        connect,
        closing,
    };

    app.addSchema(errorBodySchema);
    installErrorHandler(app);
    await app.register(swagger, {
        openapi: {
            openapi: '3.0.3',
            info: {
                title: `CareLedger gateway (${options.org})`,
                version: '0.1.0',
                description:
                    'REST face of one organisation on the CareLedger consortium ledger. Every call acts as the ' +
                    'enrolled identity its bearer token was issued for; the chaincode decides access from that ' +
                    'identity. Errors: `{ code, field?, message }` with 400/401/403/404/409/503.',
            },
            components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
            tags: [
                { name: 'system', description: 'Liveness and identity' },
                { name: 'auth', description: 'Enrolment and bearer tokens' },
                { name: 'events', description: 'Chaincode events: server-sent events and webhooks' },
                { name: 'offline', description: 'Offline signing: the client keeps its private key' },
                { name: 'ehr', description: 'Health records, consent and audit' },
                { name: 'documents', description: 'Off-chain documents with on-ledger pointers' },
                { name: 'supply', description: 'Drug supply chain: products, lots, units, shipments' },
                { name: 'credentials', description: 'Practitioner credentials and status lists' },
                { name: 'standards', description: 'EPCIS, DSCSA verification, W3C VC' },
                { name: 'operations', description: 'Health, readiness, metrics' },
            ],
        },
        refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
    });
    if (options.docsUi ?? true) {
        await app.register(swaggerUi, { routePrefix: '/docs' });
    }
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    app.addHook('onError', async (request, _reply, error) => {
        request.failure = error;
    });
    app.addHook('onResponse', async (request, reply) => {
        const route = request.routeOptions.url ?? 'unmatched';
        logOutcome(request, reply.statusCode, reply.elapsedTime);
        metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
        metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
    app.addHook('preClose', async () => markClosing());
    app.addHook('onClose', async () => webhooks.close());

    registerRoutes(app, context, { readinessUser: options.readinessUser ?? 'admin' });
    await registerWebApp(app, { org: options.org, mspId, ledger: options.ledger.kind }, options.web);
    await app.ready();
    webhooks.start();
    return app;
}
