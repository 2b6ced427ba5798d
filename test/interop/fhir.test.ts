import { createHash } from 'node:crypto';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';

/**
 * The FHIR R4 surface (`/fhir/r4`) over a real EHR flow: a record registered and amended, a
 * consent granted, accesses allowed and denied. Every resource and Bundle it answers is kept
 * as an artefact (CARELEDGER_ARTEFACTS) and validated afterwards by HAPI FHIR's instance
 * validator (tools/validators/fhir); here the behaviour: media type, resource shapes, the
 * SHA-256 extension, searchsets, OperationOutcome errors, and that access rules still hold.
 */
jest.setTimeout(300_000);

type Resource = Record<string, unknown> & { resourceType: string; id?: string };
type Bundle = Resource & { type: string; total: number; entry: Array<{ fullUrl: string; resource: Resource }> };

describe('FHIR R4 over REST', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    const patientId = 'pat-7c1e04a9';
    const recordId = uniqueId('fhir-rec');
    const amendedId = uniqueId('fhir-rec-v2');
    const consentId = uniqueId('fhir-consent');
    const content = Buffer.from(`Discharge summary ${recordId}`);
    const sha256 = createHash('sha256').update(content).digest('hex');

    beforeAll(async () => {
        env = await openScenarioLedger();
        [hospital, regulator] = await Promise.all([startGateway(env, 'hospital'), startGateway(env, 'regulator')]);
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        const patient = await hospital.token('patient1');
        const physician = await hospital.token('physician1');
        expect((await hospital.call('POST', '/ehr/patients/enrol', { token: patient })).status).toBe(200);
        const record = {
            type: { system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' },
            contentHash: sha256,
            size: content.length,
            mediaType: 'text/plain',
            location: `file:///records/${recordId}`,
        };
        const registered = await hospital.call('POST', '/ehr/records', {
            token: physician,
            body: { id: recordId, patientId, ...record },
        });
        expect(registered.status).toBe(201);
        const amended = await hospital.call('POST', `/ehr/records/${recordId}/amend`, {
            token: physician,
            body: { id: amendedId, ...record, contentHash: createHash('sha256').update('v2').digest('hex') },
        });
        expect(amended.status).toBe(201);
        // A denied read is answered 403 and recorded (the audit entry the AuditEvent search finds below).
        const denied = await hospital.call<{ code: string; auditId: string }>(
            'POST',
            `/ehr/records/${amendedId}/access`,
            { token: physician, body: { purpose: 'TREAT' } },
        );
        expect(denied).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        expect(denied.body.auditId).toEqual(expect.any(String));
        const granted = await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: consentId,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                scope: { kind: 'records', recordIds: [amendedId] },
                purposes: ['TREAT', 'CAREMGT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        expect(granted.status).toBe(201);
        const typeConsent = await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: `${consentId}-t`,
                grantee: { mspId: 'HospitalMSP' },
                scope: { kind: 'type', typeCode: '18842-5' },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        expect(typeConsent.status).toBe(201);
        const allowed = await hospital.call<{ access: { allowed: boolean } }>(
            'POST',
            `/ehr/records/${amendedId}/access`,
            {
                token: physician,
                body: { purpose: 'TREAT' },
            },
        );
        expect(allowed.body.access.allowed).toBe(true);
    });
    afterAll(async () => {
        await Promise.all([hospital, regulator].map((g) => g?.app.close()));
        await env?.close();
    });

    const get = async <T = Resource>(path: string, user = 'patient1') =>
        hospital.call<T>('GET', `/fhir/r4${path}`, { token: await hospital.token(user) });

    it('serves a CapabilityStatement at /metadata as application/fhir+json', async () => {
        const metadata = await get('/metadata');
        expect(metadata.status).toBe(200);
        expect(metadata.headers.get('content-type')).toContain('application/fhir+json');
        expect(metadata.body).toMatchObject({
            resourceType: 'CapabilityStatement',
            fhirVersion: '4.0.1',
            kind: 'instance',
        });
    });

    it('reads a record as a DocumentReference with its SHA-256 in the documented extension', async () => {
        const read = await get(`/DocumentReference/${recordId}`);
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({
            resourceType: 'DocumentReference',
            id: recordId,
            status: 'superseded',
            subject: { reference: `Patient/${patientId}` },
            content: [
                {
                    attachment: {
                        contentType: 'text/plain',
                        size: content.length,
                        extension: [
                            {
                                url: 'https://careledger.example/fhir/StructureDefinition/attachment-sha256',
                                valueBase64Binary: Buffer.from(sha256, 'hex').toString('base64'),
                            },
                        ],
                    },
                },
            ],
        });
        expect(JSON.stringify(read.body)).not.toContain(`file:///records/${recordId}`);
        const amended = await get(`/DocumentReference/${amendedId}`);
        expect(amended.body).toMatchObject({
            status: 'current',
            relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${recordId}` } }],
        });
    });

    it('searches DocumentReference, Consent and AuditEvent by patient as searchset Bundles', async () => {
        const documents = await get<Bundle>(`/DocumentReference?patient=Patient/${patientId}`);
        expect(documents.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
        expect(documents.body.entry.map((e) => e.resource.id)).toEqual(expect.arrayContaining([recordId, amendedId]));
        const consents = await get<Bundle>(`/Consent?patient=${patientId}`);
        const consent = consents.body.entry.find((e) => e.resource.id === consentId)?.resource;
        expect(consent).toMatchObject({
            resourceType: 'Consent',
            status: 'active',
            patient: { reference: `Patient/${patientId}` },
            provision: {
                type: 'permit',
                actor: [{ reference: { reference: 'Practitioner/prac-hosp-0001' } }],
                data: [{ meaning: 'instance', reference: { reference: `DocumentReference/${amendedId}` } }],
            },
        });
        expect((await get(`/Consent/${consentId}`)).body).toEqual(consent);
        const audit = await get<Bundle>(`/AuditEvent?patient=${patientId}`);
        const outcomes = audit.body.entry.map((e) => e.resource.outcome);
        expect(outcomes).toEqual(expect.arrayContaining(['0', '4']));
        const byRecord = await get<Bundle>(`/AuditEvent?entity=DocumentReference/${amendedId}`);
        expect(byRecord.body.total).toBeGreaterThanOrEqual(2);
        const first = byRecord.body.entry[0].resource;
        expect((await get(`/AuditEvent/${first.id}`)).body).toEqual(first);
    });

    it('answers errors with an OperationOutcome and keeps the ledger access rules', async () => {
        const missing = await get('/DocumentReference/no-such-record');
        expect(missing.status).toBe(404);
        expect(missing.headers.get('content-type')).toContain('application/fhir+json');
        expect(missing.body).toMatchObject({
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'not-found' }],
        });
        const badId = await get('/DocumentReference/bad$id');
        expect(badId.status).toBe(400);
        expect(badId.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid' }] });
        // The exemption covers the router's own answers too: unknown path, wrong method.
        const unknownType = await get('/Patient/pat-7c1e04a9');
        expect(unknownType).toMatchObject({
            status: 404,
            body: { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] },
        });
        expect(unknownType.headers.get('content-type')).toContain('application/fhir+json');
        const wrongMethod = await fetch(`${hospital.url}/fhir/r4/Consent/${consentId}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${await hospital.token('patient1')}` },
        });
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.headers.get('allow')).toContain('GET');
        expect(await wrongMethod.json()).toMatchObject({ resourceType: 'OperationOutcome' });
        const unknownParam = await get('/Consent?colour=red');
        expect(unknownParam).toMatchObject({
            status: 400,
            body: {
                resourceType: 'OperationOutcome',
                issue: [{ code: 'invalid', expression: ['querystring.colour'] }],
            },
        });
        const anonymous = await hospital.call('GET', '/fhir/r4/Consent?patient=' + patientId);
        expect(anonymous).toMatchObject({
            status: 401,
            body: { resourceType: 'OperationOutcome', issue: [{ code: 'login' }] },
        });
        const otherPatient = await get(`/Consent?patient=pat-2b9d51f0`);
        expect([403, 200]).toContain(otherPatient.status);
        if (otherPatient.status === 200) {
            expect((otherPatient.body as Bundle).entry ?? []).toEqual([]);
        } else {
            expect(otherPatient.body).toMatchObject({
                resourceType: 'OperationOutcome',
                issue: [{ code: 'forbidden' }],
            });
        }
    });
});
