import { ContractHarness } from '@careledger/testing';
import { credentialsCast } from '../../../test/fixtures/credentials';
import type { Page } from '../common/pagination';
import type { TrustedIssuer } from './types';

const medicalIssuer = { type: 'MedicalLicense', mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' };

describe('credentials-issuers: the issuer registry', () => {
    let h: ContractHarness;
    let cast: ReturnType<typeof credentialsCast>;

    beforeEach(async () => {
        h = await ContractHarness.create();
        h.setTime('2026-01-01T00:00:00Z');
        cast = credentialsCast(h);
    });

    const register = (who = cast.regulator, entry: object = medicalIssuer) =>
        h.submit(who, 'credentials-issuers:RegisterIssuer', [JSON.stringify(entry)]);

    it('lets the regulator admin trust an org for a type, and emits IssuerRegistered', async () => {
        const r = await register();
        const entry = r.json<TrustedIssuer>();
        expect(entry).toMatchObject({
            type: 'MedicalLicense',
            mspId: 'RegulatorMSP',
            roles: ['admin'],
            subjectScope: 'any-org',
            status: 'trusted',
            registeredAt: '2026-01-01T00:00:00.000Z',
            updatedBy: { mspId: 'RegulatorMSP', role: 'admin', actorId: 'regulator-admin' },
        });
        expect(r.event?.name).toBe('credentials.IssuerRegistered');
        const fetched = await h.evaluate(cast.physician, 'credentials-issuers:GetIssuer', [
            'MedicalLicense',
            'RegulatorMSP',
        ]);
        expect(fetched.json<TrustedIssuer>()).toEqual(entry);
    });

    it('defaults the subject scope to own-org and sorts roles', async () => {
        const r = await register(cast.regulator, {
            type: 'ClinicalPrivileges',
            mspId: 'HospitalMSP',
            roles: ['physician', 'admin'],
        });
        expect(r.json<TrustedIssuer>()).toMatchObject({ subjectScope: 'own-org', roles: ['admin', 'physician'] });
    });

    it.each([
        ['a hospital admin', 'hospitalAdmin'],
        ['a regulator inspector', 'inspector'],
        ['a physician', 'physician'],
    ] as const)('refuses %s managing the registry, leaving the ledger unchanged', async (_label, who) => {
        const before = h.snapshot();
        await expect(register(cast[who])).rejects.toMatchObject({ code: 'FORBIDDEN' });
        expect(h.snapshot()).toEqual(before);
    });

    it.each([
        ['not JSON', 'nope', 'issuer'],
        ['a malformed type', { ...medicalIssuer, type: 'medical license' }, 'issuer.type'],
        ['a missing org', { ...medicalIssuer, mspId: undefined }, 'issuer.mspId'],
        ['no roles', { ...medicalIssuer, roles: [] }, 'issuer.roles'],
        ['an unknown role', { ...medicalIssuer, roles: ['dean'] }, 'issuer.roles[0]'],
        ['a repeated role', { ...medicalIssuer, roles: ['admin', 'admin'] }, 'issuer.roles'],
        ['patients as issuers', { ...medicalIssuer, roles: ['patient'] }, 'issuer.roles'],
        ['an unknown subject scope', { ...medicalIssuer, subjectScope: 'everyone' }, 'issuer.subjectScope'],
    ])('rejects %s', async (_label, entry, field) => {
        const before = h.snapshot();
        const arg = typeof entry === 'string' ? entry : JSON.stringify(entry);
        await expect(h.submit(cast.regulator, 'credentials-issuers:RegisterIssuer', [arg])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field,
        });
        expect(h.snapshot()).toEqual(before);
    });

    it('refuses to register an issuer that is already trusted', async () => {
        await register();
        const before = h.snapshot();
        await expect(register()).rejects.toMatchObject({ code: 'CONFLICT', field: 'issuer' });
        expect(h.snapshot()).toEqual(before);
    });

    it('withdraws trust with a reason, and re-trusts on a new registration keeping the first date', async () => {
        await register();
        h.advance(60_000);
        const withdrawn = await h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
            'MedicalLicense',
            'RegulatorMSP',
            'issuer-agreement-ended',
            'agreement-2026-7',
        ]);
        expect(withdrawn.json<TrustedIssuer>()).toMatchObject({
            status: 'withdrawn',
            reason: { code: 'issuer-agreement-ended', reference: 'agreement-2026-7' },
            updatedAt: '2026-01-01T00:01:00.000Z',
        });
        expect(withdrawn.event?.name).toBe('credentials.IssuerWithdrawn');

        const before = h.snapshot();
        await expect(
            h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
                'MedicalLicense',
                'RegulatorMSP',
                'other',
                '',
            ]),
        ).rejects.toMatchObject({ code: 'CONFLICT' });
        expect(h.snapshot()).toEqual(before);

        h.advance(60_000);
        const again = (await register()).json<TrustedIssuer>();
        expect(again).toMatchObject({
            status: 'trusted',
            registeredAt: '2026-01-01T00:00:00.000Z',
            updatedAt: '2026-01-01T00:02:00.000Z',
        });
        expect(again.reason).toBeUndefined();
    });

    it('refuses withdrawal by anyone but the regulator admin, of unknown issuers, and without a valid reason', async () => {
        await register();
        const before = h.snapshot();
        await expect(
            h.submit(cast.hospitalAdmin, 'credentials-issuers:WithdrawIssuer', [
                'MedicalLicense',
                'RegulatorMSP',
                'other',
                '',
            ]),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(
            h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
                'NursingLicense',
                'RegulatorMSP',
                'other',
                '',
            ]),
        ).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(
            h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
                'MedicalLicense',
                'RegulatorMSP',
                'because',
                '',
            ]),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'reasonCode' });
        await expect(
            h.submit(cast.regulator, 'credentials-issuers:WithdrawIssuer', [
                'MedicalLicense',
                'RegulatorMSP',
                'other',
                'Dr Smith was rude',
            ]),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'reasonReference' });
        expect(h.snapshot()).toEqual(before);
    });

    it('answers NOT_FOUND for an issuer never registered', async () => {
        await expect(
            h.evaluate(cast.physician, 'credentials-issuers:GetIssuer', ['MedicalLicense', 'HospitalMSP']),
        ).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });

    it('lists the registry in pages, whole or for one org', async () => {
        await register();
        await register(cast.regulator, { ...medicalIssuer, type: 'PharmacistLicense' });
        await register(cast.regulator, { type: 'ClinicalPrivileges', mspId: 'HospitalMSP', roles: ['admin'] });

        const first = (await h.evaluate(cast.physician, 'credentials-issuers:ListIssuers', ['', '2', ''])).json<
            Page<TrustedIssuer>
        >();
        expect(first.items.map((e) => `${e.mspId}/${e.type}`)).toEqual([
            'HospitalMSP/ClinicalPrivileges',
            'RegulatorMSP/MedicalLicense',
        ]);
        expect(first.bookmark).not.toBe('');
        const second = (
            await h.evaluate(cast.physician, 'credentials-issuers:ListIssuers', ['', '2', first.bookmark])
        ).json<Page<TrustedIssuer>>();
        expect(second.items.map((e) => `${e.mspId}/${e.type}`)).toEqual(['RegulatorMSP/PharmacistLicense']);
        expect(second.bookmark).toBe('');

        const regulatorOnly = (
            await h.evaluate(cast.physician, 'credentials-issuers:ListIssuers', ['RegulatorMSP', '', ''])
        ).json<Page<TrustedIssuer>>();
        expect(regulatorOnly.items.map((e) => e.type)).toEqual(['MedicalLicense', 'PharmacistLicense']);

        await expect(
            h.evaluate(cast.physician, 'credentials-issuers:ListIssuers', ['', '1000', '']),
        ).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'pageSize',
        });
    });
});
