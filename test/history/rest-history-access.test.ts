import type { AuditEntry, Credential, StatusChange } from '@careledger/chaincode';
import type { HistoryIndex, HistoryQueries, Report } from '../../gateway/src/history';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { caughtUpIndex, databaseKind } from './support';

/**
 * Who sees what of the EHR access audit, credential history and reports in the history index,
 * through the REST routes, as real identities of several orgs — each trying to get around the
 * rule: a patient naming another patient, an org naming another org, a clinician asking for a
 * colleague's credentials, the regulator's admin (who the chaincode does not let read patients'
 * trails) next to its inspector. The same questions are also answered by the chaincode's own
 * queries (ListAuditByPatient, ListAuditByRecord, GetCredentialHistory, ListCredentialsBySubject)
 * and must give the same rows. Runs on both ledgers; on PGlite, or on PostgreSQL when
 * CARELEDGER_HISTORY_PG is set.
 *
 * On the shared Fabric ledger the demo patients carry other files' accesses: the comparisons
 * take whole trails (both sides read the same blocks), the counts are narrowed to this file's
 * records or to `since`. physician1's licence is suspended for two reads and reinstated, in
 * afterAll too should a step fail between.
 */
jest.setTimeout(600_000);

type AuditItem = Awaited<ReturnType<HistoryQueries['audit']>>['items'][number];
type IssuanceItem = Awaited<ReturnType<HistoryQueries['credentialHistory']>>['items'][number];
type MisuseItem = Awaited<ReturnType<HistoryQueries['credentialMisuse']>>['items'][number];
interface Paged<T> {
    blockHeight: number;
    items: T[];
    nextCursor?: string;
}
interface LedgerPage<T> {
    items: T[];
    bookmark?: string;
}
interface Refusal {
    code: string;
    message: string;
    field?: string;
}

const patient1Id = 'pat-7c1e04a9';
const patient2Id = 'pat-2b9d51f0';
const physician1 = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' };
const nurse1 = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0101' };

describe(`history index access rules over REST (${databaseKind()})`, () => {
    let env: ScenarioLedger;
    let index: HistoryIndex;
    let hospital: RestGateway;
    let regulator: RestGateway;
    let manufacturer: RestGateway;
    const token: Record<string, string> = {};
    const recordA = uniqueId('hist-rec-a'); // patient1's, consented to physician1
    const recordB = uniqueId('hist-rec-b'); // patient2's, consented to nurse1
    /** When this file started (a little early): narrows a shared ledger's counts to this file. */
    const since = new Date(Date.now() - 2000).toISOString();
    let licenceId: string;
    let suspended = false;

    /** Every page of an index question, as `user`. */
    async function allOf<T>(gateway: RestGateway, user: string, path: string): Promise<T[]> {
        const items: T[] = [];
        let cursor: string | undefined;
        do {
            const sep = path.includes('?') ? '&' : '?';
            const page = await gateway.call<Paged<T>>(
                'GET',
                `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
                { token: token[user] },
            );
            expect({ path, status: page.status }).toEqual({ path, status: 200 });
            items.push(...page.body.items);
            cursor = page.body.nextCursor;
        } while (cursor);
        return items;
    }

    /** Every page of a chaincode list query through its REST route, as `user`. */
    async function ledgerAllOf<T>(gateway: RestGateway, user: string, path: string): Promise<T[]> {
        const items: T[] = [];
        let bookmark: string | undefined;
        do {
            const page = await gateway.call<LedgerPage<T>>(
                'GET',
                `${path}?pageSize=200${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`,
                { token: token[user] },
            );
            expect({ path, status: page.status }).toEqual({ path, status: 200 });
            items.push(...page.body.items);
            bookmark = page.body.items.length ? page.body.bookmark : undefined;
        } while (bookmark);
        return items;
    }

    /** An audit entry as the index and the chaincode both tell it. */
    const fromIndex = (a: AuditItem) => ({
        id: a.auditId,
        recorded: a.recorded,
        allowed: a.outcome === 'allowed',
        purpose: a.purpose,
        breakGlass: a.breakGlass,
        agent: `${a.agent.mspId}/${a.agent.actorId}/${a.agent.role}`,
        recordId: a.recordId,
        patientId: a.patientId,
        custodian: a.custodianMsp,
    });
    const fromChaincode = (a: AuditEntry) => ({
        id: a.id,
        recorded: a.recorded,
        allowed: a.outcome === '0',
        purpose: a.purposeOfEvent,
        breakGlass: a.emergency === true,
        agent: `${a.agent.mspId}/${a.agent.actorId}/${a.agent.role}`,
        recordId: a.entity.recordId,
        patientId: a.entity.patientId,
        custodian: a.entity.custodianMsp,
    });

    const access = (user: string, recordId: string) =>
        hospital.call<{ allowed?: boolean; code?: string }>('POST', `/ehr/records/${recordId}/access`, {
            token: token[user],
            body: { purpose: 'TREAT' },
        });

    async function setLicence(action: 'suspend' | 'reinstate') {
        const changed = await regulator.call<Credential>('POST', `/credentials/${licenceId}/${action}`, {
            token: token.regulatorAdmin,
            body: { code: action === 'suspend' ? 'investigation-pending' : 'investigation-closed', reference: since },
        });
        expect(changed.status).toBe(200);
        suspended = action === 'suspend';
    }

    beforeAll(async () => {
        env = await openScenarioLedger();
        index = await caughtUpIndex(env.ledger, 'regulator');
        [hospital, regulator, manufacturer] = await Promise.all([
            startGateway(env, 'hospital', { history: index }),
            startGateway(env, 'regulator', { history: index }),
            startGateway(env, 'manufacturer', { history: index }),
        ]);
        for (const user of ['patient1', 'patient2', 'physician1', 'nurse1', 'pharmacist1', 'admin']) {
            token[user === 'admin' ? 'hospitalAdmin' : user] = await hospital.token(user);
        }
        token.inspector = await regulator.token('inspector1');
        token.regulatorAdmin = await regulator.token('admin');
        token.operator = await manufacturer.token('operator1');
        token.manufacturerAdmin = await manufacturer.token('admin');

        await licenseViaRest(regulator, physician1, 'MedicalLicense');
        await licenseViaRest(regulator, nurse1, 'NursingLicense');
        const standing = await regulator.call<{ credentialId: string; verdict: string }>(
            'GET',
            `/practitioners/HospitalMSP/prac-hosp-0001/standing/MedicalLicense`,
            { token: token.regulatorAdmin },
        );
        expect(standing.body.verdict).toBe('valid');
        licenceId = standing.body.credentialId;

        for (const user of ['patient1', 'patient2']) {
            expect((await hospital.call('POST', '/ehr/patients/enrol', { token: token[user] })).status).toBe(200);
        }
        const record = {
            type: { system: 'http://loinc.org', code: '18842-5' },
            contentHash: 'ab'.repeat(32),
            size: 10,
            mediaType: 'text/plain',
        };
        for (const [id, patientId] of [
            [recordA, patient1Id],
            [recordB, patient2Id],
        ]) {
            const registered = await hospital.call('POST', '/ehr/records', {
                token: token.physician1,
                body: { id, patientId, ...record, location: `file:///records/${id}` },
            });
            expect(registered.status).toBe(201);
        }
        const end = new Date(Date.now() + 3_600_000).toISOString();
        for (const [user, grantee, recordId] of [
            ['patient1', physician1, recordA],
            ['patient2', nurse1, recordB],
        ] as const) {
            const granted = await hospital.call('POST', '/ehr/consents', {
                token: token[user],
                body: {
                    id: uniqueId('hist-consent'),
                    grantee,
                    scope: { kind: 'records', recordIds: [recordId] },
                    purposes: ['TREAT'],
                    period: { end },
                },
            });
            expect(granted.status).toBe(201);
        }
        // Accesses: allowed, denied (no consent), allowed by another practitioner, a break-glass,
        // and the regulator's inspector, whom the chaincode never lets read a record.
        expect((await access('physician1', recordA)).status).toBe(200);
        expect((await access('physician1', recordB)).status).toBe(403);
        expect((await access('nurse1', recordB)).status).toBe(200);
        const emergency = await hospital.call('POST', `/ehr/records/${recordB}/break-glass`, {
            token: token.physician1,
            body: { reasonCode: 'unconscious', reason: 'unconscious in the emergency department' },
        });
        expect(emergency.status).toBe(200);
        const inspectorRead = await regulator.call('POST', `/ehr/records/${recordA}/access`, {
            token: token.inspector,
            body: { purpose: 'TREAT' },
        });
        expect(inspectorRead.status).toBe(403);
        // physician1's licence suspended: the same read is denied; reinstated: allowed again.
        await setLicence('suspend');
        expect((await access('physician1', recordA)).status).toBe(403);
        await setLicence('reinstate');
        expect((await access('physician1', recordA)).status).toBe(200);
        await index.catchUp();
    });

    afterAll(async () => {
        if (suspended) await setLicence('reinstate').catch(() => undefined);
        await Promise.all([hospital?.app.close(), regulator?.app.close(), manufacturer?.app.close()]);
        await index?.close();
        await env?.close();
    });

    describe('EHR access audit', () => {
        it('shows a patient their own trail only, as the chaincode does, and refuses another patient', async () => {
            const own = await allOf<AuditItem>(hospital, 'patient1', '/history/ehr/audit');
            expect(own.length).toBeGreaterThan(0);
            expect(new Set(own.map((a) => a.patientId))).toEqual(new Set([patient1Id]));
            expect(own.filter((a) => a.recordId === recordA).map((a) => a.outcome)).toEqual([
                'allowed',
                'denied', // the regulator's inspector
                'denied', // physician1 while suspended
                'allowed',
            ]);
            const chaincode = await ledgerAllOf<AuditEntry>(hospital, 'patient1', '/ehr/patients/me/audit');
            expect(own.map(fromIndex)).toEqual(chaincode.map(fromChaincode));

            const other = await hospital.call<Refusal>('GET', `/history/ehr/audit?patientId=${patient2Id}`, {
                token: token.patient1,
            });
            expect(other).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', field: 'patientId' } });
            // Naming the other patient's record or the practitioner who read it yields nothing of theirs.
            for (const filter of [`recordId=${recordB}`, 'practitioner=prac-hosp-0101', 'breakGlass=true']) {
                const rows = await allOf<AuditItem>(hospital, 'patient1', `/history/ehr/audit?${filter}`);
                expect({ filter, others: rows.filter((a) => a.patientId !== patient1Id) }).toEqual({
                    filter,
                    others: [],
                });
            }
            expect(
                (await allOf<AuditItem>(hospital, 'patient1', `/history/ehr/audit?recordId=${recordB}`)).length,
            ).toBe(0);
            const otherOrg = await hospital.call<Refusal>('GET', '/history/ehr/audit?agentOrg=RegulatorMSP', {
                token: token.patient1,
            });
            expect(otherOrg.status).toBe(200);
            expect((otherOrg.body as unknown as Paged<AuditItem>).items.every((a) => a.patientId === patient1Id)).toBe(
                true,
            );
        });

        it("answers the regulator's inspector every patient's trail exactly as ListAuditByPatient does", async () => {
            for (const patientId of [patient1Id, patient2Id]) {
                const indexed = await allOf<AuditItem>(
                    regulator,
                    'inspector',
                    `/history/ehr/audit?patientId=${patientId}`,
                );
                const chaincode = await ledgerAllOf<AuditEntry>(
                    regulator,
                    'inspector',
                    `/ehr/patients/${patientId}/audit`,
                );
                expect(indexed.length).toBeGreaterThan(0);
                expect(indexed.map(fromIndex)).toEqual(chaincode.map(fromChaincode));
            }
            const mine = await allOf<AuditItem>(regulator, 'inspector', `/history/ehr/audit?from=${since}`);
            const ofThisFile = mine.filter((a) => a.recordId === recordA || a.recordId === recordB);
            expect(new Set(ofThisFile.map((a) => a.agent.mspId))).toEqual(new Set(['HospitalMSP', 'RegulatorMSP']));
            expect(ofThisFile).toHaveLength(7);
        });

        it("answers the custodian's clinician a record's trail exactly as ListAuditByRecord does", async () => {
            for (const recordId of [recordA, recordB]) {
                const indexed = await allOf<AuditItem>(
                    hospital,
                    'physician1',
                    `/history/ehr/audit?recordId=${recordId}`,
                );
                const chaincode = await ledgerAllOf<AuditEntry>(
                    hospital,
                    'physician1',
                    `/ehr/records/${recordId}/audit`,
                );
                expect(indexed.length).toBeGreaterThan(0);
                expect(indexed.map(fromIndex)).toEqual(chaincode.map(fromChaincode));
            }
            // Another clinician of the same hospital sees its accesses too (the chaincode's staff of the custodian).
            const byNurse = await allOf<AuditItem>(hospital, 'nurse1', `/history/ehr/audit?recordId=${recordA}`);
            expect(byNurse.map((a) => a.auditId)).toEqual(
                (await allOf<AuditItem>(hospital, 'physician1', `/history/ehr/audit?recordId=${recordA}`)).map(
                    (a) => a.auditId,
                ),
            );
        });

        it("never shows another org's members the hospital's accesses, whatever they name", async () => {
            // The manufacturer's admin is staff of its own org: the hospital's rows are not among its own.
            for (const filter of [
                `patientId=${patient1Id}`,
                `recordId=${recordA}`,
                'agentOrg=HospitalMSP',
                'custodian=HospitalMSP',
                'practitioner=prac-hosp-0001',
            ]) {
                const rows = await allOf<AuditItem>(manufacturer, 'manufacturerAdmin', `/history/ehr/audit?${filter}`);
                expect({ filter, rows }).toEqual({ filter, rows: [] });
            }
            // Operators and pharmacists are not the chaincode's readers of trails at all.
            for (const [gateway, user] of [
                [manufacturer, 'operator'],
                [hospital, 'pharmacist1'],
            ] as const) {
                const refused = await gateway.call<Refusal>('GET', `/history/ehr/audit?patientId=${patient1Id}`, {
                    token: token[user],
                });
                expect({ user, status: refused.status, code: refused.body.code }).toEqual({
                    user,
                    status: 403,
                    code: 'FORBIDDEN',
                });
            }
            // The regulator's admin is not an inspector: the chaincode refuses it a patient's trail, and
            // the index shows it only its own org's attempts (the inspector's denied read), never the hospital's.
            const ledgerRefusal = await regulator.call<Refusal>('GET', `/ehr/patients/${patient1Id}/audit`, {
                token: token.regulatorAdmin,
            });
            expect(ledgerRefusal.status).toBe(403);
            const adminView = await allOf<AuditItem>(
                regulator,
                'regulatorAdmin',
                `/history/ehr/audit?patientId=${patient1Id}&from=${since}`,
            );
            expect(adminView.map((a) => `${a.agent.mspId}:${a.recordId}:${a.outcome}`)).toEqual([
                `RegulatorMSP:${recordA}:denied`,
            ]);
            const unauthenticated = await hospital.call<Refusal>('GET', '/history/ehr/audit');
            expect(unauthenticated.status).toBe(401);
        });
    });

    describe('credentials', () => {
        it('finds no access while a licence was suspended, though one was attempted and denied', async () => {
            const physicianTrail = await allOf<AuditItem>(
                regulator,
                'inspector',
                `/history/ehr/audit?practitioner=prac-hosp-0001&recordId=${recordA}`,
            );
            expect(physicianTrail.map((a) => `${a.outcome}:${a.denialReason ?? ''}`)).toEqual([
                'allowed:',
                'denied:credential-invalid',
                'allowed:',
            ]);
            const misuse = await regulator.call<Paged<MisuseItem>>('GET', `/history/credentials/misuse?from=${since}`, {
                token: token.inspector,
            });
            expect(misuse.status).toBe(200);
            expect(misuse.body.items).toEqual([]);
            // Over the whole ledger too (on Fabric: every earlier file's accesses and licence changes).
            const everything = await regulator.call<Paged<MisuseItem>>(
                'GET',
                '/history/credentials/misuse?limit=1000',
                {
                    token: token.inspector,
                },
            );
            expect(everything.body.items).toEqual([]);
            // A patient may ask about their own trail; an operator may not ask at all.
            expect((await hospital.call('GET', '/history/credentials/misuse', { token: token.patient1 })).status).toBe(
                200,
            );
            expect(
                (await manufacturer.call('GET', '/history/credentials/misuse', { token: token.operator })).status,
            ).toBe(403);
        });

        it("gives a licence's versions exactly as GetCredentialHistory, to its holder and the regulator", async () => {
            const chaincode = await ledgerAllOf<StatusChange>(
                regulator,
                'inspector',
                `/credentials/${encodeURIComponent(licenceId)}/history`,
            );
            expect(chaincode.slice(-2).map((c) => c.action)).toEqual(['suspended', 'reinstated']);
            for (const [gateway, user] of [
                [regulator, 'inspector'],
                [regulator, 'regulatorAdmin'],
                [hospital, 'physician1'],
                [hospital, 'hospitalAdmin'],
            ] as const) {
                const versions = await allOf<IssuanceItem>(
                    gateway,
                    user,
                    `/history/credentials/issuance?credentialId=${encodeURIComponent(licenceId)}`,
                );
                expect({ user, versions: versions.map((v) => [v.transactionId, v.status, v.at]) }).toEqual({
                    user,
                    versions: chaincode.map((c) => [c.txId, c.status, c.at]),
                });
            }
        });

        it("never shows a clinician a colleague's licence, nor another org its practitioners'", async () => {
            // nurse1 may not read physician1's history on the ledger; the index shows nurse1 none of it.
            const ledgerRefusal = await hospital.call<Refusal>(
                'GET',
                `/credentials/${encodeURIComponent(licenceId)}/history`,
                { token: token.nurse1 },
            );
            expect(ledgerRefusal.status).toBe(403);
            for (const filter of [
                `credentialId=${encodeURIComponent(licenceId)}`,
                'subject=prac-hosp-0001',
                'subjectOrg=HospitalMSP',
                'issuer=RegulatorMSP',
            ]) {
                const rows = await allOf<IssuanceItem>(hospital, 'nurse1', `/history/credentials/issuance?${filter}`);
                expect({ filter, others: rows.filter((v) => v.subject.actorId !== nurse1.actorId) }).toEqual({
                    filter,
                    others: [],
                });
            }
            expect(
                (await allOf<IssuanceItem>(hospital, 'nurse1', '/history/credentials/issuance?subject=prac-hosp-0101'))
                    .length,
            ).toBeGreaterThan(0);
            // The manufacturer's admin: nothing of the hospital's practitioners.
            const theirs = await allOf<IssuanceItem>(
                manufacturer,
                'manufacturerAdmin',
                '/history/credentials/issuance?subjectOrg=HospitalMSP',
            );
            expect(theirs).toEqual([]);
            // A patient holds no credentials to read.
            const patient = await hospital.call<Refusal>('GET', '/history/credentials/issuance', {
                token: token.patient1,
            });
            expect(patient).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        });

        it("gives the hospital's admin its practitioner's credentials as ListCredentialsBySubject does", async () => {
            const chaincode = await ledgerAllOf<Credential>(
                hospital,
                'hospitalAdmin',
                '/practitioners/HospitalMSP/prac-hosp-0001/credentials',
            );
            const versions = await allOf<IssuanceItem>(
                hospital,
                'hospitalAdmin',
                '/history/credentials/issuance?subjectOrg=HospitalMSP&subject=prac-hosp-0001',
            );
            const latest = new Map<string, IssuanceItem>();
            for (const v of versions) latest.set(v.credentialId, v);
            expect([...latest.values()].map((v) => [v.credentialId, v.status, v.version]).sort()).toEqual(
                chaincode.map((c) => [c.id, c.status, c.version]).sort(),
            );
        });
    });

    describe('reports', () => {
        const breakGlass = (gateway: RestGateway, user: string) =>
            gateway.call<Report>('GET', `/history/reports/break-glass-monthly?from=${since}`, { token: token[user] });

        it('counts break-glass accesses within what each caller may see', async () => {
            const counts: Record<string, number | string> = {};
            for (const [gateway, user] of [
                [regulator, 'inspector'],
                [regulator, 'regulatorAdmin'],
                [hospital, 'physician1'],
                [hospital, 'patient1'],
                [hospital, 'patient2'],
                [manufacturer, 'manufacturerAdmin'],
                [manufacturer, 'operator'],
            ] as const) {
                const report = await breakGlass(gateway, user);
                counts[user] = report.status === 200 ? Number(report.body.summary.accesses) : `status ${report.status}`;
            }
            // The one break-glass of this file was physician1 reading patient2's record at the hospital.
            expect(counts).toEqual({
                inspector: 1,
                regulatorAdmin: 0,
                physician1: 1,
                patient1: 0,
                patient2: 1,
                manufacturerAdmin: 0,
                operator: 'status 403',
            });
            const csv = await hospital.call<string>(
                'GET',
                `/history/reports/break-glass-monthly?from=${since}&format=csv`,
                {
                    token: token.patient1,
                },
            );
            expect(csv.status).toBe(200);
            expect(csv.body.trim().split('\r\n')).toEqual(['blockHeight,month,org,allowed,denied']);
        });

        it('refuses supply reports to patients and names no other org to an org', async () => {
            for (const name of ['recall-effectiveness', 'suspect-resolution']) {
                const refused = await hospital.call<Refusal>('GET', `/history/reports/${name}`, {
                    token: token.patient1,
                });
                expect({ name, status: refused.status }).toEqual({ name, status: 403 });
            }
            const unauthenticated = await hospital.call('GET', '/history/reports/break-glass-monthly');
            expect(unauthenticated.status).toBe(401);
        });
    });
});
