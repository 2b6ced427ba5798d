import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { TokenStore } from '../auth/token-store';
import { UserSecrets } from '../auth/user-secrets';
import {
    DocumentService,
    ehrDocumentLedger,
    MemoryDocumentStore,
    type DocumentLedger,
    type DocumentStore,
} from '../documents';
import { WebhookDispatcher } from '../events/webhooks';
import { CredentialIssuer } from '../credentials/issuer';
import { generateIssuingKey, loadOrCreateIssuingKey, type IssuingKey } from '../credentials/issuing-key';
import { completePendingPointers, FilePendingPointerJournal } from '../ehr';
import type { Ledger, SigningIdentity } from '../ledger';
import { withRetry, type RetryOptions } from '../ledger/retry';
import { authenticate, signingIdentityOf } from './actor';
import type { GatewayContext } from './context';
import { clientErrorResponse, errorBodySchema, HttpError, installErrorHandler, sendError } from './errors';
import { installBookmarkCodec } from './bookmarks';
import { parseJsonBody } from './json-body';
import { installCreatedLocations } from './locations';
import { Metrics } from './metrics';
import type { HistoryIndex } from '../history';
import { registerRoutes } from './routes';
import { registerWebApp, type WebAppOptions } from './web-app';
import { addMeaning, registerConsortiumMembers, strictValidatorCompiler } from './validation';

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
    /** Users' own secrets for new tokens; default in memory (a file in production: see main.ts). */
    secrets?: UserSecrets;
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
    /** The org's history index (history/): served under /history; the caller starts and closes it. */
    history?: HistoryIndex;
    /** Serve `/docs` (default true). */
    docsUi?: boolean;
    /** The web app at `/` and its `/app/config` (demo personas); see web-app.ts. */
    web?: WebAppOptions;
    /**
     * Requests per minute per caller on authentication and expensive routes (see `rateLimitedRoutes`);
     * `false` turns limiting off (load tests, fuzzing). Default: the limits in `rateLimitedRoutes`.
     */
    rateLimit?: false | { scale: number };
    /** Serve HTTPS with this key and certificate (PEM), e.g. the org's TLS certificate. See docs/http.md. */
    https?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
    /** Largest JSON body in bytes on routes that carry no documents (default 1 MiB). */
    bodyLimit?: number;
    /**
     * The org's credential-issuing key (P-256, PKCS#8 PEM): made there on first start when
     * absent (main.ts: `<dataDir>/gateway/<org>/issuing-key.pem`). Without it, one key per org
     * and ledger lives in this process's memory (tests).
     */
    issuingKeyFile?: string;
    /**
     * Folder of the durable intent journal of two-step pointer registrations: what a gateway that
     * stopped between a pointer and its location left is completed (or flagged) before the server
     * is returned. Undefined: no journal (a crash between the steps leaves a pending pointer that
     * the custodian sees in GET /ehr/records/pending and may cancel).
     */
    pendingJournalDir?: string;
}

/** Issuing keys of gateways without a key file: one per ledger and org, so gateways of one org agree. */
const processIssuingKeys = new WeakMap<Ledger, Map<string, IssuingKey>>();

function issuingKeyFor(options: GatewayServerOptions): IssuingKey {
    if (options.issuingKeyFile) {
        return loadOrCreateIssuingKey(options.issuingKeyFile);
    }
    let keys = processIssuingKeys.get(options.ledger);
    if (!keys) {
        keys = new Map();
        processIssuingKeys.set(options.ledger, keys);
    }
    let key = keys.get(options.org);
    if (!key) {
        key = generateIssuingKey();
        keys.set(options.org, key);
    }
    return key;
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

/**
 * Routes limited per caller (bearer token, or client address without one), per minute. Authentication
 * is limited hardest (guessing); then the routes that cost the ledger or the disk the most.
 */
export const rateLimitedRoutes: Array<{ method: string; url: RegExp; max: number }> = [
    { method: 'POST', url: /^\/auth\//, max: 30 },
    { method: 'DELETE', url: /^\/auth\//, max: 30 },
    { method: 'POST', url: /^\/documents$/, max: 120 },
    { method: 'GET', url: /^\/documents\//, max: 600 },
    { method: 'GET', url: /^\/events$/, max: 60 },
    { method: 'POST', url: /^\/webhooks$/, max: 60 },
    { method: 'POST', url: /^\/offline\//, max: 600 },
    { method: 'POST', url: /commission$|^\/supply\/(pack|ship|receive)$/, max: 600 },
    { method: 'POST', url: /break-glass$/, max: 30 },
];

/** Routes that carry a whole document in their JSON body (base64) accept up to this many bytes. */
export const documentBodyLimit = 24 * 1024 * 1024;

export async function buildServer(options: GatewayServerOptions): Promise<FastifyInstance> {
    const orgs = await options.ledger.identities.orgs();
    const mspId = orgs.find((o) => o.org === options.org)?.mspId;
    if (!mspId) {
        throw new Error(
            `org "${options.org}" is not in this ledger's consortium (${orgs.map((o) => o.org).join(', ')})`,
        );
    }
    registerConsortiumMembers(orgs.map((o) => o.mspId));
    const app = Fastify({
        logger: options.logger ?? false,
        bodyLimit: options.bodyLimit ?? 1024 * 1024,
        // Ids in paths are validated by the route (400 naming the field), not cut off by the router (404).
        routerOptions: { maxParamLength: 1024 },
        // Requests and logs carry a request id; clients may pass their own.
        requestIdHeader: 'x-request-id',
        // Registering the web app's static files takes seconds on a starved CPU (CI, a shared machine
        // starting several gateways at once); Fastify's 10 s plugin timeout then aborts a healthy start.
        pluginTimeout: 120_000,
        // One line per request, written in onResponse below, instead of Fastify's two.
        logController: new LogController({ disableRequestLogging: true }),
        ...(options.https ? { https: options.https } : {}),
        // Malformed URLs (FST_ERR_BAD_URL) are answered by the router itself unless told otherwise.
        frameworkErrors: (error, request, reply) => void sendError(request, reply, error),
        // Node's HTTP parser refuses some requests (431, malformed lines) before Fastify: same error shape.
        clientErrorHandler: (error: Error & { code?: string }, socket) => {
            if (socket.writable) {
                socket.end(clientErrorResponse(error));
            } else {
                socket.destroy(error);
            }
        },
    });
    // JSON bodies taken as sent: no coercion between types (path and query read as their declared types).
    app.setValidatorCompiler(strictValidatorCompiler);
    // JSON is the only media type a body may have (text/plain would reach the schema as a string).
    app.removeAllContentTypeParsers();
    // W3C VC 2.0 media types (and their JSON-LD predecessors) carry JSON too.
    const jsonTypes = ['application/json', 'application/vc', 'application/vp', 'application/ld+json'];
    app.addContentTypeParser(jsonTypes, { parseAs: 'string' }, (_request, body, done) => {
        try {
            done(null, parseJsonBody(body as string));
        } catch (error) {
            done(error as Error, undefined);
        }
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
        secrets: options.secrets ?? new UserSecrets(),
        webhooks,
        documents: new DocumentService(options.documents ?? new MemoryDocumentStore(), documentLedger),
        metrics,
        // Without a configured public URL, the address the server listens on (known after listen).
        get publicUrl(): string {
            if (options.publicUrl) return options.publicUrl;
            const addresses = app.addresses().filter((a): a is AddressInfo => typeof a === 'object');
            const address = addresses.find((a) => a.family === 'IPv4') ?? addresses[0];
            if (!address) return 'http://127.0.0.1';
            const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
            return `${options.https ? 'https' : 'http'}://${host}:${address.port}`;
        },
        issuer: undefined as unknown as CredentialIssuer,
        connect,
        closing,
        history: options.history,
        pendingJournal: options.pendingJournalDir
            ? new FilePendingPointerJournal(options.pendingJournalDir)
            : undefined,
    };
    context.issuer = new CredentialIssuer({
        mspId,
        key: issuingKeyFor(options),
        publicUrl: () => context.publicUrl,
        adminSession: async () => connect(await options.ledger.identities.get(options.org, 'admin')),
    });

    // Every route answering with the bearer scheme authenticates first (onRequest): a request without
    // a valid token gets 401 before its body is parsed or validated. The path/method table answers 405.
    const routeTable: Array<{ pattern: RegExp; methods: Set<string> }> = [];
    const limits = options.rateLimit === false ? undefined : (options.rateLimit?.scale ?? 1);
    const authenticated = authenticate(context);
    app.addHook('onRoute', (route) => {
        const url = route.url ?? route.path;
        const methods = ([] as string[]).concat(route.method);
        const pattern = new RegExp(`^${url.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`);
        let entry = routeTable.find((r) => r.pattern.source === pattern.source);
        if (!entry) {
            entry = { pattern, methods: new Set() };
            routeTable.push(entry);
        }
        methods.forEach((m) => entry.methods.add(m));
        const schema = route.schema as
            | { security?: Array<Record<string, unknown>>; body?: unknown; params?: unknown; querystring?: unknown }
            | undefined;
        [schema?.body, schema?.params, schema?.querystring].forEach((part) => addMeaning(part));
        // Routes that also answer without a token (security lists `{}`) authenticate in their own preHandler.
        const optional = schema?.security?.some((s) => Object.keys(s).length === 0) ?? false;
        if (!optional && schema?.security?.some((s) => 'bearer' in s)) {
            route.onRequest = [
                authenticated,
                ...([] as unknown[]).concat(route.onRequest ?? []),
            ] as typeof route.onRequest;
        }
        if (methods.includes('POST') && url === '/documents') {
            route.bodyLimit = documentBodyLimit;
        }
        const limit = rateLimitedRoutes.find((r) => methods.includes(r.method) && r.url.test(url));
        if (limit && limits !== undefined) {
            route.config = {
                ...(route.config as object),
                rateLimit: { max: Math.ceil(limit.max * limits), timeWindow: 60_000 },
            };
        }
    });
    await app.register(rateLimit, {
        global: false,
        // Per token when one is sent (many users share a hospital's NAT), per client address otherwise.
        keyGenerator: (request) => {
            const header = request.headers.authorization;
            return header ? `t:${createHash('sha256').update(header).digest('base64url')}` : `a:${request.ip}`;
        },
        errorResponseBuilder: (_request, context) =>
            new HttpError(
                'RATE_LIMITED',
                `more than ${context.max} requests in ${context.after}; retry after ${context.after}`,
            ),
    });
    await app.register(helmet, {
        global: true,
        // The API answers JSON: nothing in it may load anything. /docs sets its own policy (staticCSP).
        contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
        crossOriginResourcePolicy: { policy: 'same-origin' },
    });
    installBookmarkCodec(app);
    installCreatedLocations(app);
    app.addSchema(errorBodySchema);
    installErrorHandler(app, (path) => {
        const entry = routeTable.find((r) => r.pattern.test(path));
        return entry ? [...entry.methods].filter((m) => m !== 'HEAD').sort() : [];
    });
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
                { name: 'history', description: 'History index: ledger history for regulators, reports, verification' },
            ],
        },
        refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
    });
    if (options.docsUi ?? true) {
        await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
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
        // One audit line for every state-changing request, administrative actions included:
        // who (org/user of the token), what (method and route), and the outcome.
        if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS') {
            request.log.info(
                {
                    audit: {
                        org: request.actor?.org ?? context.org,
                        user: request.actor?.user ?? null,
                        action: `${request.method} ${route}`,
                        status: reply.statusCode,
                    },
                },
                'audit',
            );
        }
    });
    app.addHook('preClose', async () => markClosing());
    app.addHook('onClose', async () => webhooks.close());

    registerRoutes(app, context, { readinessUser: options.readinessUser ?? 'admin' });
    await registerWebApp(app, { org: options.org, mspId, ledger: options.ledger.kind }, options.web);
    await app.ready();
    webhooks.start();
    if (context.pendingJournal) {
        await recoverPendingPointers(app, context, context.pendingJournal);
    }
    return app;
}

/**
 * Completes the two-step registrations a previous run of this gateway left between their steps,
 * signing as the clinician who began each (ehr/recovery.ts). Never fatal: what cannot be done now
 * is deferred or flagged, and the server starts either way.
 */
async function recoverPendingPointers(
    app: FastifyInstance,
    context: GatewayContext,
    journal: FilePendingPointerJournal,
): Promise<void> {
    try {
        const report = await completePendingPointers(journal, async (org, user) =>
            context.connect(await context.ledger.identities.get(org, user)),
        );
        if (report.completed.length + report.flagged.length + report.deferred.length > 0) {
            app.log.warn(
                {
                    pendingPointers: {
                        completed: report.completed,
                        flagged: report.flagged.map((f) => f.recordId),
                        deferred: report.deferred,
                    },
                },
                'completed the pointer registrations a previous run left between their two steps',
            );
        }
    } catch (error) {
        app.log.error({ err: error }, 'pending pointer recovery failed; it runs again at the next start');
    }
}
