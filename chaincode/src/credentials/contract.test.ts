import { ContractHarness } from '@careledger/testing';
import { credentialsCast, fixtureDocument, trustIssuer } from '../../../test/fixtures/credentials';
import type { Page } from '../common/pagination';
import type { Credential, CredentialEvent, CredentialView, Standing, StatusChange } from './types';

type Who = ReturnType<ContractHarness['identity']>;

describe('credentials: attestations', () => {
    let h: ContractHarness;
    let cast: ReturnType<typeof credentialsCast>;

    const physicianRef = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' };

    const issue = (who: Who, fields: Record<string, unknown>) =>
        h.submit(who, 'credentials:IssueCredential', [
            JSON.stringify({
                commitment: fixtureDocument(String(fields.id)).commitment,
                type: 'MedicalLicense',
                subject: physicianRef,
                ...fields,
            }),
        ]);
    const change = (
        who: Who,
        fn: 'Suspend' | 'Reinstate' | 'Revoke',
        id: string,
        code = 'investigation-pending',
        reference = '',
    ) => h.submit(who, `credentials:${fn}Credential`, [id, code, reference]);
    const renew = (who: Who, fields: Record<string, unknown>) =>
        h.submit(who, 'credentials:RenewCredential', [
            JSON.stringify({ commitment: fixtureDocument(String(fields.id)).commitment, ...fields }),
        ]);
    const get = async (id: string) =>
        (await h.evaluate(cast.physician, 'credentials:GetCredential', [id])).json<CredentialView>();
    const standing = async (ref = physicianRef, type = 'MedicalLicense') =>
        (
            await h.evaluate(cast.physician, 'credentials:CheckPractitioner', [ref.mspId, ref.actorId, type])
        ).json<Standing>();
    const history = async (id: string, who: Who = cast.regulator) =>
        (await h.evaluate(who, 'credentials:GetCredentialHistory', [id, '', ''])).json<Page<StatusChange>>().items;

    beforeEach(async () => {
        h = await ContractHarness.create();
        h.setTime('2026-01-01T00:00:00Z');
        cast = credentialsCast(h);
        await trustIssuer(h, {
            type: 'MedicalLicense',
            mspId: 'RegulatorMSP',
            roles: ['admin'],
            subjectScope: 'any-org',
        });
        await trustIssuer(h, {
            type: 'ClinicalPrivileges',
            mspId: 'HospitalMSP',
            roles: ['admin'],
            subjectScope: 'own-org',
        });
    });

    describe('issue', () => {
        it('records the attestation, its first history entry, and emits CredentialIssued', async () => {
            const r = await issue(cast.regulator, { id: 'lic-1', validUntil: '2027-01-01T00:00:00Z' });
            const credential = r.json<Credential>();
            expect(credential).toMatchObject({
                id: 'lic-1',
                type: 'MedicalLicense',
                version: 1,
                subject: physicianRef,
                issuer: { mspId: 'RegulatorMSP', actorId: 'regulator-admin', role: 'admin' },
                commitment: fixtureDocument('lic-1').commitment,
                validFrom: '2026-01-01T00:00:00.000Z',
                validUntil: '2027-01-01T00:00:00.000Z',
                status: 'active',
                issuedAt: '2026-01-01T00:00:00.000Z',
                txId: r.txId,
                changes: 1,
            });
            expect(credential.statusListIndex).toBeGreaterThanOrEqual(0);
            expect(credential.statusListIndex).toBeLessThan(2 ** 21);
            expect(r.event?.name).toBe('credentials.CredentialIssued');
            expect(r.event?.payload).toMatchObject({
                credentialId: 'lic-1',
                action: 'issued',
                status: 'active',
                issuer: 'RegulatorMSP',
                seq: 1,
            });
            expect(await get('lic-1')).toEqual({ ...credential, verdict: 'valid' });
            expect(await history('lic-1')).toEqual([
                expect.objectContaining({
                    credentialId: 'lic-1',
                    seq: 1,
                    action: 'issued',
                    status: 'active',
                    txId: r.txId,
                }),
            ]);
            expect(await standing()).toMatchObject({ verdict: 'valid', credentialId: 'lic-1' });
        });

        it('refuses an org that is not a trusted issuer for the type', async () => {
            const before = h.snapshot();
            await expect(issue(cast.hospitalAdmin, { id: 'lic-1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(issue(cast.manufacturerAdmin, { id: 'lic-1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
            expect(h.snapshot()).toEqual(before);
        });

        it('refuses a trusted org acting through a role the registry does not list', async () => {
            const before = h.snapshot();
            await expect(issue(cast.inspector, { id: 'lic-1' })).rejects.toMatchObject({
                code: 'FORBIDDEN',
                detail: expect.stringContaining('only through role admin'),
            });
            expect(h.snapshot()).toEqual(before);
        });

        it('refuses an issuer whose trust was withdrawn', async () => {
            await h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
                'ClinicalPrivileges',
                'HospitalMSP',
                'other',
                '',
            ]);
            const before = h.snapshot();
            await expect(issue(cast.hospitalAdmin, { id: 'priv-1', type: 'ClinicalPrivileges' })).rejects.toMatchObject(
                { code: 'FORBIDDEN' },
            );
            expect(h.snapshot()).toEqual(before);
        });

        it('lets an own-org issuer attest only its own practitioners', async () => {
            const before = h.snapshot();
            await expect(
                issue(cast.hospitalAdmin, {
                    id: 'priv-1',
                    type: 'ClinicalPrivileges',
                    subject: { mspId: 'ClinicMSP', actorId: 'prac-hosp-0001' },
                }),
            ).rejects.toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('own practitioners') });
            expect(h.snapshot()).toEqual(before);
            await expect(
                issue(cast.hospitalAdmin, { id: 'priv-1', type: 'ClinicalPrivileges' }),
            ).resolves.toBeDefined();
        });

        it('refuses self-attestation', async () => {
            await trustIssuer(h, {
                type: 'NursingLicense',
                mspId: 'HospitalMSP',
                roles: ['physician'],
                subjectScope: 'own-org',
            });
            const before = h.snapshot();
            await expect(issue(cast.physician, { id: 'self-1', type: 'NursingLicense' })).rejects.toMatchObject({
                code: 'FORBIDDEN',
                detail: expect.stringContaining('own credential'),
            });
            expect(h.snapshot()).toEqual(before);
        });

        it('refuses a credential id already used', async () => {
            await issue(cast.regulator, { id: 'lic-1' });
            const before = h.snapshot();
            await expect(
                issue(cast.regulator, { id: 'lic-1', subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' } }),
            ).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'credential.id',
            });
            expect(h.snapshot()).toEqual(before);
        });

        it('keeps one current credential per subject and type until it is revoked or expired', async () => {
            await issue(cast.regulator, { id: 'lic-1', validUntil: '2026-02-01T00:00:00Z' });
            const before = h.snapshot();
            await expect(issue(cast.regulator, { id: 'lic-2' })).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'credential.subject',
            });
            await change(cast.regulator, 'Suspend', 'lic-1');
            await expect(issue(cast.regulator, { id: 'lic-2' })).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'credential.subject',
            });
            await change(cast.regulator, 'Reinstate', 'lic-1', 'investigation-closed');

            h.setTime('2026-02-01T00:00:00Z');
            await issue(cast.regulator, { id: 'lic-2' });
            expect(await standing()).toMatchObject({ verdict: 'valid', credentialId: 'lic-2' });
            await change(cast.regulator, 'Revoke', 'lic-2', 'disciplinary-action', 'case-7');
            await issue(cast.regulator, { id: 'lic-3' });
            expect(await standing()).toMatchObject({ verdict: 'valid', credentialId: 'lic-3' });
            expect(before).not.toEqual(h.snapshot());
        });

        it('refuses callers whose certificate lacks a role or a practitioner id', async () => {
            const before = h.snapshot();
            await expect(
                issue(h.identity({ mspId: 'RegulatorMSP', role: 'admin' }), { id: 'lic-1' }),
            ).rejects.toMatchObject({
                code: 'FORBIDDEN',
                detail: expect.stringContaining('careledger.id'),
            });
            await expect(
                issue(h.identity({ mspId: 'RegulatorMSP', actorId: 'regulator-admin' }), { id: 'lic-1' }),
            ).rejects.toMatchObject({
                code: 'FORBIDDEN',
                detail: expect.stringContaining('careledger.role'),
            });
            expect(h.snapshot()).toEqual(before);
        });

        it('binds the subject to its org: the same actor id in another MSP is another practitioner', async () => {
            await issue(cast.regulator, { id: 'lic-1' });
            expect(await standing({ mspId: 'ClinicMSP', actorId: 'prac-hosp-0001' })).toMatchObject({
                verdict: 'unknown',
            });
        });

        it.each([
            ['not JSON', null, 'credential'],
            ['a malformed id', { id: 'lic 1' }, 'credential.id'],
            ['a malformed type', { type: 'medical' }, 'credential.type'],
            ['no subject', { subject: undefined }, 'credential.subject'],
            ['a subject without MSP', { subject: { actorId: 'prac-1' } }, 'credential.subject.mspId'],
            [
                'a subject with a bad actor id',
                { subject: { mspId: 'HospitalMSP', actorId: 'Dr. Who' } },
                'credential.subject.actorId',
            ],
            ['a commitment that is not SHA-256 hex', { commitment: 'abc' }, 'credential.commitment'],
            ['a malformed validFrom', { validFrom: 'yesterday' }, 'validFrom'],
            [
                'validUntil before validFrom',
                { validFrom: '2026-06-01T00:00:00Z', validUntil: '2026-05-01T00:00:00Z' },
                'validUntil',
            ],
        ])('rejects %s, leaving the ledger unchanged', async (_label, fields, field) => {
            const before = h.snapshot();
            const arg =
                fields === null
                    ? '[]'
                    : JSON.stringify({
                          id: 'lic-1',
                          type: 'MedicalLicense',
                          subject: physicianRef,
                          commitment: fixtureDocument('lic-1').commitment,
                          ...fields,
                      });
            await expect(h.submit(cast.regulator, 'credentials:IssueCredential', [arg])).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field,
            });
            expect(h.snapshot()).toEqual(before);
        });
    });

    describe('suspend, reinstate, revoke', () => {
        beforeEach(async () => {
            await issue(cast.regulator, { id: 'lic-1' });
            await issue(cast.hospitalAdmin, { id: 'priv-1', type: 'ClinicalPrivileges' });
        });

        it('suspends, reinstates and revokes with reasons, each an event and a history entry', async () => {
            h.advance(1000);
            const suspended = await change(
                cast.regulator,
                'Suspend',
                'lic-1',
                'investigation-pending',
                'case-2026-0042',
            );
            expect(suspended.json<Credential>()).toMatchObject({
                status: 'suspended',
                suspendedBy: 'regulator',
                statusReason: { code: 'investigation-pending', reference: 'case-2026-0042' },
                statusChangedAt: '2026-01-01T00:00:01.000Z',
            });
            expect(suspended.event?.name).toBe('credentials.CredentialSuspended');
            expect(await standing()).toMatchObject({ verdict: 'suspended' });

            h.advance(1000);
            const reinstated = await change(
                cast.regulator,
                'Reinstate',
                'lic-1',
                'investigation-closed',
                'case-2026-0042',
            );
            expect(reinstated.json<Credential>()).toMatchObject({
                status: 'active',
                statusReason: { code: 'investigation-closed' },
            });
            expect(reinstated.json<Credential>().suspendedBy).toBeUndefined();
            expect(reinstated.event?.name).toBe('credentials.CredentialReinstated');
            expect(await standing()).toMatchObject({ verdict: 'valid' });

            h.advance(1000);
            const revoked = await change(cast.regulator, 'Revoke', 'lic-1', 'disciplinary-action', 'case-2026-0043');
            expect(revoked.json<Credential>()).toMatchObject({ status: 'revoked' });
            const event = revoked.event?.payload as CredentialEvent;
            expect(revoked.event?.name).toBe('credentials.CredentialRevoked');
            expect(event).toMatchObject({
                credentialId: 'lic-1',
                action: 'revoked',
                status: 'revoked',
                seq: 4,
                reason: { code: 'disciplinary-action' },
            });
            expect(await standing()).toMatchObject({ verdict: 'revoked' });

            expect((await history('lic-1')).map((c) => [c.seq, c.action, c.status, c.reason?.code, c.at])).toEqual([
                [1, 'issued', 'active', undefined, '2026-01-01T00:00:00.000Z'],
                [2, 'suspended', 'suspended', 'investigation-pending', '2026-01-01T00:00:01.000Z'],
                [3, 'reinstated', 'active', 'investigation-closed', '2026-01-01T00:00:02.000Z'],
                [4, 'revoked', 'revoked', 'disciplinary-action', '2026-01-01T00:00:03.000Z'],
            ]);
        });

        it('refuses a caller revoking another issuer’s credential', async () => {
            const before = h.snapshot();
            await expect(change(cast.hospitalAdmin, 'Revoke', 'lic-1')).rejects.toMatchObject({
                code: 'FORBIDDEN',
                detail: expect.stringContaining('only the issuer RegulatorMSP or the regulator'),
            });
            await expect(change(cast.hospitalAdmin, 'Suspend', 'lic-1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(change(cast.clinicAdmin, 'Revoke', 'priv-1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
            expect(h.snapshot()).toEqual(before);
        });

        it('refuses the subject and non-issuing roles of the issuing org', async () => {
            const before = h.snapshot();
            await expect(change(cast.physician, 'Revoke', 'priv-1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(change(cast.physician2, 'Suspend', 'priv-1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(change(cast.physician, 'Revoke', 'lic-1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
            expect(h.snapshot()).toEqual(before);
        });

        it('lets the regulator act on any issuer’s credential; its suspension is lifted only by the regulator', async () => {
            await change(cast.inspector, 'Suspend', 'priv-1');
            const before = h.snapshot();
            await expect(
                change(cast.hospitalAdmin, 'Reinstate', 'priv-1', 'investigation-closed'),
            ).rejects.toMatchObject({
                code: 'FORBIDDEN',
                detail: expect.stringContaining('only the regulator may reinstate'),
            });
            expect(h.snapshot()).toEqual(before);
            await change(cast.inspector, 'Reinstate', 'priv-1', 'investigation-closed');
            expect((await get('priv-1')).status).toBe('active');
        });

        it('lets the issuer lift its own suspension', async () => {
            await change(cast.hospitalAdmin, 'Suspend', 'priv-1', 'administrative-hold');
            expect((await get('priv-1')).suspendedBy).toBe('issuer');
            await change(cast.hospitalAdmin, 'Reinstate', 'priv-1', 'requirements-met');
            expect((await get('priv-1')).status).toBe('active');
        });

        it('lets an issuer whose trust was withdrawn suspend and revoke, but not reinstate', async () => {
            await h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
                'ClinicalPrivileges',
                'HospitalMSP',
                'other',
                '',
            ]);
            await change(cast.hospitalAdmin, 'Suspend', 'priv-1');
            const before = h.snapshot();
            await expect(
                change(cast.hospitalAdmin, 'Reinstate', 'priv-1', 'investigation-closed'),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });
            expect(h.snapshot()).toEqual(before);
            await change(cast.hospitalAdmin, 'Revoke', 'priv-1', 'issued-in-error');
            expect((await get('priv-1')).status).toBe('revoked');
        });

        it('refuses transitions the status does not allow', async () => {
            const before = h.snapshot();
            await expect(change(cast.regulator, 'Reinstate', 'lic-1', 'investigation-closed')).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'credentialId',
            });
            expect(h.snapshot()).toEqual(before);

            await change(cast.regulator, 'Suspend', 'lic-1');
            const suspended = h.snapshot();
            await expect(change(cast.regulator, 'Suspend', 'lic-1')).rejects.toMatchObject({ code: 'CONFLICT' });
            expect(h.snapshot()).toEqual(suspended);

            await change(cast.regulator, 'Revoke', 'lic-1', 'disciplinary-action');
            const revoked = h.snapshot();
            await expect(change(cast.regulator, 'Revoke', 'lic-1')).rejects.toMatchObject({ code: 'CONFLICT' });
            await expect(change(cast.regulator, 'Suspend', 'lic-1')).rejects.toMatchObject({ code: 'CONFLICT' });
            await expect(change(cast.regulator, 'Reinstate', 'lic-1', 'investigation-closed')).rejects.toMatchObject({
                code: 'CONFLICT',
            });
            expect(h.snapshot()).toEqual(revoked);
        });

        it('rejects unknown credentials and malformed reasons', async () => {
            const before = h.snapshot();
            await expect(change(cast.regulator, 'Revoke', 'lic-404')).rejects.toMatchObject({ code: 'NOT_FOUND' });
            await expect(change(cast.regulator, 'Revoke', 'lic-1', 'he was rude')).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'reasonCode',
            });
            await expect(change(cast.regulator, 'Revoke', 'lic-1', 'other', 'free text here')).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'reasonReference',
            });
            await expect(change(cast.regulator, 'Revoke', '', 'other')).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'credentialId',
            });
            expect(h.snapshot()).toEqual(before);
        });
    });

    describe('renew', () => {
        beforeEach(async () => {
            await issue(cast.regulator, { id: 'lic-1', validUntil: '2026-07-01T00:00:00Z' });
        });

        it('creates a linked version that takes over at its validFrom', async () => {
            const r = await renew(cast.regulator, {
                previousId: 'lic-1',
                id: 'lic-2',
                validFrom: '2026-07-01T00:00:00Z',
                validUntil: '2027-07-01T00:00:00Z',
            });
            const next = r.json<Credential>();
            expect(next).toMatchObject({
                id: 'lic-2',
                version: 2,
                previousId: 'lic-1',
                status: 'active',
                subject: physicianRef,
            });
            expect(next.statusListIndex).not.toBe((await get('lic-1')).statusListIndex);
            expect(r.event?.name).toBe('credentials.CredentialRenewed');
            expect(r.event?.payload).toMatchObject({ credentialId: 'lic-2', previousId: 'lic-1', version: 2 });
            expect(await get('lic-1')).toMatchObject({
                replacedBy: 'lic-2',
                supersededAt: '2026-07-01T00:00:00.000Z',
                verdict: 'valid',
            });
            expect((await history('lic-1')).map((c) => [c.action, c.relatedId])).toEqual([
                ['issued', undefined],
                ['renewed', 'lic-2'],
            ]);
            expect((await history('lic-2')).map((c) => [c.action, c.relatedId])).toEqual([['issued', 'lic-1']]);

            // Before the renewal starts, the version it renews still stands.
            expect(await standing()).toMatchObject({ verdict: 'valid', credentialId: 'lic-1' });
            h.setTime('2026-07-01T00:00:00Z');
            expect(await standing()).toMatchObject({ verdict: 'valid', credentialId: 'lic-2' });
            expect((await get('lic-1')).verdict).toBe('expired');
        });

        it('supersedes the old version at once when the renewal starts now', async () => {
            await renew(cast.regulator, { previousId: 'lic-1', id: 'lic-2' });
            expect((await get('lic-1')).verdict).toBe('expired');
            expect(await standing()).toMatchObject({ verdict: 'valid', credentialId: 'lic-2' });
        });

        it('lets a suspension of the renewal cover the version it renews while they overlap', async () => {
            await renew(cast.regulator, { previousId: 'lic-1', id: 'lic-2', validFrom: '2026-07-01T00:00:00Z' });
            await change(cast.regulator, 'Suspend', 'lic-2');
            expect((await get('lic-1')).verdict).toBe('suspended');
            expect(await standing()).toMatchObject({ verdict: 'suspended', credentialId: 'lic-2' });
        });

        it('refuses renewal by another org, of a suspended, already renewed or not-current credential, and a renewal starting earlier', async () => {
            await trustIssuer(h, {
                type: 'MedicalLicense',
                mspId: 'HospitalMSP',
                roles: ['admin'],
                subjectScope: 'own-org',
            });
            const before = h.snapshot();
            await expect(renew(cast.hospitalAdmin, { previousId: 'lic-1', id: 'lic-2' })).rejects.toMatchObject({
                code: 'FORBIDDEN',
            });
            await expect(
                renew(cast.regulator, { previousId: 'lic-1', id: 'lic-2', validFrom: '2025-12-01T00:00:00Z' }),
            ).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'renewal.validFrom',
            });
            await expect(renew(cast.regulator, { previousId: 'lic-404', id: 'lic-2' })).rejects.toMatchObject({
                code: 'NOT_FOUND',
            });
            await expect(renew(cast.regulator, { previousId: 'lic-1', id: 'lic-1' })).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'renewal.id',
            });
            expect(h.snapshot()).toEqual(before);

            await change(cast.regulator, 'Suspend', 'lic-1');
            const suspended = h.snapshot();
            await expect(renew(cast.regulator, { previousId: 'lic-1', id: 'lic-2' })).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'renewal.previousId',
            });
            expect(h.snapshot()).toEqual(suspended);
            await change(cast.regulator, 'Reinstate', 'lic-1', 'investigation-closed');

            await renew(cast.regulator, { previousId: 'lic-1', id: 'lic-2' });
            const renewed = h.snapshot();
            await expect(renew(cast.regulator, { previousId: 'lic-1', id: 'lic-3' })).rejects.toMatchObject({
                code: 'CONFLICT',
                field: 'renewal.previousId',
            });
            expect(h.snapshot()).toEqual(renewed);
        });

        it('refuses to renew a credential that is no longer the subject’s current one', async () => {
            h.setTime('2026-08-01T00:00:00Z');
            await issue(cast.regulator, { id: 'lic-9' });
            const before = h.snapshot();
            await expect(renew(cast.regulator, { previousId: 'lic-1', id: 'lic-2' })).rejects.toMatchObject({
                code: 'CONFLICT',
                detail: expect.stringContaining('not the subject'),
            });
            expect(h.snapshot()).toEqual(before);
        });
    });

    describe('queries', () => {
        it('answers NOT_FOUND for an unknown credential and unknown for a practitioner without one', async () => {
            await expect(get('lic-404')).rejects.toMatchObject({ code: 'NOT_FOUND' });
            expect(await standing()).toMatchObject({
                verdict: 'unknown',
                reason: expect.stringContaining('holds no MedicalLicense'),
            });
            expect((await standing()).credentialId).toBeUndefined();
        });

        it.each([
            ['CheckPractitioner', ['Hospital MSP', 'prac-1', 'MedicalLicense'], 'mspId'],
            ['CheckPractitioner', ['HospitalMSP', 'prac 1', 'MedicalLicense'], 'actorId'],
            ['CheckPractitioner', ['HospitalMSP', 'prac-1', 'license'], 'type'],
            ['GetCredential', ['lic/1'], 'credentialId'],
            ['ListCredentialsBySubject', ['HospitalMSP', 'prac-hosp-0001', '0.5', ''], 'pageSize'],
            ['ListCredentialsByIssuer', ['RegulatorMSP', '201', ''], 'pageSize'],
            ['GetCredentialHistory', ['lic-1', '-1', ''], 'pageSize'],
        ])('%s rejects malformed arguments %j', async (fn, args, field) => {
            await expect(h.evaluate(cast.regulator, `credentials:${fn}`, args)).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field,
            });
        });
    });

    describe('lists and history', () => {
        beforeEach(async () => {
            await issue(cast.regulator, { id: 'lic-1' });
            await issue(cast.hospitalAdmin, { id: 'priv-1', type: 'ClinicalPrivileges' });
            await issue(cast.regulator, { id: 'lic-2', subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' } });
            await issue(cast.regulator, { id: 'lic-3', subject: { mspId: 'ClinicMSP', actorId: 'prac-hosp-0001' } });
        });

        it('lists a practitioner’s credentials for the regulator, the practitioner and its org’s admin, in pages', async () => {
            for (const who of [cast.regulator, cast.physician, cast.hospitalAdmin]) {
                const page = (
                    await h.evaluate(who, 'credentials:ListCredentialsBySubject', [
                        'HospitalMSP',
                        'prac-hosp-0001',
                        '',
                        '',
                    ])
                ).json<Page<CredentialView>>();
                expect(page.items.map((c) => [c.id, c.verdict])).toEqual([
                    ['lic-1', 'valid'],
                    ['priv-1', 'valid'],
                ]);
            }
            const first = (
                await h.evaluate(cast.regulator, 'credentials:ListCredentialsBySubject', [
                    'HospitalMSP',
                    'prac-hosp-0001',
                    '1',
                    '',
                ])
            ).json<Page<CredentialView>>();
            expect(first.items.map((c) => c.id)).toEqual(['lic-1']);
            const second = (
                await h.evaluate(cast.regulator, 'credentials:ListCredentialsBySubject', [
                    'HospitalMSP',
                    'prac-hosp-0001',
                    '1',
                    first.bookmark,
                ])
            ).json<Page<CredentialView>>();
            expect(second.items.map((c) => c.id)).toEqual(['priv-1']);

            for (const who of [cast.physician2, cast.clinicAdmin, cast.clinicPhysician, cast.manufacturerAdmin]) {
                await expect(
                    h.evaluate(who, 'credentials:ListCredentialsBySubject', ['HospitalMSP', 'prac-hosp-0001', '', '']),
                ).rejects.toMatchObject({
                    code: 'FORBIDDEN',
                });
            }
        });

        it('lists what an org issued for the regulator and that org’s admin only', async () => {
            const issued = (
                await h.evaluate(cast.regulator, 'credentials:ListCredentialsByIssuer', ['RegulatorMSP', '', ''])
            ).json<Page<CredentialView>>();
            expect(issued.items.map((c) => c.id)).toEqual(['lic-1', 'lic-2', 'lic-3']);
            const own = (
                await h.evaluate(cast.hospitalAdmin, 'credentials:ListCredentialsByIssuer', ['HospitalMSP', '', ''])
            ).json<Page<CredentialView>>();
            expect(own.items.map((c) => c.id)).toEqual(['priv-1']);
            await expect(
                h.evaluate(cast.hospitalAdmin, 'credentials:ListCredentialsByIssuer', ['RegulatorMSP', '', '']),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(
                h.evaluate(cast.physician, 'credentials:ListCredentialsByIssuer', ['HospitalMSP', '', '']),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });
        });

        it('shows history to the regulator, the issuing org, the subject and its org’s admin only', async () => {
            await change(cast.hospitalAdmin, 'Suspend', 'priv-1', 'administrative-hold');
            for (const who of [cast.regulator, cast.inspector, cast.hospitalAdmin, cast.physician]) {
                expect((await history('priv-1', who)).map((c) => c.action)).toEqual(['issued', 'suspended']);
            }
            expect((await history('lic-1', cast.physician)).map((c) => c.action)).toEqual(['issued']);
            expect((await history('lic-1', cast.hospitalAdmin)).map((c) => c.action)).toEqual(['issued']);
            for (const who of [cast.physician2, cast.clinicAdmin, cast.clinicPhysician, cast.manufacturerAdmin]) {
                await expect(history('priv-1', who)).rejects.toMatchObject({ code: 'FORBIDDEN' });
            }
            await expect(history('lic-3', cast.hospitalAdmin)).rejects.toMatchObject({ code: 'FORBIDDEN' });
            await expect(history('lic-404')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        });
    });
});
