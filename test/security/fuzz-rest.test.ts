import fc from 'fast-check';
import * as http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from '../../gateway/src/auth/token-store';
import { loadLedgerConfig } from '../../gateway/src/ledger';
import { openEmbeddedLedger, type EmbeddedLedger } from '../../gateway/src/ledger/embedded';
import { HistoryIndex } from '../../gateway/src/history';
import { buildServer } from '../../gateway/src/server/app';
import { AuditEventExtension, isFhirPath } from '../../gateway/src/standards/fhir';
import {
    fuzzRuns,
    fuzzSeed,
    hostileBodyText,
    hostileUrlString,
    hostileValue,
    inShard,
    shortReport,
} from './arbitraries';
import { FuzzSummary } from './fuzz-summary';

/**
 * Issue #17, bad input by the ten thousand, REST side: every route of the gateway gets hostile
 * path parameters, query strings and bodies (wrong types, missing and extra fields, prototype
 * keys, huge and control-character strings, deep JSON, oversized and non-JSON bodies), from
 * callers of every role of every org and from no one. Every answer arrives (no hang), is never a
 * 5xx, is in the one error shape when it is an error (a 400 names its field; under /fhir/r4, the
 * documented exemption, a typed OperationOutcome naming the field instead), and no refused
 * request changes the ledger: the embedded ledger's world-state digest (public, every collection's
 * private data, the hashes every peer holds; kept by its state store on each commit) and its block
 * count are equal before and after every refusal, except for denials the ledger audits (403 with
 * auditId), which commit their audit entry. At the end of each route the running digest must equal
 * the digest recomputed from every entry. `FUZZ_RUNS` per route; figures in fuzz-results/rest.json.
 */
jest.setTimeout(6 * 60 * 60 * 1000);

const hangAfterMs = 30_000;
/** Test slots for routes (jest needs the tests before the server lists its routes). */
const routeSlots = 120;
const skipped = new Set(['/docs', '/openapi.json', '/healthz', '/readyz', '/metrics']);

interface Operation {
    method: string;
    path: string;
    params: string[];
    query: Record<string, { enum?: unknown[] }>;
    body?: { properties?: Record<string, { type?: string; enum?: unknown[] }>; required?: string[] };
    secured: boolean;
}

/** Values that pass the first checks of common fields, so inputs get past the schema into the contracts. */
const plausible: Record<string, unknown[]> = {
    patientId: ['pat-7c1e04a9', 'pat-2b9d51f0'],
    recordId: ['rec-fuzz-1', 'rec-x'],
    id: ['rec-fuzz-1', 'c-1'],
    mspId: ['HospitalMSP', 'DistributorMSP', 'RegulatorMSP'],
    actorId: ['prac-hosp-0001', 'pat-7c1e04a9'],
    gtin: ['09506000134352', '00312345678906'],
    lot: ['LOT-A1'],
    expiry: ['291231', '2029-12-31'],
    purpose: ['TREAT'],
    purposes: [['TREAT']],
    message: ['hello'],
    user: ['nurse-x', 'patient1'],
    contentType: ['application/pdf'],
    content: ['aGVsbG8='],
    type: [{ system: 'http://loinc.org', code: '11506-3' }],
};

describe('fuzz: every REST route, hostile input, every role', () => {
    let ledger: EmbeddedLedger;
    let history: HistoryIndex;
    let blocks = 0;
    const gateways = new Map<string, FastifyInstance>();
    const urls = new Map<string, string>();
    const callers: Array<{ org: string; user: string; token?: string }> = [];
    let operations: Operation[] = [];
    const summary = new FuzzSummary('rest');

    beforeAll(async () => {
        ledger = await openEmbeddedLedger(
            { ...loadLedgerConfig({ CARELEDGER_LEDGER: 'embedded' }), dataDir: ':memory:' },
            { atCommitStep: (step) => (blocks += step === 'after-block-write' ? 1 : 0) },
        );
        // The /history routes are fuzzed against a live index (PGlite in memory), as npm start serves them:
        // without one they would all answer 503 and nothing of their input checks would be exercised.
        history = await HistoryIndex.open({
            databaseUrl: 'memory://',
            session: ledger.connect(await ledger.identities.get('regulator', 'admin')),
            source: `${ledger.kind}:careledger/careledger`,
        });
        history.start();
        for (const { org } of await ledger.identities.orgs()) {
            const tokens = new TokenStore(Buffer.alloc(32, 9));
            const app = await buildServer({
                ledger,
                org,
                tokens,
                secretKey: Buffer.alloc(32, 8),
                docsUi: false,
                rateLimit: false,
                history,
            });
            gateways.set(org, app);
            urls.set(org, await app.listen({ host: '127.0.0.1', port: 0 }));
            const users = [
                'admin',
                'physician1',
                'nurse1',
                'pharmacist1',
                'patient1',
                'patient2',
                'operator1',
                'inspector1',
            ];
            for (const user of users) {
                const identity = await ledger.identities.get(org, user).catch(() => undefined);
                if (identity) {
                    callers.push({ org, user, token: tokens.issue(org, user, identity) });
                }
            }
            callers.push({ org, user: '(no token)' }, { org, user: '(bad token)', token: 'clt_forged' });
        }
        await ledger.connect(await ledger.identities.get('hospital', 'patient1')).submit({
            contract: 'ehr',
            name: 'EnrolPatient',
        });
        const spec = gateways.get('hospital')!.swagger() as {
            paths: Record<
                string,
                Record<
                    string,
                    {
                        parameters?: Array<{ in: string; name: string; schema?: { enum?: unknown[] } }>;
                        requestBody?: { content?: Record<string, { schema?: Operation['body'] }> };
                        security?: unknown[];
                    }
                >
            >;
        };
        operations = Object.entries(spec.paths).flatMap(([template, methods]) =>
            skipped.has(template)
                ? []
                : Object.entries(methods).map(([method, op]) => ({
                      method: method.toUpperCase(),
                      path: template,
                      params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
                      query: Object.fromEntries(
                          (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}]),
                      ),
                      body: op.requestBody?.content?.['application/json']?.schema,
                      secured: (op.security ?? []).length > 0,
                  })),
        );
    });

    afterAll(async () => {
        summary.write();
        process.stdout.write(`${summary.text()}\n`);
        for (const app of gateways.values()) {
            await app.close();
        }
        await history?.close();
        await ledger?.close();
    });

    it('finds every route', () => {
        expect(operations.length).toBeGreaterThan(60);
        // One test slot per route below: a route past the last slot would go unfuzzed.
        expect(operations.length).toBeLessThanOrEqual(routeSlots);
    });

    it('the state digest it compares moves on a committed request and only then', async () => {
        const caller = callers.find((c) => c.org === 'hospital' && c.user === 'physician1')!;
        const ping = (message: unknown) =>
            call(
                `${urls.get('hospital')!}/system/ping`,
                {
                    method: 'POST',
                    headers: { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' },
                    body: JSON.stringify({ message }),
                },
                'POST /system/ping',
            );
        const before = ledger.stateDigest();
        expect((await ping('bad message!')).status).toBe(400);
        expect(ledger.stateDigest()).toBe(before);
        expect((await ping('digest canary')).status).toBe(200);
        expect(ledger.stateDigest()).not.toBe(before);
        expect(ledger.recomputeStateDigest()).toBe(ledger.stateDigest());
    });

    const input = fc.record({
        caller: fc.nat(),
        params: fc.array(hostileUrlString, { minLength: 4, maxLength: 4 }),
        query: fc.dictionary(
            fc.constantFrom('pageSize', 'bookmark', 'purpose', 'from', 'names', 'patientId', 'x'),
            hostileUrlString,
            { maxKeys: 3 },
        ),
        bodyKind: fc.constantFrom('shaped', 'shaped', 'shaped', 'text', 'value', 'wrong-type', 'none'),
        picks: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        hostile: fc.array(hostileValue, { minLength: 12, maxLength: 12 }),
        extra: fc.option(fc.tuple(fc.constantFrom('admin', 'role', '__proto__', 'constructor', 'x', ''), hostileValue)),
        text: hostileBodyText,
    });

    function pathOf(op: Operation, params: string[]): string {
        let i = 0;
        return op.path.replace(/\{[^}]+\}/g, () => {
            const value = params[i++] ?? '';
            try {
                return encodeURIComponent(value) || '%20';
            } catch {
                return '%ZZ';
            }
        });
    }

    function shapedBody(op: Operation, picks: number[], hostile: unknown[], extra: [string, unknown] | null): string {
        const body: Record<string, unknown> = {};
        Object.entries(op.body?.properties ?? {}).forEach(([name, schema], i) => {
            const pick = picks[i % picks.length] % 4;
            if (pick === 0) return; // missing
            const choices = schema.enum ?? plausible[name];
            body[name] =
                pick < 3 && choices
                    ? choices[picks[(i + 1) % picks.length] % choices.length]
                    : hostile[i % hostile.length];
        });
        if (extra) {
            Object.defineProperty(body, extra[0], {
                value: extra[1],
                enumerable: true,
                configurable: true,
                writable: true,
            });
        }
        return JSON.stringify(body);
    }

    it.each([...Array(routeSlots).keys()].filter(inShard))(
        'route #%i: never 5xx, never a hang, nothing committed on refusal',
        async (index) => {
            const op = operations[index];
            if (!op) {
                return; // fewer routes than slots: the route count is asserted above
            }
            const label = `${op.method} ${op.path}`;
            const figure = summary.begin(label);
            let passed = false;
            try {
                await fc.assert(
                    fc.asyncProperty(input, async (i) => {
                        figure.inputs += 1;
                        const caller = callers[i.caller % callers.length];
                        const base = urls.get(caller.org)!;
                        const url =
                            pathOf(op, i.params) +
                            (Object.keys(i.query).length
                                ? `?${new URLSearchParams(i.query as Record<string, string>).toString()}`
                                : '');
                        const hasBody = op.method !== 'GET' && op.method !== 'DELETE' && i.bodyKind !== 'none';
                        const payload = !hasBody
                            ? undefined
                            : i.bodyKind === 'shaped'
                              ? shapedBody(op, i.picks, i.hostile, i.extra)
                              : i.bodyKind === 'text'
                                ? i.text
                                : (JSON.stringify(i.hostile[0]) ?? 'null');
                        const headers: Record<string, string> = {};
                        if (caller.token) headers.authorization = `Bearer ${caller.token}`;
                        if (hasBody)
                            headers['content-type'] = i.bodyKind === 'wrong-type' ? 'text/plain' : 'application/json';
                        const blocksBefore = blocks;
                        const digestBefore = ledger.stateDigest();
                        let answer: Awaited<ReturnType<typeof call>>;
                        try {
                            answer = await call(`${base}${url}`, { method: op.method, headers, body: payload }, label);
                        } catch (error) {
                            if (error instanceof Hang) figure.hangs += 1;
                            throw error;
                        }
                        if (answer.status >= 500) {
                            figure.serverErrors += 1;
                            throw new Error(`${label} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
                        }
                        if (answer.status < 400) {
                            figure.accepted += 1;
                            return;
                        }
                        let code: string;
                        let auditId: unknown;
                        try {
                            if (isFhirPath(op.path) && !refusedBeforeRouting(answer)) {
                                // The documented exemption: FHIR clients read OperationOutcome, not the error body.
                                const outcome = fhirOutcome(label, answer);
                                code = outcome.code;
                                auditId = outcome.auditId;
                            } else {
                                const body = JSON.parse(answer.body) as {
                                    code?: unknown;
                                    message?: unknown;
                                    field?: unknown;
                                    auditId?: unknown;
                                };
                                if (typeof body.code !== 'string' || typeof body.message !== 'string') {
                                    throw new Error(
                                        `${label} ${answer.status} outside the error shape: ${answer.body.slice(0, 300)}`,
                                    );
                                }
                                if (answer.status === 400 && (typeof body.field !== 'string' || body.field === '')) {
                                    throw new Error(`${label} 400 without a field: ${answer.body.slice(0, 300)}`);
                                }
                                code = body.code;
                                auditId = body.auditId;
                            }
                        } catch (error) {
                            figure.untyped += 1;
                            throw error;
                        }
                        const refusal = `${answer.status} ${code}`;
                        figure.refused[refusal] = (figure.refused[refusal] ?? 0) + 1;
                        if (auditId) {
                            figure.auditedDenials += 1;
                            return; // the ledger committed its audit entry of the denial
                        }
                        if (ledger.stateDigest() !== digestBefore || blocks !== blocksBefore) {
                            figure.stateChangedOnRefusal += 1;
                            throw new Error(
                                `${label} refused with ${refusal} but the ledger changed (${blocks - blocksBefore} blocks)`,
                            );
                        }
                    }),
                    { numRuns: fuzzRuns, seed: fuzzSeed + index, endOnFailure: true, reporter: shortReport },
                );
                expect(ledger.recomputeStateDigest()).toBe(ledger.stateDigest());
                passed = true;
            } finally {
                figure.finish(passed);
            }
        },
    );
});

/**
 * Node's HTTP parser refuses oversized headers and malformed request lines before any route is found, so
 * those answers keep the gateway's error body even under /fhir/r4 (docs/http.md says so).
 */
function refusedBeforeRouting(answer: { status: number; body: string; type: string }): boolean {
    if (answer.type.includes('application/fhir+json')) return false;
    const body = JSON.parse(answer.body) as { code?: string; message?: string };
    return body.code === 'HEADERS_TOO_LARGE' || body.message === 'malformed HTTP request';
}

/**
 * A FHIR error as FHIR clients read it: `application/fhir+json`, an OperationOutcome whose issue
 * has a severity, a typed code and diagnostics; a 400 names the input in `expression`; an audited
 * denial names its AuditEvent. Throws when any of that is missing.
 */
function fhirOutcome(
    label: string,
    answer: { status: number; body: string; type: string },
): { code: string; auditId?: string } {
    const fail = (why: string) => new Error(`${label} ${answer.status} ${why}: ${answer.body.slice(0, 300)}`);
    if (!answer.type.includes('application/fhir+json'))
        throw fail(`answered ${answer.type}, not application/fhir+json`);
    const outcome = JSON.parse(answer.body) as {
        resourceType?: unknown;
        issue?: Array<{
            severity?: unknown;
            code?: unknown;
            diagnostics?: unknown;
            expression?: unknown[];
            extension?: Array<{ url: string; valueReference?: { reference?: string } }>;
        }>;
    };
    const issue = outcome.issue?.[0];
    if (outcome.resourceType !== 'OperationOutcome' || !issue) throw fail('is not an OperationOutcome');
    if (issue.severity !== 'error' || typeof issue.diagnostics !== 'string') throw fail('has no error diagnostics');
    const expected: Record<number, string> = {
        400: 'invalid',
        401: 'login',
        403: 'forbidden',
        404: 'not-found',
        409: 'conflict',
    };
    if (expected[answer.status] && issue.code !== expected[answer.status])
        throw fail(`issue code ${String(issue.code)}`);
    if (answer.status === 400 && !(typeof issue.expression?.[0] === 'string' && issue.expression[0] !== '')) {
        throw fail('names no field (expression)');
    }
    const audit = issue.extension?.find((e) => e.url === AuditEventExtension)?.valueReference?.reference;
    return { code: `fhir:${String(issue.code)}`, auditId: audit?.replace(/^AuditEvent\//, '') };
}

class Hang extends Error {}

/** One keep-alive connection per gateway, reused request after request, as a client library keeps it. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One request over HTTP/1.1 (node:http: the bytes go as given — no URL normalisation, no header
 * rewriting — and at a fraction of fetch's cost per request); an answer that is not complete
 * within `hangAfterMs` is a hang. The event stream answers with its headers and then streams:
 * its status is read and the stream closed.
 */
function call(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    label: string,
): Promise<{ status: number; body: string; type: string }> {
    return new Promise((resolve, reject) => {
        const headers = { ...init.headers };
        if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
        const request = http.request(url, { method: init.method, headers, agent });
        const timer = setTimeout(() => {
            request.destroy();
            reject(new Hang(`${label} did not answer within ${hangAfterMs} ms`));
        }, hangAfterMs);
        const settle = (outcome: () => void) => {
            clearTimeout(timer);
            outcome();
        };
        request.on('response', (response) => {
            const type = String(response.headers['content-type'] ?? '');
            const status = response.statusCode ?? 0;
            if (type.includes('text/event-stream')) {
                response.destroy();
                settle(() => resolve({ status, body: '', type }));
                return;
            }
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
                settle(() => resolve({ status, body: Buffer.concat(chunks).toString('utf8'), type })),
            );
            response.on('error', (error) => settle(() => reject(error)));
        });
        request.on('error', (error) => settle(() => reject(error)));
        request.end(init.body);
    });
}
