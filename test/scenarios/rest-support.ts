import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from '../../gateway/src/auth/token-store';
import { buildServer, type GatewayServerOptions } from '../../gateway/src/server/app';
import { keepArtefact } from '../interop/artefacts';
import type { ScenarioLedger } from '../support/ledger';

/**
 * REST scenarios: one in-process gateway per org over the scenario ledger, bound to
 * 127.0.0.1 on a free port, called over real HTTP. Every response is validated against the
 * OpenAPI document the server itself generates, so a route that answers outside its schema
 * fails the scenario.
 */
export interface RestGateway {
    org: string;
    url: string;
    app: FastifyInstance;
    tokens: TokenStore;
    /** A token for an enrolled user of this org, issued straight into the token store. */
    token(user: string): Promise<string>;
    call<T = unknown>(
        method: string,
        path: string,
        options?: { token?: string; body?: unknown; headers?: Record<string, string> },
    ): Promise<RestResponse<T>>;
}

export interface RestResponse<T> {
    status: number;
    body: T;
    headers: Headers;
}

export async function startGateway(
    env: ScenarioLedger,
    org: string,
    options: Partial<GatewayServerOptions> = {},
): Promise<RestGateway> {
    const tokens = new TokenStore(Buffer.alloc(32, 5));
    const app = await buildServer({
        ledger: env.ledger,
        org,
        tokens,
        secretKey: Buffer.alloc(32, 6),
        docsUi: false,
        ...options,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const spec = (await (await fetch(`${url}/openapi.json`)).json()) as OpenApi;
    const validator = new ResponseValidator(spec);
    const issued = new Map<string, string>();
    return {
        org,
        url,
        app,
        tokens,
        async token(user) {
            let token = issued.get(user);
            if (!token) {
                token = tokens.issue(org, user, await env.ledger.identities.get(org, user));
                issued.set(user, token);
            }
            return token;
        },
        async call(method, path, options = {}) {
            const response = await fetch(`${url}${path}`, {
                method,
                headers: {
                    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
                    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
                    ...options.headers,
                },
                body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
            });
            const bytes = Buffer.from(await response.arrayBuffer());
            const text = bytes.toString('utf8');
            const type = response.headers.get('content-type') ?? '';
            // JSON, and the W3C VC 2.0 media types (application/vc, application/vp), which are JSON-LD.
            const json = type.includes('json') || /^application\/v[cp]\b/.test(type);
            const body = json && text ? JSON.parse(text) : type.startsWith('text/') || !text ? text : bytes;
            validator.check(method, path, response.status, type, body);
            keepArtefact(method, path, response.status, type, body);
            return { status: response.status, body, headers: response.headers };
        },
    };
}

interface OpenApi {
    paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
    >;
    components?: { schemas?: Record<string, object> };
}

/** Checks responses against the generated OpenAPI 3 document (status documented, JSON bodies valid). */
export class ResponseValidator {
    private readonly ajv = new Ajv({ strict: false, allErrors: true });
    private readonly compiled = new Map<string, ValidateFunction>();
    private readonly routes: Array<{ template: string; pattern: RegExp }>;

    constructor(private readonly spec: OpenApi) {
        addFormats(this.ajv);
        // OpenAPI 3.0 keywords that are not JSON Schema.
        this.ajv.addKeyword('example');
        this.ajv.addSchema({ ...spec, $id: 'openapi' } as object);
        this.routes = Object.keys(spec.paths).map((template) => ({
            template,
            pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        }));
    }

    check(method: string, path: string, status: number, contentType: string, body: unknown): void {
        const bare = path.split('?')[0];
        // A static segment wins over a parameter, as in the router (`/credentials/verify` before `/credentials/{id}`).
        const route = this.routes
            .filter((r) => r.pattern.test(bare))
            .sort((a, b) => a.template.split('{').length - b.template.split('{').length)[0];
        if (!route) {
            if (status === 404) return;
            throw new Error(`${method} ${bare} is not in the OpenAPI document`);
        }
        const operation = this.spec.paths[route.template][method.toLowerCase()];
        if (!operation) {
            throw new Error(`${method} ${route.template} is not in the OpenAPI document`);
        }
        const documented = operation.responses[String(status)];
        if (!documented) {
            throw new Error(
                `${method} ${route.template} answered ${status}, which the OpenAPI document does not list: ${JSON.stringify(body)}`,
            );
        }
        const media = documented.content?.['application/json'];
        if (!media || !contentType.includes('json')) {
            return;
        }
        const pointer = [
            'paths',
            route.template,
            method.toLowerCase(),
            'responses',
            String(status),
            'content',
            'application/json',
            'schema',
        ]
            .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
            .join('/');
        let validate = this.compiled.get(pointer);
        if (!validate) {
            validate = this.ajv.compile({ $ref: `openapi#/${pointer}` });
            this.compiled.set(pointer, validate);
        }
        if (!validate(body)) {
            throw new Error(
                `${method} ${route.template} ${status} does not match its OpenAPI schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
            );
        }
    }
}
