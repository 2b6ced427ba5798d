import { createHash } from 'node:crypto';
import {
    StatusListLength,
    type Credential,
    type CredentialEvent,
    type CredentialVerdict,
    type PractitionerRef,
} from '@careledger/chaincode';
import { CredentialsClient, commitDocument, type CommittedDocument } from '../../gateway/src/credentials';
import { documentDigest, EhrClient } from '../../gateway/src/ehr';
import { LedgerError, type EventStream } from '../../gateway/src/ledger';
import { statusListCredential } from '../../gateway/src/standards/vc';
import { decodeStatusList } from '../../gateway/src/standards/status-list';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';

/**
 * Issue 7 end to end, through the credentials gateway client (and the EHR client for the gated
 * record reads), on the embedded ledger and on the real network. On the shared network this
 * file suspends and revokes only physician2's credentials, reads as physician2 and patient2,
 * and creates everything else under unique ids.
 */
jest.setTimeout(180_000);

describe('credentials: trusted issuers, attestations and verification', () => {
    let env: ScenarioLedger;
    let regulator: CredentialsClient;
    let hospitalAdmin: CredentialsClient;
    let physician2: CredentialsClient;
    let physician2Ref: PractitionerRef;

    const isCode = (error: unknown, code: string) => error instanceof LedgerError && error.code === code;

    /** Registers `entry` unless it is already trusted (the network is shared across runs). */
    async function ensureIssuer(entry: Parameters<CredentialsClient['registerIssuer']>[0]): Promise<void> {
        await regulator.registerIssuer(entry).catch((error: unknown) => {
            if (!isCode(error, 'CONFLICT')) {
                throw error;
            }
        });
    }

    /** A fresh MedicalLicense issued by the regulator to `subject`, with its off-chain document. */
    async function issueLicense(
        subject: PractitionerRef,
        window: { validFrom?: string; validUntil?: string } = {},
    ): Promise<{ credential: Credential; document: string; committed: CommittedDocument }> {
        const id = uniqueId('lic');
        const document = JSON.stringify({ license: id, class: 'MD', jurisdiction: 'XX' });
        const committed = commitDocument(document);
        const credential = await regulator.issue({
            id,
            type: 'MedicalLicense',
            subject,
            commitment: committed.commitment,
            ...window,
        });
        return { credential, document, committed };
    }

    beforeAll(async () => {
        env = await openScenarioLedger();
        regulator = new CredentialsClient(await env.session('regulator', 'admin'));
        hospitalAdmin = new CredentialsClient(await env.session('hospital', 'admin'));
        physician2 = new CredentialsClient(await env.session('hospital', 'physician2'));
        physician2Ref = {
            mspId: (await env.session('hospital', 'physician2')).identity.mspId,
            actorId: 'prac-hosp-0002',
        };
    });

    afterAll(async () => {
        await env?.close();
    });

    it('the regulator registers trusted issuers; no other org may', async () => {
        await ensureIssuer({
            type: 'MedicalLicense',
            mspId: 'RegulatorMSP',
            roles: ['admin'],
            subjectScope: 'any-org',
        });
        await ensureIssuer({
            type: 'ClinicalPrivileges',
            mspId: 'HospitalMSP',
            roles: ['admin'],
            subjectScope: 'own-org',
        });

        await expect(regulator.getIssuer('MedicalLicense', 'RegulatorMSP')).resolves.toMatchObject({
            status: 'trusted',
            roles: expect.arrayContaining(['admin']),
        });
        await expect(physician2.getIssuer('ClinicalPrivileges', 'HospitalMSP')).resolves.toMatchObject({
            status: 'trusted',
        });
        const listed = await physician2.listIssuers({ mspId: 'RegulatorMSP' });
        expect(listed.items.map((entry) => entry.type)).toContain('MedicalLicense');

        await expect(
            hospitalAdmin.registerIssuer({
                type: 'MedicalLicense',
                mspId: 'HospitalMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    describe('a hospital physician’s MedicalLicense gates reading a consented record', () => {
        let license: Awaited<ReturnType<typeof issueLicense>>;
        let physicianEhr: EhrClient;
        let recordId: string;

        /** physician2 reads the record for treatment; the EHR contract asks the credential gate. */
        const read = () => physicianEhr.readRecord(recordId, 'TREAT');
        const expectReadDenied = async () => {
            const { access, location } = await read();
            expect(access).toMatchObject({
                allowed: false,
                audit: { outcome: '4', outcomeDesc: 'credential-invalid' },
            });
            expect(location).toBeUndefined();
        };

        it('is issued by the regulator, never by an org the registry does not trust for it', async () => {
            // physician2 is reserved for this file: clear what an earlier run on the same network left.
            const earlier = await regulator.checkPractitioner(physician2Ref, 'MedicalLicense');
            if (earlier.credentialId && !['revoked', 'expired', 'issuer_not_trusted'].includes(earlier.verdict)) {
                await regulator.revoke(earlier.credentialId, {
                    code: 'administrative-hold',
                    reference: 'scenario-reset',
                });
            }

            await expect(
                hospitalAdmin.issue({
                    id: uniqueId('lic'),
                    type: 'MedicalLicense',
                    subject: physician2Ref,
                    commitment: 'ab'.repeat(32),
                }),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });

            license = await issueLicense(physician2Ref);
            expect(license.credential).toMatchObject({
                type: 'MedicalLicense',
                subject: physician2Ref,
                status: 'active',
                version: 1,
            });
            await expect(physician2.checkPractitioner(physician2Ref, 'MedicalLicense')).resolves.toMatchObject({
                verdict: 'valid',
                credentialId: license.credential.id,
            });
            await expect(
                hospitalAdmin.verify(license.credential.id, {
                    document: license.document,
                    salt: license.committed.salt,
                }),
            ).resolves.toMatchObject({
                verdict: 'valid',
            });
        });

        it('lets the licensed physician, with the patient’s consent, read a record', async () => {
            physicianEhr = new EhrClient(await env.session('hospital', 'physician2'));
            const patient = new EhrClient(await env.session('hospital', 'patient2'));
            const { patientId } = await patient.enrolPatient();
            const location = `https://docs.hospital.example/records/${uniqueId('doc')}.pdf`;
            ({
                record: { id: recordId },
            } = await physicianEhr.registerRecord({
                id: uniqueId('rec'),
                patientId,
                type: { system: 'http://loinc.org', code: '11506-3' },
                ...documentDigest('progress note (stand-in bytes)'),
                mediaType: 'application/pdf',
                location,
            }));
            await patient.grantConsent({
                id: uniqueId('consent'),
                grantee: physician2Ref,
                scope: { kind: 'records', recordIds: [recordId] },
                purposes: ['TREAT'],
                period: { end: new Date(Date.now() + 86_400_000).toISOString() },
            });

            const { access, location: grant } = await read();
            expect(access).toMatchObject({ allowed: true, audit: { outcome: '0' } });
            expect(grant).toMatchObject({ recordId, location });
        });

        it('after suspension the same read is denied; reinstated, allowed again; revoked, denied for good', async () => {
            const id = license.credential.id;
            await expect(hospitalAdmin.suspend(id, { code: 'investigation-pending' })).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            await expect(physician2.revoke(id, { code: 'voluntary-surrender' })).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });

            await regulator.suspend(id, { code: 'investigation-pending', reference: 'case-1' });
            await expect(physician2.checkPractitioner(physician2Ref, 'MedicalLicense')).resolves.toMatchObject({
                verdict: 'suspended',
            });
            await expectReadDenied();

            await regulator.reinstate(id, { code: 'investigation-closed', reference: 'case-1' });
            await expect(physician2.checkPractitioner(physician2Ref, 'MedicalLicense')).resolves.toMatchObject({
                verdict: 'valid',
            });
            await expect(read()).resolves.toMatchObject({ access: { allowed: true } });

            await regulator.revoke(id, { code: 'disciplinary-action', reference: 'case-2' });
            await expect(physician2.checkPractitioner(physician2Ref, 'MedicalLicense')).resolves.toMatchObject({
                verdict: 'revoked',
            });
            await expectReadDenied();
            // For good: a revocation is not lifted, and the physician cannot renew it.
            await expect(regulator.reinstate(id, { code: 'other' })).rejects.toMatchObject({ code: 'CONFLICT' });
            await expect(
                regulator.renew({ previousId: id, id: uniqueId('lic'), commitment: 'cd'.repeat(32) }),
            ).rejects.toMatchObject({ code: 'CONFLICT' });
            await expectReadDenied();

            const history = await regulator.history(id);
            expect(history.items.map((change) => [change.action, change.reason?.code])).toEqual([
                ['issued', undefined],
                ['suspended', 'investigation-pending'],
                ['reinstated', 'investigation-closed'],
                ['revoked', 'disciplinary-action'],
            ]);
            await expect(physician2.history(id)).resolves.toMatchObject({ items: expect.any(Array) });
        });
    });

    describe('verify returns each verdict for a crafted case', () => {
        const hospitalPractitioner = (): PractitionerRef => ({ mspId: 'HospitalMSP', actorId: uniqueId('prac') });
        const verdictOf = async (id: string, document: string, salt: string): Promise<CredentialVerdict> =>
            (await physician2.verify(id, { document, salt })).verdict;

        it('valid', async () => {
            const { credential, document, committed } = await issueLicense(hospitalPractitioner());
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('valid');
            await expect(physician2.verify(credential.id, { commitment: committed.commitment })).resolves.toMatchObject(
                { verdict: 'valid' },
            );
        });

        it('unknown', async () => {
            expect(await verdictOf(uniqueId('never-issued'), '{}', '00'.repeat(32))).toBe('unknown');
        });

        it('hash mismatch', async () => {
            const { credential, document, committed } = await issueLicense(hospitalPractitioner());
            expect(await verdictOf(credential.id, `${document} `, committed.salt)).toBe('hash_mismatch');
            expect(await verdictOf(credential.id, document, '11'.repeat(32))).toBe('hash_mismatch');
        });

        it('not yet valid', async () => {
            const validFrom = new Date(Date.now() + 3_600_000).toISOString();
            const { credential, document, committed } = await issueLicense(hospitalPractitioner(), { validFrom });
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('not_yet_valid');
        });

        it('expired', async () => {
            const validUntil = new Date(Date.now() + 3_000).toISOString();
            const { credential, document, committed } = await issueLicense(hospitalPractitioner(), { validUntil });
            await waitUntil(Date.parse(validUntil) + 500);
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('expired');
        });

        it('suspended', async () => {
            const { credential, document, committed } = await issueLicense(hospitalPractitioner());
            await regulator.suspend(credential.id, { code: 'administrative-hold' });
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('suspended');
        });

        it('revoked', async () => {
            const { credential, document, committed } = await issueLicense(hospitalPractitioner());
            await regulator.revoke(credential.id, { code: 'issued-in-error' });
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('revoked');
        });

        it('issuer not trusted for this type', async () => {
            // A type of this run only, so withdrawing its issuer affects no other scenario.
            const type = `TrialCertificate${uniqueId('t').replace(/[^A-Za-z0-9]/g, '')}`;
            await regulator.registerIssuer({ type, mspId: 'HospitalMSP', roles: ['admin'], subjectScope: 'own-org' });
            const document = JSON.stringify({ certificate: type });
            const committed = commitDocument(document);
            const credential = await hospitalAdmin.issue({
                id: uniqueId('cert'),
                type,
                subject: hospitalPractitioner(),
                commitment: committed.commitment,
            });
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('valid');

            await regulator.withdrawIssuer(type, 'HospitalMSP', { code: 'issuer-agreement-ended' });
            expect(await verdictOf(credential.id, document, committed.salt)).toBe('issuer_not_trusted');
        });
    });

    it('renews a credential as a linked version', async () => {
        const { credential } = await issueLicense({ mspId: 'HospitalMSP', actorId: uniqueId('prac') });
        const renewedId = uniqueId('lic');
        const renewed = await regulator.renew({
            previousId: credential.id,
            id: renewedId,
            commitment: commitDocument('renewed').commitment,
        });
        expect(renewed).toMatchObject({ version: 2, previousId: credential.id });
        await expect(regulator.get(credential.id)).resolves.toMatchObject({
            replacedBy: renewedId,
            verdict: 'expired',
        });
        await expect(regulator.checkPractitioner(credential.subject, 'MedicalLicense')).resolves.toMatchObject({
            verdict: 'valid',
            credentialId: renewedId,
        });
    });

    it('announces every change as an event, and gives the gateway what it needs to publish a Bitstring Status List', async () => {
        const events = await (await env.session('regulator', 'admin')).events();
        const { credential } = await issueLicense({ mspId: 'HospitalMSP', actorId: uniqueId('prac') });
        await regulator.revoke(credential.id, { code: 'issued-in-error' });
        expect(await eventsAbout(events, credential.id, 2)).toEqual([
            ['credentials.CredentialIssued', 'active'],
            ['credentials.CredentialRevoked', 'revoked'],
        ]);

        const entries = await regulator.allStatusListEntries('RegulatorMSP');
        expect(entries).toContainEqual({
            statusListIndex: credential.statusListIndex,
            credentialId: credential.id,
            status: 'revoked',
        });

        const list = statusListCredential({
            issuerMspId: 'RegulatorMSP',
            purpose: 'revocation',
            setIndexes: entries.filter((entry) => entry.status === 'revoked').map((entry) => entry.statusListIndex),
            validFrom: new Date().toISOString(),
            urls: { baseUrl: 'https://gw.regulator.example' },
            bits: StatusListLength,
        });
        expect(
            decodeStatusList((list.credentialSubject as { encodedList: string }).encodedList).isSet(
                credential.statusListIndex,
            ),
        ).toBe(true);

        const sha256 = createHash('sha256').update(JSON.stringify(list)).digest('hex');
        const anchor = await regulator.anchorStatusList('RegulatorMSP', 'revocation', sha256);
        await expect(physician2.getStatusListAnchor('RegulatorMSP', 'revocation')).resolves.toMatchObject({
            sha256,
            txId: anchor.txId,
        });
        await expect(hospitalAdmin.anchorStatusList('RegulatorMSP', 'revocation', sha256)).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
    });
});

/** The first `count` credential events about `credentialId` as [name, status], waiting at most a minute. */
async function eventsAbout(events: EventStream, credentialId: string, count: number): Promise<Array<[string, string]>> {
    const found: Array<[string, string]> = [];
    const timer = setTimeout(() => events.close(), 60_000);
    try {
        for await (const event of events) {
            const payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as CredentialEvent;
            if (event.eventName.startsWith('credentials.Credential') && payload.credentialId === credentialId) {
                found.push([event.eventName, payload.status]);
                if (found.length === count) {
                    break;
                }
            }
        }
    } finally {
        clearTimeout(timer);
        events.close();
    }
    return found;
}

/** Waits (bounded) until the clock passes `epochMs`: validity windows run on the client's clock. */
async function waitUntil(epochMs: number): Promise<void> {
    const wait = Math.min(Math.max(0, epochMs - Date.now()), 10_000);
    await new Promise((resolve) => setTimeout(resolve, wait));
}
