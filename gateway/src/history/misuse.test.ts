import { openHistoryDatabase, type HistoryDatabase } from './database';
import { migrate } from './migrations';
import { HistoryQueries } from './queries';
import { blockRow } from './rows';
import { HistoryStore } from './store';
import type { BlockWrite, LedgerBlock } from '../ledger';

/**
 * The credential-misuse question on blocks written as the chaincode writes them (the same keys
 * and documents), including the misuse the chaincode itself never lets through, so the query is
 * seen to find it: an access allowed while the licence the role needs was suspended (by its
 * issuer or by the regulator's hold) or revoked is reported; one before the suspension, after the
 * reinstatement, under a renewed licence while an older one is revoked, or while a licence of
 * another type is suspended is not; a denied access never is.
 */
describe('history: credential misuse', () => {
    let db: HistoryDatabase;
    let queries: HistoryQueries;
    const scope = { kind: 'consortium', role: 'inspector' } as const;
    const sep = '\u0000';
    const key = (...parts: string[]) => `${sep}${parts.join(sep)}${sep}`;
    const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    let number = 0;
    let previousHash = '';
    let second = 0;
    const blocks: LedgerBlock[] = [];

    /** One transaction in a block of its own, at the next second. */
    function commit(name: string, writes: BlockWrite[], role = 'admin'): string {
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, second++)).toISOString();
        const hash = `h${number}`;
        blocks.push({
            number: BigInt(number),
            previousHash,
            dataHash: `d${number}`,
            hash,
            transactions: [
                {
                    transactionId: `tx${number}`,
                    position: 0,
                    timestamp: at,
                    creatorMspId: role === 'admin' ? 'RegulatorMSP' : 'HospitalMSP',
                    creatorRole: role,
                    functionName: name,
                    validationCode: 'VALID',
                    writes,
                },
            ],
        });
        previousHash = hash;
        number++;
        return at;
    }

    const licence = (id: string, actorId: string, type: string, status: string) => ({
        key: key('credentials.credential', id),
        value: json({ id, type, status, subject: { mspId: 'HospitalMSP', actorId }, statusChangedAt: 'then' }),
    });
    const current = (actorId: string, type: string, credentialId: string) => ({
        key: key('credentials.current', 'HospitalMSP', actorId, type),
        value: json({ credentialId }),
    });
    const hold = (actorId: string, type: string, present: boolean) => ({
        key: key('credentials.regulatorhold', 'HospitalMSP', actorId, type),
        value: present ? json({ since: 'hold-since', credentialId: 'x' }) : undefined,
    });
    /** An access by `actorId` (a physician, or `role`) to a record: allowed or denied. */
    function access(actorId: string, allowed: boolean, role = 'physician'): string {
        const id = `audit-${number}`;
        commit(
            'ehr-access:AccessRecord',
            [
                {
                    key: key('ehr.audit', id),
                    value: json({
                        id,
                        recorded: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
                        outcome: allowed ? '0' : '4',
                        purposeOfEvent: 'TREAT',
                        agent: { mspId: 'HospitalMSP', actorId, role },
                        entity: { recordId: 'rec-1', patientId: 'pat-1', custodianMsp: 'HospitalMSP' },
                    }),
                },
            ],
            role,
        );
        return id;
    }

    const reported = new Set<string>();
    const clean = new Set<string>();

    beforeAll(async () => {
        db = await openHistoryDatabase({ url: 'memory://' });
        await migrate(db);
        queries = new HistoryQueries(db);
        // p1: issued, used, suspended by its issuer, used (misuse), reinstated, used, revoked, used (misuse).
        commit('credentials:IssueCredential', [
            licence('L1', 'p1', 'MedicalLicense', 'active'),
            current('p1', 'MedicalLicense', 'L1'),
        ]);
        clean.add(access('p1', true));
        commit('credentials:SuspendCredential', [licence('L1', 'p1', 'MedicalLicense', 'suspended')]);
        reported.add(access('p1', true));
        clean.add(access('p1', false)); // denied: never misuse
        commit('credentials:ReinstateCredential', [licence('L1', 'p1', 'MedicalLicense', 'active')]);
        clean.add(access('p1', true));
        // p2: its old licence revoked and a new one current: not misuse. A DEA registration suspended: not misuse.
        commit('credentials:IssueCredential', [
            licence('L2', 'p2', 'MedicalLicense', 'active'),
            current('p2', 'MedicalLicense', 'L2'),
        ]);
        commit('credentials:RevokeCredential', [licence('L2', 'p2', 'MedicalLicense', 'revoked')]);
        commit('credentials:IssueCredential', [
            licence('L3', 'p2', 'MedicalLicense', 'active'),
            current('p2', 'MedicalLicense', 'L3'),
        ]);
        commit('credentials:IssueCredential', [
            licence('D1', 'p2', 'DEARegistration', 'suspended'),
            current('p2', 'DEARegistration', 'D1'),
        ]);
        clean.add(access('p2', true));
        // p3: the regulator's hold binds whatever the credential says; lifted, it does not.
        commit('credentials:IssueCredential', [
            licence('L4', 'p3', 'MedicalLicense', 'active'),
            current('p3', 'MedicalLicense', 'L4'),
        ]);
        commit('credentials:SuspendCredential', [hold('p3', 'MedicalLicense', true)]);
        reported.add(access('p3', true));
        commit('credentials:LiftRegulatorHold', [hold('p3', 'MedicalLicense', false)]);
        clean.add(access('p3', true));
        // A nurse is judged by her NursingLicense: suspended, her allowed access is misuse.
        commit('credentials:IssueCredential', [
            licence('N1', 'n1', 'NursingLicense', 'suspended'),
            current('n1', 'NursingLicense', 'N1'),
        ]);
        reported.add(access('n1', true, 'nurse'));
        // p1's licence revoked, and a later access: misuse.
        commit('credentials:RevokeCredential', [licence('L1', 'p1', 'MedicalLicense', 'revoked')]);
        reported.add(access('p1', true));
        await new HistoryStore(db).append(blocks.map(blockRow), 'test:misuse');
    });
    afterAll(() => db?.close());

    it('reports exactly the allowed accesses made while the needed licence stood suspended or revoked', async () => {
        const answer = await queries.credentialMisuse(scope, {});
        expect(answer.blockHeight).toBe(blocks.length);
        expect(new Set(answer.items.map((item) => item.access.auditId))).toEqual(reported);
        for (const item of answer.items) {
            expect(clean.has(item.access.auditId)).toBe(false);
        }
        expect(
            answer.items.map((i) => `${i.access.agent.actorId}:${i.credential.type}:${i.credential.status}`),
        ).toEqual([
            'p1:MedicalLicense:suspended',
            'p3:MedicalLicense:suspended',
            'n1:NursingLicense:suspended',
            'p1:MedicalLicense:revoked',
        ]);
        expect(answer.items[1].credential.since).toBe('hold-since');
    });

    it('limits the rows to the viewer, as the audit', async () => {
        const hospital = await queries.credentialMisuse(
            { kind: 'org', mspId: 'HospitalMSP', role: 'admin', actorId: 'hospital-admin' },
            {},
        );
        expect(hospital.items).toHaveLength(4);
        const manufacturer = await queries.credentialMisuse(
            { kind: 'org', mspId: 'ManufacturerMSP', role: 'admin', actorId: 'm-admin' },
            {},
        );
        expect(manufacturer.items).toEqual([]);
        await expect(
            queries.credentialMisuse({ kind: 'org', mspId: 'HospitalMSP', role: 'pharmacist', actorId: 'ph' }, {}),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
});
