import { openScenarioLedger, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from './rest-support';

/**
 * The gateway's own surface on both ledgers: tokens and identity, errors, health, metrics,
 * the OpenAPI document, and a Ping round trip seen again as a server-sent event.
 */
jest.setTimeout(60_000);

describe('REST gateway: auth, system, operations', () => {
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

    it('acts as exactly the identity the token was issued for', async () => {
        const physician = await hospital.call<{ mspId: string; role: string; actorId: string }>(
            'GET',
            '/system/whoami',
            {
                token: await hospital.token('physician1'),
            },
        );
        const patient = await hospital.call<{ role: string; actorId: string }>('GET', '/system/whoami', {
            token: await hospital.token('patient1'),
        });
        expect(physician).toMatchObject({
            status: 200,
            body: { mspId: 'HospitalMSP', role: 'physician', actorId: 'prac-hosp-0001' },
        });
        expect(patient).toMatchObject({ status: 200, body: { role: 'patient', actorId: 'pat-7c1e04a9' } });
    });

    it("never lets user A's token act as user B, whatever the request says", async () => {
        const token = await hospital.token('patient1');
        const asOther = await hospital.call<{ actorId: string }>('GET', '/system/whoami', {
            token,
            headers: { 'x-careledger-user': 'physician1', 'x-user': 'physician1' },
        });
        expect(asOther.body.actorId).toBe('pat-7c1e04a9');
        const enrol = await hospital.call('POST', '/auth/enroll', { token, body: { user: 'physician1' } });
        expect(enrol).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });

    it('refuses missing, unknown and revoked tokens with 401', async () => {
        expect((await hospital.call('GET', '/system/whoami')).status).toBe(401);
        expect((await hospital.call('GET', '/system/whoami', { token: 'clt_unknown' })).body).toMatchObject({
            code: 'UNAUTHENTICATED',
        });
        const nurse = await hospital.token('nurse1');
        expect((await hospital.call<{ role: string }>('GET', '/system/whoami', { token: nurse })).body.role).toBe(
            'nurse',
        );
        expect((await hospital.call('DELETE', '/auth/token', { token: nurse })).status).toBe(204);
        expect((await hospital.call('GET', '/system/whoami', { token: nurse })).status).toBe(401);
    });

    it('answers schema violations with 400 naming the field, and contract rejections with their code', async () => {
        const token = await hospital.token('physician1');
        const missing = await hospital.call('POST', '/system/ping', { token, body: {} });
        expect(missing).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'body.message' } });
        const rejected = await hospital.call('POST', '/system/ping', { token, body: { message: 'no/slashes' } });
        expect(rejected).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'message' } });
        expect((await hospital.call('GET', '/no/such/route', { token })).status).toBe(404);
    });

    it('commits a ping and streams it back as a server-sent event, resumable by position', async () => {
        const token = await hospital.token('physician1');
        const ping = await hospital.call<{ txId: string; blockNumber: string }>('POST', '/system/ping', {
            token,
            body: { message: 'sse check' },
        });
        expect(ping.status).toBe(200);
        const controller = new AbortController();
        const response = await fetch(`${hospital.url}/events?from=${ping.body.blockNumber}&names=system.`, {
            headers: { authorization: `Bearer ${token}` },
            signal: controller.signal,
        });
        expect(response.headers.get('content-type')).toContain('text/event-stream');
        const reader = response.body!.getReader();
        let text = '';
        while (!text.includes(ping.body.txId)) {
            const { value, done } = await reader.read();
            if (done) break;
            text += Buffer.from(value).toString('utf8');
        }
        controller.abort();
        expect(text).toContain(`id: ${ping.body.blockNumber}:${ping.body.txId}`);
        expect(text).toContain('event: system.Pinged');
    });

    it('serves health, readiness, metrics and its OpenAPI document', async () => {
        expect((await hospital.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
        expect((await hospital.call('GET', '/readyz')).body).toMatchObject({ status: 'ready', org: 'hospital' });
        const metrics = await hospital.call<string>('GET', '/metrics');
        expect(metrics.body).toContain(
            'careledger_http_requests_total{method="GET",route="/system/whoami",status="200"}',
        );
        const spec = (await (await fetch(`${hospital.url}/openapi.json`)).json()) as { openapi: string; paths: object };
        expect(spec.openapi).toMatch(/^3\./);
        expect(Object.keys(spec.paths)).toEqual(
            expect.arrayContaining(['/system/ping', '/auth/enroll', '/events', '/webhooks']),
        );
    });
});
