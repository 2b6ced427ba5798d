import { fromBytes, type AccessResult, type RecordPointer } from '@careledger/chaincode';
import { commitDocument, CredentialsClient } from '../../gateway/src/credentials';
import { documentDigest, EhrClient } from '../../gateway/src/ehr';
import { LedgerError, type LedgerEvent, type LedgerSession } from '../../gateway/src/ledger';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';

/**
 * Issue 5 end to end, through the EHR gateway client, on the embedded ledger and on the real
 * network. On the shared network this file acts as physician1, nurse1 and patient1 only (plus
 * read-only or denied calls by the distributor and the regulator), creates records and
 * consents under unique ids, and erases only patient1's records.
 */
jest.setTimeout(180_000);

const Hospital = 'HospitalMSP';
const treatment = 'TREAT';

describe('ehr: consented, audited access to record pointers', () => {
    let env: ScenarioLedger;
    let patient: EhrClient;
    let physician: EhrClient;
    let nurse: EhrClient;
    let distributor: EhrClient;
    let inspector: EhrClient;
    let patientId: string;
    let physicianSession: LedgerSession;
    let record: RecordPointer;
    const location = `https://docs.hospital.example/records/${uniqueId('doc')}.pdf`;

    /** A consent window long enough for one read on either ledger, short enough to wait out. */
    const shortWindowMs = () => (env.kind === 'fabric' ? 15_000 : 3_000);

    const isCode = (error: unknown, code: string) => error instanceof LedgerError && error.code === code;

    /** physician1 and nurse1 hold valid licences; on a shared network an earlier run may have issued them. */
    async function ensureLicensed(regulator: CredentialsClient, actorId: string, type: string): Promise<void> {
        await regulator
            .registerIssuer({ type, mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' })
            .catch((error: unknown) => {
                if (!isCode(error, 'CONFLICT')) {
                    throw error;
                }
            });
        const subject = { mspId: Hospital, actorId };
        if ((await regulator.checkPractitioner(subject, type)).verdict !== 'valid') {
            await regulator.issue({
                id: uniqueId(`lic-${actorId}`),
                type,
                subject,
                commitment: commitDocument(uniqueId('licence')).commitment,
            });
        }
    }

    /** The first event of transaction `txId` on `stream`, waiting at most `ms`. */
    async function eventOf(
        events: AsyncIterable<LedgerEvent> & { close(): void },
        txId: string,
        ms = 60_000,
    ): Promise<LedgerEvent> {
        const timer = setTimeout(() => events.close(), ms);
        try {
            for await (const event of events) {
                if (event.transactionId === txId) {
                    return event;
                }
            }
            throw new Error(`no event for transaction ${txId} within ${ms} ms`);
        } finally {
            clearTimeout(timer);
            events.close();
        }
    }

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    beforeAll(async () => {
        env = await openScenarioLedger();
        physicianSession = await env.session('hospital', 'physician1');
        patient = new EhrClient(await env.session('hospital', 'patient1'));
        physician = new EhrClient(physicianSession);
        nurse = new EhrClient(await env.session('hospital', 'nurse1'));
        distributor = new EhrClient(await env.session('distributor', 'operator1'));
        inspector = new EhrClient(await env.session('regulator', 'inspector1'));

        const regulator = new CredentialsClient(await env.session('regulator', 'admin'));
        await ensureLicensed(regulator, 'prac-hosp-0001', 'MedicalLicense');
        await ensureLicensed(regulator, 'prac-hosp-0101', 'NursingLicense');

        patientId = (await patient.enrolPatient()).patientId;
        const { contentHash, size } = documentDigest('discharge summary (stand-in bytes)');
        ({ record } = await nurse.registerRecord({
            id: uniqueId('rec'),
            patientId,
            type: { system: 'http://loinc.org', code: '18842-5' },
            contentHash,
            size,
            mediaType: 'application/pdf',
            location,
        }));
    });

    afterAll(async () => {
        await env?.close();
    });

    it('the patient id of a record and a consent comes from the caller, never from an argument', async () => {
        expect(patientId).toBe('pat-7c1e04a9');
        expect(record).toMatchObject({
            patientId,
            custodianMsp: Hospital,
            authorId: 'prac-hosp-0101',
            status: 'current',
        });
        expect(JSON.stringify(record)).not.toContain(location);

        await expect(
            patient.grantConsent({
                id: uniqueId('consent'),
                patientId: 'pat-2b9d51f0',
                grantee: { mspId: Hospital, actorId: 'prac-hosp-0001' },
                scope: { kind: 'all' },
                purposes: [treatment],
                period: { end: new Date(Date.now() + 3_600_000).toISOString() },
            }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('a consented physician reads (allowed, audited); after revocation the next read is denied and audited', async () => {
        const consent = await patient.grantConsent({
            id: uniqueId('consent'),
            grantee: { mspId: Hospital, actorId: 'prac-hosp-0001' },
            scope: { kind: 'records', recordIds: [record.id] },
            purposes: [treatment],
            period: { end: new Date(Date.now() + 3_600_000).toISOString() },
        });
        expect(consent).toMatchObject({
            patientId,
            status: 'active',
            grantedBy: { actorId: patientId, asDelegate: false },
        });

        const read = await physician.readRecord(record.id, treatment);
        expect(read.access).toMatchObject({
            allowed: true,
            audit: { outcome: '0', consentId: consent.id, purposeOfEvent: treatment },
        });
        expect(read.location).toMatchObject({ recordId: record.id, location, contentHash: record.contentHash });

        await patient.revokeConsent(consent.id);
        const denied = await physician.readRecord(record.id, treatment);
        expect(denied.access).toMatchObject({ allowed: false, audit: { outcome: '4', outcomeDesc: 'no-consent' } });
        expect(denied.location).toBeUndefined();

        const trail = await patient.listAuditByRecord(record.id, { pageSize: 200 });
        const ids = trail.items.map((entry) => entry.id);
        expect(ids).toEqual(expect.arrayContaining([read.access.audit.id, denied.access.audit.id]));
    });

    it('a consent expires by transaction time: the next read is denied and audited', async () => {
        const end = new Date(Date.now() + shortWindowMs());
        const consent = await patient.grantConsent({
            id: uniqueId('consent'),
            grantee: { mspId: Hospital, actorId: 'prac-hosp-0001' },
            scope: { kind: 'type', typeCode: '18842-5' },
            purposes: [treatment],
            period: { end: end.toISOString() },
        });
        expect((await physician.accessRecord(record.id, treatment)).audit.consentId).toBe(consent.id);

        await sleep(Math.max(0, end.getTime() - Date.now()) + 50);
        const expired = await physician.accessRecord(record.id, treatment);
        expect(expired).toMatchObject({ allowed: false, audit: { outcome: '4', outcomeDesc: 'consent-expired' } });
        await expect(physician.getAuditEntry(expired.audit.id)).resolves.toEqual(expired.audit);
    });

    it('a distributor user without consent is denied, and the attempt is recorded', async () => {
        const attempt = await distributor.accessRecord(record.id, treatment);
        expect(attempt).toMatchObject({ allowed: false, audit: { outcome: '4', agent: { mspId: 'DistributorMSP' } } });
        expect(attempt.record).toBeUndefined();
        const trail = await patient.listAuditByPatient('', { pageSize: 200 });
        expect(trail.items.map((entry) => entry.id)).toContain(attempt.audit.id);
        await expect(
            distributor.getRecordLocation({ recordId: record.id, auditId: attempt.audit.id, custodianMsp: Hospital }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('break-glass is flagged as an emergency override and emits ehr.EmergencyAccess without the reason', async () => {
        const events = await physicianSession.events();
        const reason = 'Unresponsive on arrival; medication history needed now.';
        const emergency = await physician.readRecordInEmergency(record.id, 'unconscious', reason);
        expect(emergency.access).toMatchObject({
            allowed: true,
            audit: {
                emergency: true,
                purposeOfEvent: 'BTG',
                type: { code: '110113' },
                subtype: { code: '110127' },
                reasonCode: 'unconscious',
            },
        });
        expect(emergency.location?.location).toBe(location);

        const event = await eventOf(events, emergency.access.audit.id);
        expect(event.eventName).toBe('ehr.EmergencyAccess');
        const payload = fromBytes<Record<string, unknown>>(event.payload);
        expect(payload).toMatchObject({
            auditId: emergency.access.audit.id,
            recordId: record.id,
            patientId,
            emergency: true,
        });
        expect(Buffer.from(event.payload).toString('utf8')).not.toContain('Unresponsive');
    });

    it('a regulator reads the audit trail and consent history but never a location', async () => {
        const trail = await inspector.listAuditByRecord(record.id, { pageSize: 200 });
        expect(trail.items.length).toBeGreaterThanOrEqual(5);
        expect(trail.items.some((entry) => entry.emergency)).toBe(true);
        expect(JSON.stringify(trail)).not.toContain(location);
        const consents = await inspector.listConsentsByPatient(patientId, { pageSize: 200 });
        expect(consents.items.some((consent) => consent.status === 'inactive')).toBe(true);

        const attempt: AccessResult = await inspector.accessRecord(record.id, treatment);
        expect(attempt).toMatchObject({ allowed: false, audit: { outcomeDesc: 'regulator' } });
        await expect(
            inspector.getRecordLocation({ recordId: record.id, auditId: attempt.audit.id, custodianMsp: Hospital }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('erasure tombstones the pointer, purges the location, and is verifiable', async () => {
        const receipts = await patient.eraseRecords(Hospital);
        expect(receipts.flatMap((receipt) => receipt.recordIds)).toContain(record.id);

        const proof = await patient.verifyErasure(record.id, Hospital);
        expect(proof).toEqual({
            recordId: record.id,
            custodianMsp: Hospital,
            pointerErased: true,
            privateDataHashPresent: false,
            privateDataPresent: false,
            erased: true,
        });
        await expect(inspector.verifyErasure(record.id)).resolves.toMatchObject({
            erased: true,
            privateDataHashPresent: false,
        });
        await expect(patient.getRecord(record.id)).resolves.toMatchObject({
            id: record.id,
            erased: true,
            status: 'entered-in-error',
        });
        const listed = await patient.listRecordsByPatient('', { pageSize: 200 });
        expect(listed.items.map((pointer) => pointer.id)).not.toContain(record.id);

        const after = await physician.readRecordInEmergency(
            record.id,
            'unconscious',
            'Unresponsive patient, second visit.',
        );
        expect(after.access).toMatchObject({ allowed: false, audit: { outcomeDesc: 'record-erased' } });
    });
});
