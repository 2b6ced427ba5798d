import { createHash } from 'node:crypto';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';

/**
 * Issue #20, consistent HTTP semantics on both ledgers: a denied access is 403 with the full
 * reason and the id of the audit entry that recorded it (readable afterwards); creates answer
 * 201 with a Location that names the created resource.
 */
jest.setTimeout(240_000);

describe('REST semantics: audited denials, creates', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    let recordId: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
        regulator = await startGateway(env, 'regulator');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' }, 'NursingLicense');
        expect(
            (await hospital.call('POST', '/ehr/patients/enrol', { token: await hospital.token('patient1') })).status,
        ).toBe(200);
    });
    afterAll(async () => {
        await hospital?.app.close();
        await regulator?.app.close();
        await env?.close();
    });

    it('answers a create with 201 and a Location that reads back the created resource', async () => {
        recordId = uniqueId('rec-sem');
        const nurse = await hospital.token('nurse1');
        const created = await hospital.call<{ record: { id: string } }>('POST', '/ehr/records', {
            token: nurse,
            body: {
                id: recordId,
                patientId: 'pat-7c1e04a9',
                type: { system: 'http://loinc.org', code: '18842-5' },
                contentHash: createHash('sha256').update(recordId).digest('hex'),
                size: 12,
                mediaType: 'text/plain',
                location: `https://docs.hospital.example/${recordId}`,
            },
        });
        expect(created.status).toBe(201);
        expect(created.headers.get('location')).toBe(`/ehr/records/${recordId}`);
        const read = await hospital.call<{ id: string }>('GET', created.headers.get('location')!, { token: nurse });
        expect(read).toMatchObject({ status: 200, body: { id: recordId } });

        const patient = await hospital.token('patient1');
        const consentId = uniqueId('consent-sem');
        const consent = await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: consentId,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' },
                scope: { kind: 'records', recordIds: [recordId] },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        expect(consent.status).toBe(201);
        expect(consent.headers.get('location')).toBe(`/ehr/consents/${consentId}`);
        expect((await hospital.call('GET', consent.headers.get('location')!, { token: patient })).status).toBe(200);
    });

    it('answers a denied read with 403, the full reason and the audit entry that recorded it', async () => {
        const physician = await hospital.token('physician1');
        const denied = await hospital.call<{ code: string; message: string; auditId: string; transactionId: string }>(
            'POST',
            `/ehr/records/${recordId}/access`,
            { token: physician, body: { purpose: 'TREAT' } },
        );
        expect(denied).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        // On a shared Fabric ledger an earlier test may have left patient1 an expired consent to physician1, so the
        // reason is one of the two; whichever it is, the message names it and the audit entry recorded the same one.
        const reason = /^access denied \(([a-z-]+)\): /.exec(denied.body.message)?.[1];
        expect(['no-consent', 'consent-expired']).toContain(reason);
        expect(denied.body.message).toContain('consent covering this record');
        expect(denied.body.auditId).toEqual(expect.any(String));
        expect(denied.body.transactionId).toBe(denied.body.auditId);
        const entry = await hospital.call<{ outcomeDesc: string }>('GET', `/ehr/audit/${denied.body.auditId}`, {
            token: await hospital.token('patient1'),
        });
        expect(entry).toMatchObject({ status: 200, body: { outcomeDesc: reason } });

        const unlicensed = await hospital.call<{ message: string; auditId: string }>(
            'POST',
            `/ehr/records/${recordId}/access`,
            { token: await hospital.token('physician2'), body: { purpose: 'TREAT' } },
        );
        expect(unlicensed.status).toBe(403);
        expect(unlicensed.body.message).toContain('licence');
        expect(unlicensed.body.auditId).toEqual(expect.any(String));

        const allowed = await hospital.call<{ access: { allowed: boolean } }>(
            'POST',
            `/ehr/records/${recordId}/access`,
            {
                token: await hospital.token('nurse1'),
                body: { purpose: 'TREAT' },
            },
        );
        expect(allowed).toMatchObject({ status: 200, body: { access: { allowed: true } } });
    });
});
