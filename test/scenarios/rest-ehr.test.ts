import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEncryptedStore } from '../../gateway/src/documents';
import { seal } from '../../gateway/src/storage/sealing';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from './rest-licensing';
import { startGateway, type RestGateway } from './rest-support';

/**
 * EHR through the REST API, one full flow: a nurse uploads a document (encrypted store,
 * pointer with SHA-256 on the ledger), the patient consents, the physician reads it back
 * through the audited consent check, the patient revokes and the next read is refused, and
 * tampered bytes are never released.
 */
jest.setTimeout(180_000);

describe('REST: EHR documents with consent', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    const documentKey = Buffer.alloc(32, 11);
    const documentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-rest-docs-'));
    const summary = Buffer.from(`Discharge summary ${uniqueId('doc')}: stand-in clinical text`);
    let recordId: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital', {
            documents: new LocalEncryptedStore(documentDir, documentKey),
        });
        regulator = await startGateway(env, 'regulator');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' }, 'NursingLicense');
    });
    afterAll(async () => {
        await hospital?.app.close();
        await regulator?.app.close();
        await env?.close();
        fs.rmSync(documentDir, { recursive: true, force: true });
    });

    it('stores a document and registers its pointer with SHA-256 and size', async () => {
        const patient = await hospital.token('patient1');
        const enrolled = await hospital.call<{ patientId: string }>('POST', '/ehr/patients/enrol', { token: patient });
        expect(enrolled).toMatchObject({ status: 200, body: { patientId: 'pat-7c1e04a9' } });

        recordId = uniqueId('rec');
        const stored = await hospital.call<{ sha256: string; size: number }>('POST', '/documents', {
            token: await hospital.token('nurse1'),
            body: {
                recordId,
                patientId: 'pat-7c1e04a9',
                type: { system: 'http://loinc.org', code: '18842-5' },
                contentType: 'text/plain',
                content: summary.toString('base64'),
            },
        });
        expect(stored.status).toBe(201);
        expect(stored.body.size).toBe(summary.length);
        const pointer = await hospital.call<{ contentHash: string; size: number; custodianMsp: string }>(
            'GET',
            `/ehr/records/${recordId}`,
            {
                token: patient,
            },
        );
        expect(pointer.body).toMatchObject({
            contentHash: stored.body.sha256,
            size: summary.length,
            custodianMsp: 'HospitalMSP',
        });
        expect(JSON.stringify(pointer.body)).not.toContain('careledger-doc:');
    });

    it('releases the document to a consented physician, audited, and refuses it after revocation', async () => {
        const patient = await hospital.token('patient1');
        const physician = await hospital.token('physician1');
        const noConsent = await hospital.call('GET', `/documents/${recordId}?purpose=TREAT`, { token: physician });
        expect(noConsent).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });

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
        expect(granted).toMatchObject({ status: 201, body: { id: consentId, status: 'active' } });

        const read = await hospital.call<Buffer>('GET', `/documents/${recordId}?purpose=TREAT`, { token: physician });
        expect(read.status).toBe(200);
        expect(Buffer.from(read.body).equals(summary)).toBe(true);
        expect(read.headers.get('content-type')).toContain('text/plain');
        const auditId = read.headers.get('x-careledger-audit-id');
        expect(auditId).toEqual(expect.any(String));

        // The patient's whole trail, page by page: on the shared Fabric ledger earlier files read patient1's records
        // too, so this access may be past the first page.
        const trail: Array<{ id: string; outcome: string }> = [];
        let bookmark = '';
        for (let page = 0; page < 50; page += 1) {
            const query = `pageSize=200${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`;
            const answer = await hospital.call<{ items: Array<{ id: string; outcome: string }>; bookmark: string }>(
                'GET',
                `/ehr/patients/me/audit?${query}`,
                { token: patient },
            );
            expect(answer.status).toBe(200);
            trail.push(...answer.body.items);
            bookmark = answer.body.bookmark;
            if (!bookmark || answer.body.items.length === 0) break;
        }
        expect(trail).toEqual(expect.arrayContaining([expect.objectContaining({ id: auditId, outcome: '0' })]));

        expect((await hospital.call('POST', `/ehr/consents/${consentId}/revoke`, { token: patient })).status).toBe(200);
        const afterRevoke = await hospital.call('GET', `/documents/${recordId}?purpose=TREAT`, { token: physician });
        expect(afterRevoke).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });

    it('never releases bytes whose SHA-256 differs from the pointer on the ledger', async () => {
        const patient = await hospital.token('patient1');
        const consentId = uniqueId('consent');
        await hospital.call('POST', '/ehr/consents', {
            token: patient,
            body: {
                id: consentId,
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                scope: { kind: 'records', recordIds: [recordId] },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        const pointer = await hospital.call<{ contentHash: string }>('GET', `/ehr/records/${recordId}`, {
            token: patient,
        });
        expect(pointer.status).toBe(200);
        // Someone with the store key swaps the bytes behind the record's handle (the only document file of its record).
        const keyFile = (fs.readdirSync(documentDir, { recursive: true }) as string[]).find((file) =>
            file.endsWith('.key'),
        ) as string;
        const handle = path.basename(keyFile, '.key');
        const forgedKey = Buffer.alloc(32, 3);
        fs.writeFileSync(path.join(documentDir, keyFile), seal(documentKey, forgedKey, `key\n${handle}\n${recordId}`));
        fs.writeFileSync(
            path.join(documentDir, keyFile.replace(/\.key$/, '.doc')),
            seal(forgedKey, Buffer.from('forged'), `doc\n${handle}\n${recordId}`),
        );
        const read = await hospital.call('GET', `/documents/${recordId}?purpose=TREAT`, {
            token: await hospital.token('physician1'),
        });
        expect(read).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
        expect(JSON.stringify(read.body)).not.toContain('forged');
    });
});
