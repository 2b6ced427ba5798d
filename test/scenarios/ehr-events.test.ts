import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from './rest-licensing';
import { startGateway, type RestGateway } from './rest-support';

/**
 * `GET /events` applies the audit trail's rules to EHR events (#17 finding 6): another patient,
 * a pharmacist and a manufacturer's operator receive none of a patient's EHR events; the
 * patient, the custodian's clinicians and the regulator's inspector receive them.
 */
jest.setTimeout(180_000);

const patient1 = 'pat-7c1e04a9';

interface SseEvent {
    event: string;
    data: { transactionId: string; payload: Record<string, unknown> };
}

/** Every event the user's stream delivers from `fromBlock` up to and including the marker ping. */
async function streamUntil(
    gateway: RestGateway,
    user: string,
    fromBlock: string,
    markerTx: string,
): Promise<SseEvent[]> {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/events?from=${fromBlock}`, {
        headers: { authorization: `Bearer ${await gateway.token(user)}` },
        signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(`"transactionId":"${markerTx}"`)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    return text
        .split('\n\n')
        .map((message) => {
            const event = /^event: (.+)$/m.exec(message)?.[1];
            const data = /^data: (.+)$/m.exec(message)?.[1];
            return event && data ? { event, data: JSON.parse(data) } : undefined;
        })
        .filter((event): event is SseEvent => event !== undefined);
}

describe('EHR events follow the audit trail rules', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    let fromBlock: string;
    let markers: Record<string, string>;
    let recordId: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
        regulator = await startGateway(env, 'regulator');
        manufacturer = await startGateway(env, 'manufacturer');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        const patient = await hospital.token('patient1');
        expect((await hospital.call('POST', '/ehr/patients/enrol', { token: patient })).status).toBe(200);
        const start = await hospital.call<{ blockNumber: string }>('POST', '/system/ping', {
            token: patient,
            body: { message: 'events start' },
        });
        fromBlock = start.body.blockNumber;

        recordId = uniqueId('rec');
        const physician = await hospital.token('physician1');
        const registered = await hospital.call('POST', '/ehr/records', {
            token: physician,
            body: {
                id: recordId,
                patientId: patient1,
                type: { system: 'http://loinc.org', code: '11506-3' },
                contentHash: 'a'.repeat(64),
                size: 10,
                mediaType: 'application/pdf',
                location: `https://docs.hospital.example/${recordId}`,
            },
        });
        expect(registered.status).toBe(201);
        const consentId = uniqueId('consent');
        const granted = await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: consentId,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                scope: { kind: 'records', recordIds: [recordId] },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        expect(granted.status).toBe(201);
        const read = await hospital.call('POST', `/ehr/records/${recordId}/access`, {
            token: physician,
            body: { purpose: 'TREAT' },
        });
        expect(read.status).toBe(200);
        const glass = await hospital.call('POST', `/ehr/records/${recordId}/break-glass`, {
            token: physician,
            body: { reasonCode: 'unconscious', reason: 'patient arrived unconscious in the emergency room' },
        });
        expect(glass.status).toBe(200);
        // The shared Fabric ledger outlives this file: leave no consent behind.
        expect((await hospital.call('POST', `/ehr/consents/${consentId}/revoke`, { token: patient })).status).toBe(200);
        // One marker per gateway: the stream is read until it arrives.
        markers = {};
        for (const gateway of [hospital, regulator, manufacturer]) {
            const user = gateway === hospital ? 'patient1' : gateway === regulator ? 'inspector1' : 'operator1';
            const ping = await gateway.call<{ txId: string }>('POST', '/system/ping', {
                token: await gateway.token(user),
                body: { message: 'events end' },
            });
            markers[gateway.org] = ping.body.txId;
        }
    });
    afterAll(async () => {
        for (const gateway of [hospital, regulator, manufacturer]) {
            await gateway?.app.close();
        }
        await env?.close();
    });

    const aboutPatient1 = (events: SseEvent[]) =>
        events.filter((event) => event.event.startsWith('ehr.') && event.data.payload.patientId === patient1);

    it('another patient, a pharmacist and a manufacturer operator receive none of them', async () => {
        for (const [gateway, user] of [
            [() => hospital, 'patient2'],
            [() => hospital, 'pharmacist1'],
            [() => manufacturer, 'operator1'],
        ] as const) {
            const events = await streamUntil(gateway(), user, fromBlock, markers[gateway().org]);
            expect(events.length).toBeGreaterThan(0); // the marker ping at least
            expect({ user, ehr: aboutPatient1(events).map((event) => event.event) }).toEqual({ user, ehr: [] });
        }
    });

    it('the patient, the custodian clinician and the regulator inspector receive them', async () => {
        for (const [gateway, user] of [
            [() => hospital, 'patient1'],
            [() => hospital, 'physician1'],
            [() => regulator, 'inspector1'],
        ] as const) {
            const names = aboutPatient1(await streamUntil(gateway(), user, fromBlock, markers[gateway().org])).map(
                (event) => event.event,
            );
            expect({ user, names }).toEqual({
                user,
                names: expect.arrayContaining(['ehr.RecordRegistered', 'ehr.RecordAccessed', 'ehr.EmergencyAccess']),
            });
        }
    });
});
