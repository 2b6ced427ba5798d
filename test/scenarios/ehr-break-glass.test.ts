import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from './rest-licensing';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Break-glass controls through the gateway (#17 finding 9), on either ledger: a freshly enrolled
 * and licensed physician (so the shared Fabric ledger's demo practitioners keep their counts)
 * reads one record in an emergency until the hourly limit; the next read is refused with 403, the
 * refusal is on the audit trail, and the regulator's event stream carries the alert — pseudonymous
 * ids and counts, no reason text.
 */
jest.setTimeout(300_000);

const patient1 = 'pat-7c1e04a9';
const readsPerHour = 10;

describe('break-glass limits and alerts through the gateway', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    let recordId: string;
    let physician: string;
    const actorId = uniqueId('prac-bg');

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital', { rateLimit: false });
        regulator = await startGateway(env, 'regulator', { rateLimit: false });
        const enrolled = await hospital.call<{ token: string }>('POST', '/auth/enroll', {
            token: await hospital.token('admin'),
            body: { user: uniqueId('bg-physician'), role: 'physician', actorId },
        });
        expect(enrolled.status).toBe(201);
        physician = enrolled.body.token;
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId }, 'MedicalLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        expect(
            (await hospital.call('POST', '/ehr/patients/enrol', { token: await hospital.token('patient1') })).status,
        ).toBe(200);
        recordId = uniqueId('rec-bg');
        const registered = await hospital.call('POST', '/ehr/records', {
            token: await hospital.token('physician1'),
            body: {
                id: recordId,
                patientId: patient1,
                type: { system: 'http://loinc.org', code: '11506-3' },
                contentHash: 'b'.repeat(64),
                size: 10,
                mediaType: 'application/pdf',
                location: `https://docs.hospital.example/${recordId}`,
            },
        });
        expect(registered.status).toBe(201);
    });
    afterAll(async () => {
        await hospital?.app.close();
        await regulator?.app.close();
        await env?.close();
    });

    it('the read after the hourly limit is refused (403, audited) and the regulator is alerted', async () => {
        const reason = 'Collapsed in the waiting room, unresponsive; needs allergy history now.';
        const start = await regulator.call<{ blockNumber: string }>('POST', '/system/ping', {
            token: await regulator.token('inspector1'),
            body: { message: 'break-glass start' },
        });
        let allowed = 0;
        let refused: { status: number; body: { code?: string; message?: string; auditId?: string } } | undefined;
        // Past the limit by one: a clock hour boundary crossed mid-run can allow up to twice the limit, never more.
        for (let i = 0; i < 2 * readsPerHour + 1 && !refused; i++) {
            const glass = await hospital.call<{ code?: string; message?: string; auditId?: string }>(
                'POST',
                `/ehr/records/${recordId}/break-glass`,
                { token: physician, body: { reasonCode: 'unconscious', reason } },
            );
            if (glass.status === 200) {
                allowed++;
            } else {
                refused = glass;
            }
        }
        expect(allowed).toBeGreaterThanOrEqual(readsPerHour);
        expect(allowed).toBeLessThanOrEqual(2 * readsPerHour);
        expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        expect(refused!.body.message).toContain('break-glass-rate-limit');
        const auditId = refused!.body.auditId!;
        const entry = await regulator.call<Record<string, unknown>>('GET', `/ehr/audit/${auditId}`, {
            token: await regulator.token('inspector1'),
        });
        expect(entry).toMatchObject({
            status: 200,
            body: {
                outcome: '4',
                outcomeDesc: 'break-glass-rate-limit',
                emergency: true,
                careRelationship: 'custodian',
            },
        });

        const stream = await fetch(`${regulator.url}/events?from=${start.body.blockNumber}`, {
            headers: { authorization: `Bearer ${await regulator.token('inspector1')}` },
            signal: AbortSignal.timeout(120_000),
        });
        expect(stream.status).toBe(200);
        const reader = stream.body!.getReader();
        let text = '';
        while (!text.includes(`"transactionId":"${auditId}"`)) {
            const { value, done } = await reader.read();
            if (done) break;
            text += Buffer.from(value).toString('utf8');
        }
        await reader.cancel();
        const alert = text
            .split('\n\n')
            .map((message) => /^data: (.+)$/m.exec(message)?.[1])
            .filter((data): data is string => data !== undefined)
            .map((data) => JSON.parse(data) as { transactionId: string; payload: Record<string, unknown> })
            .find((event) => event.transactionId === auditId);
        expect(alert?.payload).toMatchObject({
            auditId,
            patientId: patient1,
            agent: { mspId: 'HospitalMSP', actorId },
            emergency: true,
            reason: 'break-glass-rate-limit',
            alert: { careRelationship: 'custodian', limited: true },
        });
        expect(text).not.toContain('waiting room');
    });
});
