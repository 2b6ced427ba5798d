import { createHash } from 'node:crypto';
import { MaxRecordsPerBatch } from '@careledger/chaincode';
import { EhrClient } from '../../gateway/src/ehr';
import type { LedgerSession, TransactionRequest } from '../../gateway/src/ledger';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from './rest-licensing';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Bulk EHR through the REST API on either ledger: many pointers in two transactions, a set of
 * consents in one; a bad item is refused naming its index and field and nothing commits (the
 * chain height does not move, the good items' ids stay unknown); a bad location is refused before
 * the pointer's submit (issue 17 finding 10); free text and locations never reach arguments.
 */
jest.setTimeout(300_000);

describe('REST: bulk EHR pointers and consents', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let regulator: RestGateway;
    let physician: string;
    let patient: string;
    let patientId: string;

    const record = (id: string, overrides: Record<string, unknown> = {}) => ({
        id,
        patientId,
        type: { system: 'http://loinc.org', code: '11506-3', display: 'Progress note of Jane Q. Example, MRN 0042' },
        contentHash: createHash('sha256').update(id).digest('hex'),
        size: 2048,
        mediaType: 'application/pdf',
        location: `https://docs.hospital.example/mrn-0042/${id}.pdf`,
        ...overrides,
    });
    const height = async () => (await env.session('hospital', 'admin')).chainHeight();

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital', { rateLimit: false });
        regulator = await startGateway(env, 'regulator');
        await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
        physician = await hospital.token('physician1');
        patient = await hospital.token('patient1');
        patientId = (await hospital.call<{ patientId: string }>('POST', '/ehr/patients/enrol', { token: patient })).body
            .patientId;
    });
    afterAll(async () => {
        await hospital?.app.close();
        await regulator?.app.close();
        await env?.close();
    });

    it('registers many pointers in one call: readable, located, none pending', async () => {
        const ids = [uniqueId('bulk'), uniqueId('bulk'), uniqueId('bulk')];
        const before = await height();
        const created = await hospital.call<{ records: Array<{ id: string }>; salts: string[] }>(
            'POST',
            '/ehr/records/bulk',
            {
                token: physician,
                body: { records: ids.map((id) => record(id)) },
            },
        );
        expect(created.status).toBe(201);
        expect(created.body.records.map((r) => r.id)).toEqual(ids);
        expect(created.body.salts).toHaveLength(3);
        // Two transactions for the whole batch.
        expect((await height()) - before).toBeLessThanOrEqual(2n);
        for (const id of ids) {
            expect((await hospital.call('GET', `/ehr/records/${id}`, { token: patient })).status).toBe(200);
        }
        const read = await hospital.call<{ location: { location: string } }>('POST', `/ehr/records/${ids[1]}/access`, {
            token: patient,
            body: { purpose: 'PATRQT' },
        });
        expect(read.status).toBe(200);
        expect(read.body.location.location).toBe(record(ids[1]).location);
        const pending = await hospital.call<{ items: Array<{ id: string }> }>(
            'GET',
            '/ehr/records/pending?pageSize=200',
            {
                token: physician,
            },
        );
        expect(pending.body.items.map((r) => r.id)).not.toEqual(expect.arrayContaining([ids[0]]));
    });

    it('refuses a batch with one bad item, naming index and field, and commits nothing', async () => {
        const cases: Array<[Record<string, unknown>[], string]> = [
            [[record(uniqueId('x')), record(uniqueId('x')), record(uniqueId('x'), { size: 0 })], 'records[2].size'],
            [[record(uniqueId('x')), record(uniqueId('x'), { location: 'not a uri' })], 'records[1].location'],
            [[record(uniqueId('x')), record(uniqueId('x'), { contentHash: 'f'.repeat(63) })], 'records[1].contentHash'],
            [
                [record(uniqueId('x')), record(uniqueId('x'), { patientId: uniqueId('not-enrolled') })],
                'records[1].patientId',
            ],
        ];
        for (const [records, field] of cases) {
            const before = await height();
            const refused = await hospital.call<{ code: string; field?: string; message: string }>(
                'POST',
                '/ehr/records/bulk',
                {
                    token: physician,
                    body: { records },
                },
            );
            expect(refused.status).toBeGreaterThanOrEqual(400);
            expect(refused.status).toBeLessThan(500);
            expect(`${refused.body.field ?? ''} ${refused.body.message}`).toContain(
                field.replace(/^records\[\d+\]\./, ''),
            );
            if (refused.body.field !== undefined) {
                expect(refused.body.field).toMatch(/records(\[|\/|\.)\d/);
            }
            expect(await height()).toBe(before);
            expect(
                (await hospital.call('GET', `/ehr/records/${String(records[0].id)}`, { token: physician })).status,
            ).toBe(404);
        }
        const tooMany = await hospital.call('POST', '/ehr/records/bulk', {
            token: physician,
            body: { records: Array.from({ length: MaxRecordsPerBatch + 1 }, () => record(uniqueId('x'))) },
        });
        expect(tooMany.status).toBe(400);
    });

    it('refuses a bad location before the pointer is submitted (no pointer left behind)', async () => {
        const id = uniqueId('badloc');
        const before = await height();
        const refused = await hospital.call<{ field?: string }>('POST', '/ehr/records', {
            token: physician,
            body: record(id, { location: 'docs hospital example/no scheme' }),
        });
        expect(refused).toMatchObject({ status: 400, body: { field: 'location' } });
        expect(await height()).toBe(before);
        expect((await hospital.call('GET', `/ehr/records/${id}`, { token: physician })).status).toBe(404);
        // The id is free: the corrected request succeeds.
        expect((await hospital.call('POST', '/ehr/records', { token: physician, body: record(id) })).status).toBe(201);
    });

    it('grants a set of consents in one transaction, and refuses a batch with a bad item whole', async () => {
        const end = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
        const consent = (id: string, overrides: Record<string, unknown> = {}) => ({
            id,
            grantee: { mspId: 'HospitalMSP', actorId: uniqueId('g') },
            scope: { kind: 'all' },
            purposes: ['TREAT'],
            period: { end },
            ...overrides,
        });
        const ids = [uniqueId('cb'), uniqueId('cb'), uniqueId('cb')];
        const before = await height();
        const granted = await hospital.call<{ consents: Array<{ id: string; status: string }> }>(
            'POST',
            '/ehr/consents/bulk',
            {
                token: patient,
                body: { consents: ids.map((id) => consent(id)) },
            },
        );
        expect(granted.status).toBe(201);
        expect(granted.body.consents.map((c) => [c.id, c.status])).toEqual(ids.map((id) => [id, 'active']));
        expect((await height()) - before).toBe(1n);

        const bad = [uniqueId('cb'), uniqueId('cb')];
        const stale = await height();
        const refused = await hospital.call<{ field?: string }>('POST', '/ehr/consents/bulk', {
            token: patient,
            body: { consents: [consent(bad[0]), consent(bad[1], { period: { end: '2020-01-01T00:00:00Z' } })] },
        });
        expect(refused).toMatchObject({ status: 400, body: { field: 'consents[1].period.end' } });
        expect(await height()).toBe(stale);
        expect((await hospital.call('GET', `/ehr/consents/${bad[0]}`, { token: patient })).status).toBe(404);
        // Only the patient (or a delegate) grants.
        expect(
            (
                await hospital.call('POST', '/ehr/consents/bulk', {
                    token: physician,
                    body: { consents: [consent(uniqueId('cb'))] },
                })
            ).status,
        ).toBe(403);
    });

    it('keeps free text and locations out of transaction arguments in bulk (transient data only)', async () => {
        const sent: TransactionRequest[] = [];
        const session = await env.session('hospital', 'physician1');
        const recording: LedgerSession = {
            ...session,
            identity: session.identity,
            submit: (request) => {
                sent.push(request);
                return session.submit(request);
            },
            evaluate: (request) => session.evaluate(request),
        } as LedgerSession;
        const ids = [uniqueId('args'), uniqueId('args')];
        await new EhrClient(recording).registerRecords(ids.map((id) => record(id)));
        expect(sent.map((r) => r.name)).toEqual(['RegisterRecords', 'StoreRecordLocations']);
        const args = sent.flatMap((r) => r.args ?? []).join('\n');
        expect(args).not.toContain('Jane Q. Example');
        expect(args).not.toContain('MRN');
        expect(args).not.toContain('mrn-0042');
        expect(args).not.toContain('docs.hospital.example');
        expect(String(sent[1].transient?.locations)).toContain(`mrn-0042/${ids[0]}.pdf`);
    });
});
