import * as net from 'node:net';
import { Writable } from 'node:stream';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { isFhirPath } from '../../gateway/src/standards/fhir';

/**
 * The REST surface as a hospital's security review reads it (OWASP ASVS L2 as the reference):
 * authentication before anything else, no type coercion, one error shape for every error
 * (Fastify's own included), 405/415/413/431 that say what to do, security headers, CORS closed,
 * rate limits, and an audit line for every state-changing request. Runs on both ledgers.
 */
jest.setTimeout(180_000);

interface OpenApi {
    paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
}

describe('REST surface: authentication, strict input, one error shape, hardening', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let admin: string;
    const logLines: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
        env = await openScenarioLedger();
        const stream = new Writable({
            write(chunk, _encoding, done) {
                for (const line of String(chunk).split('\n').filter(Boolean)) {
                    logLines.push(JSON.parse(line) as Record<string, unknown>);
                }
                done();
            },
        });
        hospital = await startGateway(env, 'hospital', { logger: { level: 'info', stream } });
        admin = await hospital.token('admin');
    });
    afterAll(async () => {
        await hospital?.app.close();
        await env?.close();
    });

    it('answers 401 before looking at the body, on every authenticated route', async () => {
        const spec = (await (await fetch(`${hospital.url}/openapi.json`)).json()) as OpenApi;
        let checked = 0;
        for (const [template, operations] of Object.entries(spec.paths)) {
            for (const [method, operation] of Object.entries(operations)) {
                const security = (operation.security ?? []) as object[];
                if (security.length === 0 || security.some((s) => Object.keys(s).length === 0)) {
                    continue; // public (verification) routes answer without a token
                }
                const path = template.replace(/\{[^}]+\}/g, 'x');
                const withBody = method !== 'get' && method !== 'delete';
                const answer = await fetch(`${hospital.url}${path}`, {
                    method: method.toUpperCase(),
                    headers: withBody ? { 'content-type': 'application/json' } : {},
                    body: withBody ? '{"not":"valid for any route", "user": true' : undefined,
                });
                expect({ route: `${method} ${template}`, status: answer.status }).toEqual({
                    route: `${method} ${template}`,
                    status: 401,
                });
                // The documented exemption: /fhir/r4 answers FHIR's OperationOutcome (docs/http.md).
                expect(await answer.json()).toMatchObject(
                    isFhirPath(template)
                        ? { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] }
                        : { code: 'UNAUTHENTICATED' },
                );
                checked += 1;
            }
        }
        expect(checked).toBeGreaterThan(60);
    });

    it('never converts types: a boolean, number or bare string is refused where the schema wants another type', async () => {
        const cases: Array<[string, string, object, string]> = [
            ['POST', '/auth/enroll', { user: true }, 'body.user'],
            ['POST', '/auth/enroll', { user: 12345 }, 'body.user'],
            ['POST', '/system/ping', { message: 42 }, 'body.message'],
            ['POST', '/system/ping', { message: ['hi'] }, 'body.message'],
            ['POST', '/ehr/consents', { purposes: 'TREAT' }, 'body'],
        ];
        for (const [method, path, body, field] of cases) {
            const answer = await hospital.call<{ code: string; field: string }>(method, path, { token: admin, body });
            expect({ path, body, status: answer.status, code: answer.body.code }).toEqual({
                path,
                body,
                status: 400,
                code: 'INVALID_ARGUMENT',
            });
            expect(answer.body.field.startsWith(field)).toBe(true);
        }
    });

    it('validates fields by meaning: MSP ids are consortium members, base64 decodes, with the rule in the error', async () => {
        const patient = await hospital.token('patient1');
        const nope = await hospital.call<{ field: string; message: string }>('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: 'c-nope',
                grantee: { mspId: 'NopeMSP', actorId: 'prac-x' },
                scope: { kind: 'all' },
                purposes: ['TREAT'],
                period: { end: '2030-01-01T00:00:00Z' },
            },
        });
        expect(nope).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'body.grantee.mspId' } });
        expect(nope.body.message).toContain('HospitalMSP');
        const garbage = await hospital.call<{ field: string; message: string }>('POST', '/documents', {
            token: await hospital.token('nurse1'),
            body: {
                recordId: 'rec-b64',
                patientId: 'pat-7c1e04a9',
                type: { system: 'http://loinc.org', code: '18842-5' },
                contentType: 'text/plain',
                content: '!!!not base64***',
            },
        });
        expect(garbage).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'body.content' } });
        expect(garbage.body.message).toContain('base64');
        const unknownCustodian = await hospital.call('GET', '/ehr/custodians/NopeMSP/records', { token: admin });
        expect(unknownCustodian).toMatchObject({ status: 400, body: { field: 'params.mspId' } });
    });

    it('lists the allowed values when a value is not one of an enumeration', async () => {
        const answer = await hospital.call<{ field: string; message: string; allowed: string[] }>(
            'POST',
            '/auth/enroll',
            {
                token: admin,
                body: { user: 'nurse-x', role: 'surgeon', actorId: 'prac-x-1' },
            },
        );
        expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'body.role' } });
        expect(answer.body.allowed).toEqual(expect.arrayContaining(['physician', 'nurse', 'patient']));
        expect(answer.body.message).toContain('physician');
    });

    it('names unknown fields, prototype keys and too deep JSON instead of "not valid JSON"', async () => {
        const extra = await hospital.call('POST', '/system/ping', {
            token: admin,
            body: { message: 'hi', admin: true },
        });
        expect(extra).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'body.admin' } });
        const proto = await fetch(`${hospital.url}/system/ping`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
            body: '{"message":"hi","__proto__":{"isAdmin":true}}',
        });
        expect(proto.status).toBe(400);
        expect(await proto.json()).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'body.__proto__' });
        const deep = '{"message":'.repeat(40) + '"x"' + '}'.repeat(40);
        const tooDeep = await fetch(`${hospital.url}/system/ping`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
            body: deep,
        });
        expect(tooDeep.status).toBe(400);
        expect(((await tooDeep.json()) as { message: string }).message).toContain('deeper than');
    });

    it('answers a wrong method with 405 and Allow, a missing content type with 415 naming application/json', async () => {
        const wrong = await fetch(`${hospital.url}/system/whoami`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${admin}` },
        });
        expect(wrong.status).toBe(405);
        expect(wrong.headers.get('allow')).toBe('GET');
        expect(await wrong.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
        const withParams = await fetch(`${hospital.url}/ehr/records/rec-1`, { method: 'PATCH' });
        expect(withParams.status).toBe(405);
        expect(withParams.headers.get('allow')).toContain('GET');
        const text = await fetch(`${hospital.url}/system/ping`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', authorization: `Bearer ${admin}` },
            body: 'hi',
        });
        expect(text.status).toBe(415);
        const body = (await text.json()) as { code: string; field: string; message: string };
        expect(body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' });
        expect(body.message).toContain('application/json');
    });

    it('uses the one error shape for unknown paths, bad URLs, oversized bodies and oversized headers', async () => {
        const shape = (body: Record<string, unknown>) => {
            const known = ['code', 'message', 'field', 'transactionId', 'allowed', 'auditId'];
            expect({ body, extra: Object.keys(body).filter((k) => !known.includes(k)) }).toMatchObject({ extra: [] });
            expect(typeof body.code).toBe('string');
            expect(typeof body.message).toBe('string');
            expect(JSON.stringify(body)).not.toMatch(/node_modules|\/work\/|\.ts:\d|at \w+ \(/);
        };
        const unknown = await fetch(`${hospital.url}/no/such/route`);
        expect(unknown.status).toBe(404);
        shape((await unknown.json()) as Record<string, unknown>);
        const badUrl = await fetch(`${hospital.url}/ehr/records/%E0%A4%A`, {
            headers: { authorization: `Bearer ${admin}` },
        });
        expect(badUrl.status).toBe(400);
        const badBody = (await badUrl.json()) as Record<string, unknown>;
        shape(badBody);
        expect(badBody).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'path' });
        const big = await fetch(`${hospital.url}/system/ping`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
            body: JSON.stringify({ message: 'x'.repeat(2 * 1024 * 1024) }),
        });
        expect(big.status).toBe(413);
        const bigBody = (await big.json()) as Record<string, unknown>;
        shape(bigBody);
        expect(bigBody).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'body' });
        const raw = await rawRequest(
            hospital.url,
            `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        );
        expect(raw.status).toBe(431);
        shape(JSON.parse(raw.body) as Record<string, unknown>);
        expect(JSON.parse(raw.body)).toMatchObject({ code: 'HEADERS_TOO_LARGE', field: 'headers' });
    });

    it('sends security headers and keeps CORS closed', async () => {
        const answer = await fetch(`${hospital.url}/system/whoami`, {
            headers: { authorization: `Bearer ${admin}`, origin: 'https://evil.example' },
        });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
        expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(answer.headers.get('access-control-allow-origin')).toBeNull();
        const preflight = await fetch(`${hospital.url}/system/ping`, {
            method: 'OPTIONS',
            headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
        });
        expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
        expect(preflight.status).toBe(405);
    });

    it('writes one audit line for every administrative action, with who, what and the outcome', async () => {
        const refused = await hospital.call('POST', '/auth/enroll', {
            token: await hospital.token('physician1'),
            body: { user: 'someone' },
        });
        expect(refused.status).toBe(403);
        await hospital.call('DELETE', '/auth/token', { token: await hospital.token('nurse1') });
        const audits = logLines.filter((l) => l.audit).map((l) => l.audit as Record<string, unknown>);
        expect(audits).toEqual(
            expect.arrayContaining([
                { org: 'hospital', user: 'physician1', action: 'POST /auth/enroll', status: 403 },
                { org: 'hospital', user: 'nurse1', action: 'DELETE /auth/token', status: 204 },
            ]),
        );
    });
});

describe('REST surface: rate limits', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital', { rateLimit: { scale: 0.1 } });
    });
    afterAll(async () => {
        await hospital?.app.close();
        await env?.close();
    });

    it('limits authentication per caller with 429 in the error shape, and leaves other callers alone', async () => {
        const token = await hospital.token('physician1');
        const statuses: number[] = [];
        for (let i = 0; i < 5; i += 1) {
            statuses.push((await hospital.call('POST', '/auth/enroll', { token, body: { user: 'x' } })).status);
        }
        expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
        const limited = await hospital.call<{ code: string }>('POST', '/auth/enroll', { token, body: { user: 'x' } });
        expect(limited).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
        // Retry-After in delta-seconds (RFC 9110 §10.2.3): a whole, positive number of seconds to wait.
        expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        const other = await hospital.call('POST', '/auth/enroll', {
            token: await hospital.token('nurse1'),
            body: { user: 'x' },
        });
        expect(other.status).toBe(403);
    });
});

async function rawRequest(url: string, text: string): Promise<{ status: number; body: string }> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => socket.write(text));
        let data = '';
        socket.on('data', (chunk) => (data += String(chunk)));
        socket.on('end', () => {
            const [head, body] = data.split('\r\n\r\n');
            resolve({ status: Number(head.split(' ')[1]), body });
        });
        socket.on('error', reject);
    });
}

describe('REST surface: URL-safe bookmarks', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
    });
    afterAll(async () => {
        await hospital?.app.close();
        await env?.close();
    });

    it('answers base64url bookmarks (the ledger keys carry NUL) that page on when sent back', async () => {
        const patient = await hospital.token('patient2');
        expect((await hospital.call('POST', '/ehr/patients/enrol', { token: patient })).status).toBeLessThan(300);
        const named = new Set<string>();
        for (let i = 0; i < 3; i += 1) {
            const actorId = uniqueId('prac-delegate');
            named.add(actorId);
            const answer = await hospital.call('POST', '/ehr/delegates', {
                token: patient,
                body: { mspId: 'HospitalMSP', actorId },
            });
            expect(answer.status).toBeLessThan(300);
        }
        const seen: string[] = [];
        let bookmark = '';
        do {
            const page = await hospital.call<{ items: Array<{ actorId: string }>; bookmark: string }>(
                'GET',
                `/ehr/delegates?pageSize=1${bookmark ? `&bookmark=${bookmark}` : ''}`,
                { token: patient },
            );
            expect(page.status).toBe(200);
            bookmark = page.body.bookmark;
            expect(bookmark).toMatch(/^(|b1\.[A-Za-z0-9_-]+)$/);
            expect(encodeURIComponent(bookmark)).toBe(bookmark);
            seen.push(...page.body.items.map((d) => d.actorId));
        } while (bookmark !== '' && seen.length < 10);
        expect(seen.filter((id) => named.has(id)).sort()).toEqual([...named].sort());
        const forged = await hospital.call('GET', '/ehr/delegates?pageSize=1&bookmark=%00raw', { token: patient });
        expect(forged).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'query.bookmark' } });
    });
});
