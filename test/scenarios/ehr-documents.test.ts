import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEncryptedStore } from '../../gateway/src/documents';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from './rest-licensing';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Documents follow the record's access decision, never the content hash (#17 findings 1 and 11):
 * a clinician who knows a document's SHA-256 (public in its pointer) and registers a pointer
 * carrying it for another patient gets no bytes; a refused upload leaves nothing in the store;
 * erasure destroys the stored document's key and bytes.
 */
jest.setTimeout(180_000);

const patient1 = 'pat-7c1e04a9';
const patient2 = 'pat-2b9d51f0';
const loinc = (code: string) => ({ system: 'http://loinc.org', code });

describe('EHR documents: release by access decision, upload checks, erasure', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    const documentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-ehr-docs-'));
    const filesInStore = () =>
        (fs.readdirSync(documentDir, { recursive: true }) as string[]).filter((file) =>
            fs.statSync(path.join(documentDir, file)).isFile(),
        );

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital', {
            documents: new LocalEncryptedStore(documentDir, Buffer.alloc(32, 12)),
        });
        regulator = await startGateway(env, 'regulator');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' }, 'NursingLicense');
        for (const patient of ['patient1', 'patient2']) {
            const enrolled = await hospital.call('POST', '/ehr/patients/enrol', {
                token: await hospital.token(patient),
            });
            expect(enrolled.status).toBe(200);
        }
    });
    afterAll(async () => {
        await hospital?.app.close();
        await regulator?.app.close();
        await env?.close();
        fs.rmSync(documentDir, { recursive: true, force: true });
    });

    const upload = async (user: string, recordId: string, patientId: string, content: Buffer) =>
        hospital.call<{ sha256: string; size: number; code?: string }>('POST', '/documents', {
            token: await hospital.token(user),
            body: {
                recordId,
                patientId,
                type: loinc('18842-5'),
                contentType: 'text/plain',
                content: content.toString('base64'),
            },
        });

    it('a pointer carrying a known hash for another patient releases no bytes (finding 1)', async () => {
        const secret = Buffer.from(`Psychiatric note ${uniqueId('note')}: stand-in text of patient 1`);
        const victimRecord = uniqueId('rec');
        const stored = await upload('nurse1', victimRecord, patient1, secret);
        expect(stored.status).toBe(201);

        // Any clinician of the custodian can read the pointer and its content hash.
        const physician = await hospital.token('physician1');
        const pointer = await hospital.call<{ contentHash: string; size: number }>(
            'GET',
            `/ehr/records/${victimRecord}`,
            { token: physician },
        );
        expect(pointer.body.contentHash).toBe(stored.body.sha256);

        // A pointer for patient 2 (who consents to the physician) carrying patient 1's hash.
        const replay = uniqueId('rec');
        for (const location of [`ni:///sha-256;${Buffer.from(stored.body.sha256, 'hex').toString('base64url')}`]) {
            const registered = await hospital.call('POST', '/ehr/records', {
                token: physician,
                body: {
                    id: replay,
                    patientId: patient2,
                    type: loinc('18842-5'),
                    contentHash: pointer.body.contentHash,
                    size: pointer.body.size,
                    mediaType: 'text/plain',
                    location,
                },
            });
            expect(registered.status).toBe(201);
        }
        const consent = await hospital.call('POST', '/ehr/consents', {
            token: await hospital.token('patient2'),
            body: {
                id: uniqueId('consent'),
                grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                scope: { kind: 'records', recordIds: [replay] },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            },
        });
        expect(consent.status).toBe(201);
        const read = await hospital.call('GET', `/documents/${replay}?purpose=TREAT`, { token: physician });
        expect(read.status).toBe(404);
        expect(Buffer.isBuffer(read.body) && read.body.includes(secret)).toBe(false);
        expect(JSON.stringify(read.body)).not.toContain('Psychiatric');

        // Patient 1's own document stays unreleased to the physician without patient 1's consent.
        const direct = await hospital.call('GET', `/documents/${victimRecord}?purpose=TREAT`, { token: physician });
        expect(direct).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });

    it('a refused upload leaves nothing in the store (finding 11)', async () => {
        const before = filesInStore();
        const content = Buffer.from(`Refused upload ${uniqueId('doc')}`);
        for (const [user, status] of [
            ['pharmacist1', 403],
            ['patient1', 403],
            ['admin', 403],
        ] as const) {
            const refused = await upload(user, uniqueId('rec'), patient1, content);
            expect({ user, status: refused.status }).toEqual({ user, status });
        }
        const unknownPatient = await upload('nurse1', uniqueId('rec'), 'pat-not-enrolled', content);
        expect(unknownPatient.status).toBe(404);
        expect(filesInStore()).toEqual(before);
    });

    it('erasure destroys the stored key and bytes; the document is never released again (finding 1)', async () => {
        const content = Buffer.from(`Erasable letter ${uniqueId('doc')}`);
        const recordId = uniqueId('rec');
        const beforeUpload = filesInStore();
        expect((await upload('nurse1', recordId, patient1, content)).status).toBe(201);
        const ofRecord = filesInStore().filter((file) => !beforeUpload.includes(file));
        expect(ofRecord.filter((file) => /\.(key|doc)$/.test(file))).toHaveLength(2);
        const erased = await hospital.call<Array<{ recordIds: string[] }>>('POST', '/ehr/erasure', {
            token: await hospital.token('patient1'),
            body: { custodianMsp: 'HospitalMSP' },
        });
        expect(erased.status).toBe(200);
        expect(erased.body.flatMap((receipt) => receipt.recordIds)).toContain(recordId);
        const left = filesInStore();
        expect(ofRecord.filter((file) => left.includes(file))).toEqual([]);
        const read = await hospital.call('GET', `/documents/${recordId}?purpose=TREAT`, {
            token: await hospital.token('patient1'),
        });
        expect(read.status).not.toBe(200);
    });
});
