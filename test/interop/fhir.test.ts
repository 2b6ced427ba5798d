import { createHash } from 'node:crypto';
import { isOwnId, openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';

/**
 * The FHIR R4 surface (`/fhir/r4`) over a real EHR flow, the demo patients' earlier consents
 * revoked first (so no other file's consent on a shared Fabric ledger changes an answer): records registered,
 * amended and imported, consents granted, reads allowed and denied. Every resource and Bundle
 * it answers is kept as an artefact (CARELEDGER_ARTEFACTS) and validated afterwards by HAPI
 * FHIR's instance validator (tools/validators/fhir); here the behaviour: media type, shapes,
 * hashes, searches and paging, import, OperationOutcome errors, and — as an attacker would
 * try — that /fhir reads no more than the chaincode's access decisions allow, and that every
 * read of a record lands on the audit trail.
 */
jest.setTimeout(300_000);

type Resource = Record<string, unknown> & { resourceType: string; id?: string };
type Entry = {
    fullUrl?: string;
    resource: Resource;
    response?: { status: string; location?: string; outcome?: Resource };
};
type Bundle = Resource & { type: string; entry?: Entry[]; link: Array<{ relation: string; url: string }> };
type Outcome = {
    resourceType: string;
    issue: Array<{
        code: string;
        expression?: string[];
        diagnostics: string;
        extension?: Array<{ url: string; valueReference: { reference: string } }>;
    }>;
};

const Sha256Extension = 'https://careledger.example/fhir/StructureDefinition/attachment-sha256';
const AuditExtension = 'https://careledger.example/fhir/StructureDefinition/audit-event';
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sha1Base64Of = (bytes: Buffer) => createHash('sha1').update(bytes).digest('base64');
const ids = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource.id);
/** This file's resources in a search result: on the shared Fabric ledger other files write to patient1 too. */
const ownIds = (bundle: Bundle) => ids(bundle).filter(isOwnId);

describe('FHIR R4 over REST', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    const patientId = 'pat-7c1e04a9'; // patient1
    const otherPatientId = 'pat-2b9d51f0'; // patient2
    let patient: string;
    let otherPatient: string;
    let physician: string;
    const recordId = uniqueId('fhir-rec');
    const amendedId = uniqueId('fhir-rec-v2');
    const noteId = uniqueId('fhir-note'); // a progress note no consent covers
    const consentId = uniqueId('fhir-consent');
    const content = Buffer.from(`Discharge summary ${recordId}`);
    const sha256 = sha256Of(content);
    const location = `file:///records/${recordId}`;
    /** When this file started (whole seconds, a little early): `date=ge` narrows a shared ledger to its records. */
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000).toISOString().replace('.000Z', 'Z');

    /**
     * The demo patients are shared by every file on a Fabric ledger: consents other files left
     * behind are revoked first, so what a clinician may read here is what this file granted.
     */
    async function enrolWithoutConsents(user: string): Promise<string> {
        const token = await hospital.token(user);
        expect((await hospital.call('POST', '/ehr/patients/enrol', { token })).status).toBe(200);
        let bookmark = '';
        do {
            const page = await hospital.call<{ items: Array<{ id: string; status: string }>; bookmark: string }>(
                'GET',
                `/ehr/patients/me/consents?pageSize=100${bookmark ? `&bookmark=${bookmark}` : ''}`,
                { token },
            );
            for (const consent of page.body.items.filter((c) => c.status === 'active')) {
                expect((await hospital.call('POST', `/ehr/consents/${consent.id}/revoke`, { token })).status).toBe(200);
            }
            bookmark = page.body.bookmark;
        } while (bookmark);
        return token;
    }

    beforeAll(async () => {
        env = await openScenarioLedger();
        [hospital, regulator] = await Promise.all([startGateway(env, 'hospital'), startGateway(env, 'regulator')]);
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        physician = await hospital.token('physician1');
        [patient, otherPatient] = [await enrolWithoutConsents('patient1'), await enrolWithoutConsents('patient2')];
        const record = {
            type: { system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' },
            contentHash: sha256,
            size: content.length,
            mediaType: 'text/plain',
            location,
        };
        const registered = await hospital.call('POST', '/ehr/records', {
            token: physician,
            body: { id: recordId, patientId, ...record },
        });
        expect(registered.status).toBe(201);
        const amended = await hospital.call('POST', `/ehr/records/${recordId}/amend`, {
            token: physician,
            body: { id: amendedId, ...record, contentHash: sha256Of(Buffer.from('v2')), location: `${location}-v2` },
        });
        expect(amended.status).toBe(201);
        const note = await hospital.call('POST', '/ehr/records', {
            token: physician,
            body: { id: noteId, patientId, ...record, type: { system: 'http://loinc.org', code: '11506-3' } },
        });
        expect(note.status).toBe(201);
        // A denied read is answered 403 and recorded (the audit entry the AuditEvent search finds below).
        const denied = await hospital.call<{ code: string; auditId: string }>(
            'POST',
            `/ehr/records/${amendedId}/access`,
            { token: physician, body: { purpose: 'TREAT' } },
        );
        expect(denied).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        const end = new Date(Date.now() + 3_600_000).toISOString();
        const granted = await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: consentId,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                scope: { kind: 'records', recordIds: [amendedId] },
                purposes: ['TREAT', 'CAREMGT'],
                period: { end },
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
                period: { end },
            },
        });
        expect(typeConsent.status).toBe(201);
    });
    afterAll(async () => {
        // The shared Fabric ledger outlives this file: leave no consent behind.
        for (const id of [consentId, `${consentId}-t`]) {
            await hospital?.call('POST', `/ehr/consents/${id}/revoke`, { token: patient }).catch(() => undefined);
        }
        await Promise.all([hospital, regulator].map((g) => g?.app.close()));
        await env?.close();
    });

    const get = async <T = Resource>(path: string, token = patient, gateway = hospital) =>
        gateway.call<T>('GET', `/fhir/r4${path}`, { token });
    const post = async <T = Resource>(path: string, body: unknown, token = physician) =>
        hospital.call<T>('POST', `/fhir/r4${path}`, {
            token,
            body,
            headers: { 'content-type': 'application/fhir+json' },
        });
    const auditTrail = async (id: string) =>
        ((await get<Bundle>(`/AuditEvent?entity=DocumentReference/${id}&_count=200`)).body.entry ?? []).map(
            (e) => e.resource as Resource & { outcome: string; agent: Array<{ who: { reference: string } }> },
        );

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

    it('reads a record as a DocumentReference: SHA-256 in the documented extension, the URL after the audited read', async () => {
        const read = await get(`/DocumentReference/${recordId}`);
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({
            resourceType: 'DocumentReference',
            id: recordId,
            status: 'superseded',
            subject: { reference: `Patient/${patientId}` },
            type: { coding: [{ system: 'http://loinc.org', code: '18842-5' }] },
            content: [
                {
                    attachment: {
                        contentType: 'text/plain',
                        size: content.length,
                        url: location,
                        extension: [
                            { url: Sha256Extension, valueBase64Binary: Buffer.from(sha256, 'hex').toString('base64') },
                        ],
                    },
                },
            ],
        });
        // Registered over /ehr/records without a SHA-1: no Attachment.hash rather than a wrong one.
        expect(JSON.stringify(read.body)).not.toContain('"hash"');
        // The display text sent at registration never reached the ledger, so it cannot come back.
        expect(JSON.stringify(read.body)).not.toContain('Discharge summary"');
        const amended = await get(`/DocumentReference/${amendedId}`);
        expect(amended.body).toMatchObject({
            status: 'current',
            relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${recordId}` } }],
        });
    });

    it('searches DocumentReference, Consent and AuditEvent by patient as searchset Bundles', async () => {
        const documents = await get<Bundle>(`/DocumentReference?patient=Patient/${patientId}`);
        expect(documents.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
        expect(ids(documents.body)).toEqual(expect.arrayContaining([recordId, amendedId, noteId]));
        const consents = await get<Bundle>(`/Consent?patient=${patientId}`);
        const consent = consents.body.entry?.find((e) => e.resource.id === consentId)?.resource;
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
        expect((audit.body.entry ?? []).map((e) => e.resource.outcome)).toEqual(expect.arrayContaining(['0', '4']));
        const byRecord = await auditTrail(amendedId);
        expect(byRecord.length).toBeGreaterThanOrEqual(2);
        expect((await get(`/AuditEvent/${byRecord[0].id}`)).body).toEqual(byRecord[0]);
    });

    it('searches by date and type, and pages with _count and the next link', async () => {
        const mine = `patient=${patientId}&date=ge${since}`;
        const byType = await get<Bundle>(`/DocumentReference?${mine}&type=http://loinc.org|11506-3`);
        expect(ownIds(byType.body)).toEqual([noteId]);
        // Other files' documents may be in the result; none may be of another type.
        const codes = (bundle: Bundle) =>
            (bundle.entry ?? []).map((e) =>
                ((e.resource as { type?: { coding?: Array<{ code?: string }> } }).type?.coding ?? []).map(
                    (c) => c.code,
                ),
            );
        expect(codes(byType.body).every((c) => c.includes('11506-3'))).toBe(true);
        const bareCode = await get<Bundle>(`/DocumentReference?${mine}&type=18842-5`);
        expect(ownIds(bareCode.body).sort()).toEqual([recordId, amendedId].sort());
        expect(codes(bareCode.body).every((c) => c.includes('18842-5'))).toBe(true);
        const anyOfTwo = await get<Bundle>(`/DocumentReference?${mine}&type=11506-3,http://loinc.org|18842-5`);
        expect(ownIds(anyOfTwo.body).sort()).toEqual([recordId, amendedId, noteId].sort());
        const recent = await get<Bundle>(`/DocumentReference?${mine}&date=lt2100-01-01`);
        expect(ownIds(recent.body).sort()).toEqual([recordId, amendedId, noteId].sort());
        const old = await get<Bundle>(`/DocumentReference?patient=${patientId}&date=lt2020`);
        expect(old.body.entry ?? []).toEqual([]);
        const today = new Date().toISOString().slice(0, 10);
        const consentsToday = await get<Bundle>(`/Consent?patient=${patientId}&date=${today}`);
        expect(ids(consentsToday.body)).toEqual(expect.arrayContaining([consentId]));
        const auditsOld = await get<Bundle>(`/AuditEvent?patient=${patientId}&date=le2020-12`);
        expect(auditsOld.body.entry ?? []).toEqual([]);

        const seen: string[] = [];
        let next: string | undefined = `/DocumentReference?${mine}&_count=1`;
        let pages = 0;
        while (next && pages < 200) {
            pages += 1;
            const page: { body: Bundle } = await get<Bundle>(next);
            expect((page.body.entry ?? []).length).toBeLessThanOrEqual(1);
            seen.push(...(ownIds(page.body) as string[]));
            const link = page.body.link.find((l) => l.relation === 'next')?.url;
            next = link ? link.slice(link.indexOf('/fhir/r4') + '/fhir/r4'.length) : undefined;
            if (next) expect(next).toContain('_count=1');
        }
        expect(seen.sort()).toEqual([recordId, amendedId, noteId].sort());

        for (const [path, field] of [
            [`/DocumentReference?patient=${patientId}&date=yesterday`, 'query.date'],
            [`/DocumentReference?patient=${patientId}&date=sa2020`, 'query.date'],
            [`/DocumentReference?patient=${patientId}&date=2026-13`, 'query.date'],
            [`/DocumentReference?patient=${patientId}&type=`, 'query.type'],
            [`/DocumentReference?patient=${patientId}&_page=forged`, 'query._page'],
            [`/DocumentReference?patient=${patientId}&_count=0`, 'querystring._count'],
        ]) {
            const bad = await get<Outcome>(path);
            expect({ path, status: bad.status, type: bad.headers.get('content-type') }).toEqual({
                path,
                status: 400,
                type: expect.stringContaining('application/fhir+json'),
            });
            expect(bad.body.issue[0]).toMatchObject({ code: 'invalid', expression: [expect.stringContaining(field)] });
        }
    });

    it('gives each record version a Provenance: author, custodian, time, the version it replaced', async () => {
        const provenance = await get(`/Provenance/${amendedId}`);
        expect(provenance).toMatchObject({
            status: 200,
            body: {
                resourceType: 'Provenance',
                id: amendedId,
                target: [{ reference: `DocumentReference/${amendedId}` }],
                activity: { coding: [{ code: 'UPDATE' }] },
                agent: [
                    { who: { reference: 'Practitioner/prac-hosp-0001' }, onBehalfOf: { type: 'Organization' } },
                    { who: { type: 'Organization' } },
                ],
                entity: [{ role: 'revision', what: { reference: `DocumentReference/${recordId}` } }],
            },
        });
        const byTarget = await get<Bundle>(`/Provenance?target=DocumentReference/${recordId}`);
        expect(byTarget.body.entry?.map((e) => e.resource)).toMatchObject([
            { id: recordId, activity: { coding: [{ code: 'CREATE' }] } },
        ]);
        expect(ids((await get<Bundle>(`/Provenance?patient=${patientId}`)).body)).toEqual(
            expect.arrayContaining([recordId, amendedId, noteId]),
        );
        expect((await get<Bundle>('/Provenance?target=DocumentReference/no-such-record')).body.entry ?? []).toEqual([]);
    });

    it('imports a DocumentReference an EHR POSTs: a pointer with both hashes, none of its free text', async () => {
        const bytes = Buffer.from(`Imported discharge letter ${uniqueId('x')}`);
        const url = `https://ehr.hospital.example/docs/${uniqueId('doc')}`;
        const freeText = `Jane Importwright ${uniqueId('phi')}`;
        const resource = {
            resourceType: 'DocumentReference',
            status: 'current',
            masterIdentifier: { system: 'urn:oid:1.2.3', value: `MRN-${freeText}` },
            description: `Letter about ${freeText}`,
            type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: freeText }], text: freeText },
            subject: { reference: `Patient/${patientId}`, display: freeText },
            contained: [{ resourceType: 'Patient', id: 'p', name: [{ text: freeText }] }],
            content: [
                {
                    attachment: {
                        contentType: 'application/pdf',
                        url,
                        size: bytes.length,
                        hash: sha1Base64Of(bytes),
                        title: freeText,
                        extension: [
                            {
                                url: Sha256Extension,
                                valueBase64Binary: createHash('sha256').update(bytes).digest('base64'),
                            },
                        ],
                    },
                },
            ],
        };
        const created = await post<Resource & { id: string }>('/DocumentReference', resource);
        expect(created.status).toBe(201);
        expect(created.headers.get('content-type')).toContain('application/fhir+json');
        expect(created.headers.get('location')).toBe(`/fhir/r4/DocumentReference/${created.body.id}`);
        expect(created.body.id).toMatch(/^rec-[0-9a-f-]{36}$/);
        expect(created.body).toMatchObject({
            resourceType: 'DocumentReference',
            status: 'current',
            subject: { reference: `Patient/${patientId}` },
            author: [{ reference: 'Practitioner/prac-hosp-0001' }],
            content: [
                { attachment: { contentType: 'application/pdf', size: bytes.length, hash: sha1Base64Of(bytes) } },
            ],
        });
        expect(JSON.stringify(created.body)).not.toContain(freeText);
        // What the ledger keeps: read back by the patient through the audited read.
        const read = await get(`/DocumentReference/${created.body.id}`);
        expect(read.body).toMatchObject({ content: [{ attachment: { url, hash: sha1Base64Of(bytes) } }] });
        expect(JSON.stringify(read.body)).not.toContain(freeText);
        const pointer = await hospital.call('GET', `/ehr/records/${created.body.id}`, { token: patient });
        expect(pointer.body).toMatchObject({ contentHash: sha256Of(bytes), contentSha1: sha1Base64Of(bytes) });
        expect(JSON.stringify(pointer.body)).not.toContain(freeText);

        // A new version: relatesTo replaces.
        const v2 = await post<Resource & { id: string }>('/DocumentReference', {
            ...resource,
            relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${created.body.id}` } }],
        });
        expect(v2).toMatchObject({ status: 201, body: { status: 'current', relatesTo: [{ code: 'replaces' }] } });
        expect((await get(`/DocumentReference/${created.body.id}`)).body).toMatchObject({ status: 'superseded' });
    });

    it('puts the SHA-1 in Attachment.hash for a document uploaded to the gateway, which hashes the bytes', async () => {
        const bytes = Buffer.from(`Uploaded letter ${uniqueId('up')}`);
        const uploadedId = uniqueId('fhir-up');
        const uploaded = await hospital.call('POST', '/documents', {
            token: physician,
            body: {
                recordId: uploadedId,
                patientId,
                type: { system: 'http://loinc.org', code: '11506-3' },
                contentType: 'text/plain',
                content: bytes.toString('base64'),
            },
        });
        expect(uploaded.status).toBe(201);
        const read = await get(`/DocumentReference/${uploadedId}`);
        expect(read.body).toMatchObject({
            content: [
                {
                    attachment: {
                        hash: sha1Base64Of(bytes),
                        extension: [
                            {
                                url: Sha256Extension,
                                valueBase64Binary: createHash('sha256').update(bytes).digest('base64'),
                            },
                        ],
                    },
                },
            ],
        });
    });

    it('imports a batch Bundle entry by entry, and refuses what a pointer cannot be', async () => {
        const entry = (code: string, extension = true) => {
            const bytes = Buffer.from(uniqueId('batch'));
            return {
                request: { method: 'POST', url: 'DocumentReference' },
                resource: {
                    resourceType: 'DocumentReference',
                    status: 'current',
                    type: { coding: [{ system: 'http://loinc.org', code }] },
                    subject: { reference: `Patient/${patientId}` },
                    content: [
                        {
                            attachment: {
                                contentType: 'text/plain',
                                url: `https://ehr.hospital.example/${uniqueId('b')}`,
                                size: bytes.length,
                                ...(extension
                                    ? {
                                          extension: [
                                              {
                                                  url: Sha256Extension,
                                                  valueBase64Binary: createHash('sha256')
                                                      .update(bytes)
                                                      .digest('base64'),
                                              },
                                          ],
                                      }
                                    : {}),
                            },
                        },
                    ],
                },
            };
        };
        const batch = await post<Bundle>('', {
            resourceType: 'Bundle',
            type: 'batch',
            entry: [entry('18842-5'), entry('11506-3', false), entry('11506-3')],
        });
        expect(batch).toMatchObject({ status: 200, body: { resourceType: 'Bundle', type: 'batch-response' } });
        const responses = batch.body.entry!.map((e) => e.response!);
        expect(responses.map((r) => r.status)).toEqual(['201 Created', '400 Bad Request', '201 Created']);
        expect(responses[1].outcome).toMatchObject({
            resourceType: 'OperationOutcome',
            issue: [{ code: 'invalid', expression: ['body.entry.1.resource.content.0.attachment.extension'] }],
        });
        expect(responses[0].location).toMatch(/^\/fhir\/r4\/DocumentReference\/rec-/);

        const transaction = await post<Outcome>('', {
            resourceType: 'Bundle',
            type: 'transaction',
            entry: [entry('18842-5')],
        });
        expect(transaction).toMatchObject({ status: 400, body: { issue: [{ expression: ['body.type'] }] } });
        type Spoilable = Omit<ReturnType<typeof entry>['resource'], 'subject' | 'type'> & {
            subject: unknown;
            type: unknown;
        };
        const attachment = (r: Spoilable) => r.content[0].attachment as Record<string, unknown>;
        const cases: Array<[string, (r: Spoilable) => void, string]> = [
            ['contained subject', (r) => (r.subject = { reference: '#p' }), 'body.subject.reference'],
            ['identifier subject', (r) => (r.subject = { identifier: { value: 'MRN-1' } }), 'body.subject.reference'],
            ['no LOINC type', (r) => (r.type = { text: 'letter' }), 'body.type.coding'],
            ['inline bytes', (r) => (attachment(r).data = 'aGVsbG8='), 'body.content.0.attachment.data'],
            ['hex SHA-1', (r) => (attachment(r).hash = 'a'.repeat(40)), 'body.content.0.attachment.hash'],
            ['status', (r) => (r.status = 'entered-in-error'), 'body.status'],
        ];
        for (const [name, spoil, field] of cases) {
            const resource: Spoilable = structuredClone(entry('18842-5').resource);
            spoil(resource);
            const refused = await post<Outcome>('/DocumentReference', resource);
            expect({ name, status: refused.status, field: refused.body.issue?.[0].expression }).toEqual({
                name,
                status: 400,
                field: [field],
            });
        }
        // Only clinicians of the custodian register pointers: the chaincode decides, as for /ehr/records.
        const byPatient = await post<Outcome>('/DocumentReference', entry('18842-5').resource, patient);
        expect(byPatient).toMatchObject({ status: 403, body: { issue: [{ code: 'forbidden' }] } });
    });

    describe('as an attacker: /fhir reads no more than the ledger allows, and every read is audited', () => {
        it('audits each allowed read of a record: one more AuditEvent, outcome success, by the reader', async () => {
            const before = await auditTrail(amendedId);
            const read = await get(`/DocumentReference/${amendedId}`, physician);
            expect(read.status).toBe(200);
            const after = await auditTrail(amendedId);
            expect(after.length).toBe(before.length + 1);
            const added = after.filter((a) => !before.some((b) => b.id === a.id));
            expect(added).toMatchObject([
                { outcome: '0', agent: [{ who: { reference: 'Practitioner/prac-hosp-0001' } }] },
            ]);
        });

        it('refuses and records a clinician reading a record no consent covers', async () => {
            const before = await auditTrail(noteId);
            const denied = await get<Outcome>(`/DocumentReference/${noteId}`, physician);
            expect(denied.status).toBe(403);
            expect(denied.headers.get('content-type')).toContain('application/fhir+json');
            expect(denied.body.issue[0]).toMatchObject({
                code: 'forbidden',
                diagnostics: expect.stringContaining('no-consent'),
            });
            const auditRef = denied.body.issue[0].extension?.find((e) => e.url === AuditExtension)?.valueReference
                .reference;
            expect(auditRef).toMatch(/^AuditEvent\/.+/);
            expect(JSON.stringify(denied.body)).not.toContain('file:///');
            const recorded = await get(`/${auditRef}`);
            expect(recorded.body).toMatchObject({
                outcome: '4',
                entity: [
                    { what: { reference: `DocumentReference/${noteId}` } },
                    { what: { reference: `Patient/${patientId}` } },
                ],
            });
            expect((await auditTrail(noteId)).length).toBe(before.length + 1);
        });

        it('refuses a purpose the consent does not permit, another patient, and a regulator, each recorded', async () => {
            const research = await get<Outcome>(`/DocumentReference/${amendedId}?purpose=HRESCH`, physician);
            expect(research.status).toBe(403);
            expect(research.body.issue[0].diagnostics).toContain('purpose-not-permitted');
            const nosy = await get<Outcome>(`/DocumentReference/${amendedId}`, otherPatient);
            expect(nosy.status).toBe(403);
            const inspector = await get<Outcome>(
                `/DocumentReference/${amendedId}`,
                await regulator.token('inspector1'),
                regulator,
            );
            expect(inspector.status).toBe(403);
            expect(inspector.body.issue[0].diagnostics).toContain('regulator');
            for (const answer of [research, nosy, inspector]) {
                expect(answer.body.issue[0].extension?.[0].url).toBe(AuditExtension);
            }
        });

        it('lists only what a consent covers: a search is no way around consent', async () => {
            const found = await get<Bundle>(`/DocumentReference?patient=${patientId}`, physician);
            expect(found.status).toBe(200);
            expect(ids(found.body)).toEqual(expect.arrayContaining([recordId, amendedId]));
            expect(ids(found.body)).not.toContain(noteId);
            const byType = await get<Bundle>(`/DocumentReference?patient=${patientId}&type=11506-3`, physician);
            expect(byType.body.entry ?? []).toEqual([]);
            const provenances = await get<Bundle>(`/Provenance?patient=${patientId}`, physician);
            expect(ids(provenances.body)).not.toContain(noteId);
            // No consent at all: refused, whatever the search says.
            for (const path of [
                `/DocumentReference?patient=${otherPatientId}`,
                `/DocumentReference?subject=Patient/${otherPatientId}&type=18842-5`,
                `/Provenance?patient=${otherPatientId}`,
            ]) {
                const refused = await get<Outcome>(path, physician);
                expect({ path, status: refused.status, code: refused.body.issue?.[0].code }).toEqual({
                    path,
                    status: 403,
                    code: 'forbidden',
                });
            }
            // Another patient's lists, consents and audit trail are theirs alone.
            for (const path of [
                `/DocumentReference?patient=${patientId}`,
                `/Consent?patient=${patientId}`,
                `/AuditEvent?patient=${patientId}`,
                `/Consent/${consentId}`,
            ]) {
                expect({ path, status: (await get(path, otherPatient)).status }).toEqual({ path, status: 403 });
            }
        });
    });

    it('answers errors with an OperationOutcome, the documented exemption from the error body', async () => {
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
            headers: { authorization: `Bearer ${patient}` },
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
    });
});
