import { ContractHarness } from '@careledger/testing';
import { credentialsCast, fixtureDocument, licensePractitioner } from '../../../test/fixtures/credentials';
import type { Verification } from './types';

/** Every verdict VerifyCredential gives, each for a crafted case. */
describe('credentials: VerifyCredential', () => {
    let h: ContractHarness;
    let cast: ReturnType<typeof credentialsCast>;
    const holder = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' };

    const verify = async (id: string, proof: object = fixtureProof(id)) =>
        (
            await h.evaluate(cast.physician2, 'credentials:VerifyCredential', [id, JSON.stringify(proof)])
        ).json<Verification>();
    const fixtureProof = (id: string) => {
        const { documentSha256, salt } = fixtureDocument(id);
        return { documentSha256, salt };
    };

    beforeEach(async () => {
        h = await ContractHarness.create();
        h.setTime('2026-01-01T00:00:00Z');
        cast = credentialsCast(h);
    });

    it('valid: the presented document matches and the credential is in force', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense', { validUntil: '2027-01-01T00:00:00Z' });
        const verification = await verify(id);
        expect(verification).toMatchObject({
            credentialId: id,
            verdict: 'valid',
            checkedAt: '2026-01-01T00:00:00.000Z',
        });
        expect(verification.credential).toMatchObject({ id, type: 'MedicalLicense', subject: holder });
        expect(await verify(id, { commitment: fixtureDocument(id).commitment })).toMatchObject({ verdict: 'valid' });
    });

    it('unknown: no credential has the id', async () => {
        const verification = await verify('lic-404');
        expect(verification).toMatchObject({ verdict: 'unknown' });
        expect(verification.credential).toBeUndefined();
    });

    it('hash_mismatch: another document, or the right document with the wrong salt', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense');
        const other = fixtureDocument('forged');
        expect(
            await verify(id, { documentSha256: other.documentSha256, salt: fixtureDocument(id).salt }),
        ).toMatchObject({ verdict: 'hash_mismatch' });
        const wrongSalt = await verify(id, { documentSha256: fixtureDocument(id).documentSha256, salt: other.salt });
        expect(wrongSalt).toMatchObject({ verdict: 'hash_mismatch' });
        expect(wrongSalt.credential).toBeUndefined();
    });

    it('not_yet_valid, then valid, then expired, as the transaction time moves', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense', {
            validFrom: '2026-02-01T00:00:00Z',
            validUntil: '2026-03-01T00:00:00Z',
        });
        expect(await verify(id)).toMatchObject({ verdict: 'not_yet_valid' });
        h.setTime('2026-02-01T00:00:00Z');
        expect(await verify(id)).toMatchObject({ verdict: 'valid' });
        h.setTime('2026-02-28T23:59:59.999Z');
        expect(await verify(id)).toMatchObject({ verdict: 'valid' });
        h.setTime('2026-03-01T00:00:00Z');
        expect(await verify(id)).toMatchObject({
            verdict: 'expired',
            reason: expect.stringContaining('expired at 2026-03-01T00:00:00.000Z'),
        });
    });

    it('suspended and revoked, with the reason code in the reason', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense');
        await h.submit(cast.regulator, 'credentials:SuspendCredential', [id, 'investigation-pending', 'case-1']);
        expect(await verify(id)).toMatchObject({
            verdict: 'suspended',
            reason: expect.stringContaining('investigation-pending case-1'),
        });
        await h.submit(cast.regulator, 'credentials:RevokeCredential', [id, 'disciplinary-action', '']);
        expect(await verify(id)).toMatchObject({
            verdict: 'revoked',
            reason: expect.stringContaining('disciplinary-action'),
        });
    });

    it('revoked outranks expired', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense', { validUntil: '2026-01-02T00:00:00Z' });
        await h.submit(cast.regulator, 'credentials:RevokeCredential', [id, 'issued-in-error', '']);
        h.setTime('2026-06-01T00:00:00Z');
        expect(await verify(id)).toMatchObject({ verdict: 'revoked' });
    });

    it('issuer_not_trusted: the registry withdrew trust in the issuing org for the type', async () => {
        const id = await licensePractitioner(h, holder, 'ClinicalPrivileges');
        await h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
            'ClinicalPrivileges',
            'HospitalMSP',
            'issuer-agreement-ended',
            '',
        ]);
        expect(await verify(id)).toMatchObject({
            verdict: 'issuer_not_trusted',
            reason: expect.stringContaining('HospitalMSP'),
        });
    });

    it.each([
        ['a malformed id', 'lic 1', '{}', 'credentialId'],
        ['a proof that is not JSON', 'lic-1', 'x', 'proof'],
        ['a proof without salt', 'lic-1', JSON.stringify({ documentSha256: 'a'.repeat(64) }), 'proof.salt'],
    ])('rejects %s', async (_label, id, proof, field) => {
        await expect(h.evaluate(cast.physician2, 'credentials:VerifyCredential', [id, proof])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field,
        });
    });
});
