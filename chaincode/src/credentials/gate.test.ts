import { ContractHarness } from '@careledger/testing';
import { Context, Returns, Transaction } from 'fabric-contract-api';
import { credentialsCast, licensePractitioner, orgAdmin } from '../../../test/fixtures/credentials';
import { contracts } from '../index';
import { CareLedgerContract } from '../common/contract';
import { compositeKey } from '../common/keys';
import { toBytes } from '../common/json';
import { requireValidCredential } from './gate';

/** Stands in for a domain that gates an action on a credential (EHR, dispensing). */
class GatedContract extends CareLedgerContract {
    constructor() {
        super('gated');
    }

    @Transaction()
    @Returns('string')
    async Act(ctx: Context, type: string): Promise<string> {
        const credential = await requireValidCredential(ctx, type);
        await ctx.stub.putState(
            compositeKey(ctx, 'gated.act', [ctx.stub.getTxID()]),
            toBytes({ credentialId: credential.id }),
        );
        return credential.id;
    }
}

describe('requireValidCredential: the credential gate', () => {
    let h: ContractHarness;
    let cast: ReturnType<typeof credentialsCast>;
    const holder = { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' };

    const act = (who = cast.physician, type = 'MedicalLicense') => h.submit(who, 'gated:Act', [type]);
    const expectDenied = async (verdict: string, who = cast.physician, type = 'MedicalLicense') => {
        const before = h.snapshot();
        await expect(act(who, type)).rejects.toMatchObject({
            code: 'FORBIDDEN',
            detail: expect.stringContaining(`requires a valid ${type} (${verdict})`),
        });
        expect(h.snapshot()).toEqual(before);
    };

    beforeEach(async () => {
        h = await ContractHarness.create({ contracts: [...contracts, GatedContract] });
        cast = credentialsCast(h);
    });

    it('denies a caller who holds no credential of the type', async () => {
        await expectDenied('unknown');
        await licensePractitioner(h, holder, 'NursingLicense');
        await expectDenied('unknown');
    });

    it('admits a caller with a valid credential and returns it, on two endorsing orgs', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense');
        expect((await act()).payload).toBe(id);
    });

    it('follows suspension, reinstatement and revocation', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense');
        await h.submit(cast.regulator, 'credentials:SuspendCredential', [id, 'investigation-pending', '']);
        await expectDenied('suspended');
        await h.submit(cast.regulator, 'credentials:ReinstateCredential', [id, 'investigation-closed', '']);
        expect((await act()).payload).toBe(id);
        await h.submit(cast.regulator, 'credentials:RevokeCredential', [id, 'disciplinary-action', '']);
        await expectDenied('revoked');
    });

    it("binds the regulator's suspension to the practitioner: the issuer cannot undo it by re-issuing (#17 finding 7)", async () => {
        const privileges = 'ClinicalPrivileges';
        const hospitalAdmin = orgAdmin(h, 'HospitalMSP');
        const first = await licensePractitioner(h, holder, privileges);
        expect((await act(cast.physician, privileges)).payload).toBe(first);
        await h.submit(cast.regulator, 'credentials:SuspendCredential', [first, 'investigation-pending', '']);
        await expectDenied('suspended', cast.physician, privileges);

        // The issuing hospital revokes the suspended credential and issues a fresh one.
        await h.submit(hospitalAdmin, 'credentials:RevokeCredential', [first, 'administrative-hold', '']);
        const second = await licensePractitioner(h, holder, privileges);
        expect(second).not.toBe(first);
        await expectDenied('suspended', cast.physician, privileges);
        // Nor can a transaction dated before the suspension slip under it.
        h.setTime('2025-06-01T00:00:00.000Z');
        await expectDenied('suspended', cast.physician, privileges);
        h.setTime('2026-01-01T00:00:00.000Z');

        await expect(
            h.submit(hospitalAdmin, 'credentials:LiftRegulatorHold', [
                JSON.stringify(holder),
                privileges,
                'investigation-closed',
                '',
            ]),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await h.submit(cast.regulator, 'credentials:LiftRegulatorHold', [
            JSON.stringify(holder),
            privileges,
            'investigation-closed',
            '',
        ]);
        expect((await act(cast.physician, privileges)).payload).toBe(second);
    });

    it('follows the validity window of the transaction time', async () => {
        await licensePractitioner(h, holder, 'MedicalLicense', {
            validFrom: '2026-02-01T00:00:00Z',
            validUntil: '2026-03-01T00:00:00Z',
        });
        await expectDenied('not_yet_valid');
        h.setTime('2026-02-15T00:00:00Z');
        await act();
        h.setTime('2026-03-01T00:00:00Z');
        await expectDenied('expired');
    });

    it('denies once the issuer is no longer trusted for the type', async () => {
        await licensePractitioner(h, holder, 'ClinicalPrivileges');
        await act(cast.physician, 'ClinicalPrivileges');
        await h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
            'ClinicalPrivileges',
            'HospitalMSP',
            'issuer-agreement-ended',
            '',
        ]);
        await expectDenied('issuer_not_trusted', cast.physician, 'ClinicalPrivileges');
    });

    it('lets a renewed credential’s previous version stand until the renewal starts', async () => {
        const id = await licensePractitioner(h, holder, 'MedicalLicense', { validUntil: '2026-06-01T00:00:00Z' });
        await h.submit(cast.regulator, 'credentials:RenewCredential', [
            JSON.stringify({
                previousId: id,
                id: 'renewed-1',
                commitment: 'ab'.repeat(32),
                validFrom: '2026-06-01T00:00:00Z',
            }),
        ]);
        expect((await act()).payload).toBe(id);
        h.setTime('2026-06-01T00:00:00Z');
        expect((await act()).payload).toBe('renewed-1');
    });

    it('binds the practitioner id to the MSP that enrolled it', async () => {
        await licensePractitioner(h, holder, 'MedicalLicense');
        await expectDenied('unknown', cast.clinicPhysician);
    });

    it('denies a caller whose certificate carries no practitioner id', async () => {
        await licensePractitioner(h, holder, 'MedicalLicense');
        await expectDenied('unknown', h.identity({ mspId: 'HospitalMSP', role: 'physician' }));
    });
});
