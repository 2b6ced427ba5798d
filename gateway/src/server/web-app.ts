import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../ledger/config';

/**
 * The web app (web/, built to web/dist) served at `/`, and the one document it reads before
 * anyone signs in: `GET /app/config` — which org and ledger this gateway serves and, on a
 * development ledger with demo tokens on, the demo personas to pick from. Everything else the
 * app does goes through the documented REST API with the signed-in persona's bearer token.
 */
export interface WebPersona {
    org: string;
    user: string;
    role: string;
    /** The pseudonymous id in the persona's certificate (careledger.id). */
    actorId: string;
    /** A demo bearer token: development ledgers only. */
    token: string;
    /** The gateway serving this persona's org (the app moves there when the persona is picked). */
    url: string;
}

export interface WebAppOptions {
    /** Folder of the built app; default `<repo>/web/dist`. Nothing is served at `/` when it is missing. */
    root?: string;
    /** The demo personas offered on the sign-in page (empty: the user pastes a token). */
    personas?: () => WebPersona[];
}

const configSchema = {
    type: 'object',
    required: ['org', 'mspId', 'ledger', 'personas'],
    properties: {
        org: { type: 'string' },
        mspId: { type: 'string' },
        ledger: { type: 'string', enum: ['embedded', 'fabric'] },
        personas: {
            type: 'array',
            items: {
                type: 'object',
                required: ['org', 'user', 'role', 'actorId', 'token', 'url'],
                properties: {
                    org: { type: 'string' },
                    user: { type: 'string' },
                    role: { type: 'string' },
                    actorId: { type: 'string' },
                    token: { type: 'string' },
                    url: { type: 'string' },
                },
            },
        },
    },
} as const;

const appContentSecurityPolicy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
].join('; ');

export async function registerWebApp(
    app: FastifyInstance,
    gateway: { org: string; mspId: string; ledger: 'embedded' | 'fabric' },
    options: WebAppOptions = {},
): Promise<void> {
    app.get(
        '/app/config',
        {
            schema: {
                tags: ['system'],
                summary: 'What the web app needs before sign-in: org, ledger kind, demo personas (development only)',
                response: { 200: configSchema },
            },
        },
        async () => ({ ...gateway, personas: options.personas?.() ?? [] }),
    );
    const root = options.root ?? path.join(projectRoot(), 'web', 'dist');
    if (!fs.existsSync(path.join(root, 'index.html'))) {
        app.log.warn({ root }, 'web app not built (npm run build): nothing served at /');
        return;
    }
    // Only the built files: no directory listings, no fallthrough into API paths. The app's pages
    // get their own Content-Security-Policy (the API's is `default-src 'none'`): own-origin
    // scripts, styles and calls only.
    await app.register(async (scope) => {
        scope.addHook('onSend', async (_request, reply, payload) => {
            reply.header('content-security-policy', appContentSecurityPolicy);
            return payload;
        });
        await scope.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
    });
}

/** Demo personas of every org in `consortium.json` that has tokens, each at its gateway's URL. */
export function demoPersonas(
    consortiumFile: string,
    tokensByOrg: Record<string, { url: string; tokens: Record<string, string> }>,
): WebPersona[] {
    const consortium = JSON.parse(fs.readFileSync(consortiumFile, 'utf8')) as {
        orgs: Array<{ org: string; users: Array<{ name: string; role: string; id: string }> }>;
        addableOrgs?: Array<{ org: string; users: Array<{ name: string; role: string; id: string }> }>;
    };
    const personas: WebPersona[] = [];
    for (const org of [...consortium.orgs, ...(consortium.addableOrgs ?? [])]) {
        const served = tokensByOrg[org.org];
        for (const user of org.users) {
            const token = served?.tokens[user.name];
            if (served && token) {
                personas.push({
                    org: org.org,
                    user: user.name,
                    role: user.role,
                    actorId: user.id,
                    token,
                    url: served.url,
                });
            }
        }
    }
    return personas;
}
