import { ContractHarness } from '@careledger/testing';
import { credentialsCast, licensePractitioner } from '../../../test/fixtures/credentials';
import type { Page } from '../common/pagination';
import { preferredStatusListIndex } from './status-list';
import { StatusListLength, type Credential, type StatusListAnchor, type StatusListEntry } from './types';

/** Two ids whose preferred status list index is the same (found by brute force, deterministic). */
function collidingIds(): [string, string] {
    const seen = new Map<number, string>();
    for (let i = 0; ; i += 1) {
        const id = `lic-${i}`;
        const index = preferredStatusListIndex(id);
        const earlier = seen.get(index);
        if (earlier !== undefined) {
            return [earlier, id];
        }
        seen.set(index, id);
    }
}

describe('credentials-status: Bitstring Status List support', () => {
    let h: ContractHarness;
    let cast: ReturnType<typeof credentialsCast>;
    const sha = 'ab'.repeat(32);

    beforeEach(async () => {
        h = await ContractHarness.create();
        h.setTime('2026-01-01T00:00:00Z');
        cast = credentialsCast(h);
    });

    const credential = async (id: string) =>
        (await h.evaluate(cast.regulator, 'credentials:GetCredential', [id])).json<Credential>();

    it('derives a credential’s index from its id, within the list', () => {
        expect(preferredStatusListIndex('lic-1')).toBe(preferredStatusListIndex('lic-1'));
        expect(preferredStatusListIndex('lic-1')).not.toBe(preferredStatusListIndex('lic-2'));
        expect(preferredStatusListIndex('lic-1')).toBeLessThan(StatusListLength);
    });

    it('gives each credential its preferred index, and probes to the next free slot on a collision', async () => {
        const [first, second] = collidingIds();
        const index = preferredStatusListIndex(first);
        await licensePractitioner(h, { mspId: 'HospitalMSP', actorId: 'prac-a' }, 'MedicalLicense', {
            credentialId: first,
        });
        await licensePractitioner(h, { mspId: 'HospitalMSP', actorId: 'prac-b' }, 'MedicalLicense', {
            credentialId: second,
        });
        expect((await credential(first)).statusListIndex).toBe(index);
        expect((await credential(second)).statusListIndex).toBe((index + 1) % StatusListLength);
    });

    it('lists an issuer’s entries in index order with their status, for the regulator and the issuer’s admin', async () => {
        const a = await licensePractitioner(h, { mspId: 'HospitalMSP', actorId: 'prac-a' }, 'MedicalLicense');
        const b = await licensePractitioner(h, { mspId: 'HospitalMSP', actorId: 'prac-b' }, 'MedicalLicense');
        const c = await licensePractitioner(h, { mspId: 'HospitalMSP', actorId: 'prac-c' }, 'MedicalLicense');
        await h.submit(cast.regulator, 'credentials:SuspendCredential', [b, 'investigation-pending', '']);
        await h.submit(cast.regulator, 'credentials:RevokeCredential', [c, 'disciplinary-action', '']);

        const entries = (
            await h.evaluate(cast.regulator, 'credentials-status:ListStatusListEntries', ['RegulatorMSP', '', ''])
        ).json<Page<StatusListEntry>>();
        const expected = await Promise.all(
            [
                [a, 'active'],
                [b, 'suspended'],
                [c, 'revoked'],
            ].map(async ([id, status]) => ({
                statusListIndex: (await credential(id)).statusListIndex,
                credentialId: id,
                status,
            })),
        );
        expect(entries.items).toEqual(expected.sort((x, y) => x.statusListIndex - y.statusListIndex));

        const paged = (
            await h.evaluate(cast.regulator, 'credentials-status:ListStatusListEntries', ['RegulatorMSP', '2', ''])
        ).json<Page<StatusListEntry>>();
        expect(paged.items).toHaveLength(2);
        expect(paged.bookmark).not.toBe('');

        for (const who of [cast.hospitalAdmin, cast.physician]) {
            await expect(
                h.evaluate(who, 'credentials-status:ListStatusListEntries', ['RegulatorMSP', '', '']),
            ).rejects.toMatchObject({ code: 'FORBIDDEN' });
        }
    });

    it('anchors a published list’s hash by the issuer’s admin, keeping every anchor', async () => {
        const r = await h.submit(cast.regulator, 'credentials-status:AnchorStatusList', [
            'RegulatorMSP',
            'revocation',
            sha,
        ]);
        expect(r.json<StatusListAnchor>()).toMatchObject({
            issuer: 'RegulatorMSP',
            purpose: 'revocation',
            sha256: sha,
            listLength: StatusListLength,
            anchoredAt: '2026-01-01T00:00:00.000Z',
            anchoredBy: { mspId: 'RegulatorMSP', role: 'admin' },
        });
        expect(r.event?.name).toBe('credentials.StatusListAnchored');
        h.advance(3_600_000);
        const newer = 'cd'.repeat(32);
        await h.submit(cast.regulator, 'credentials-status:AnchorStatusList', ['RegulatorMSP', 'revocation', newer]);

        const latest = (
            await h.evaluate(cast.physician, 'credentials-status:GetStatusListAnchor', ['RegulatorMSP', 'revocation'])
        ).json<StatusListAnchor>();
        expect(latest).toMatchObject({ sha256: newer, anchoredAt: '2026-01-01T01:00:00.000Z' });
        const all = (
            await h.evaluate(cast.physician, 'credentials-status:ListStatusListAnchors', [
                'RegulatorMSP',
                'revocation',
                '',
                '',
            ])
        ).json<Page<StatusListAnchor>>();
        expect(all.items.map((a) => a.sha256)).toEqual([sha, newer]);
        await expect(
            h.evaluate(cast.physician, 'credentials-status:GetStatusListAnchor', ['RegulatorMSP', 'suspension']),
        ).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });

    it.each([
        ['another org’s admin', 'hospitalAdmin', 'RegulatorMSP', 'revocation', 'FORBIDDEN', undefined],
        ['a non-admin of the issuer', 'inspector', 'RegulatorMSP', 'revocation', 'FORBIDDEN', undefined],
        ['an unknown purpose', 'regulator', 'RegulatorMSP', 'refresh', 'INVALID_ARGUMENT', 'purpose'],
        ['a malformed issuer', 'regulator', 'Regulator MSP', 'revocation', 'INVALID_ARGUMENT', 'issuer'],
    ] as const)('refuses an anchor by %s', async (_label, who, issuer, purpose, code, field) => {
        const before = h.snapshot();
        await expect(
            h.submit(cast[who], 'credentials-status:AnchorStatusList', [issuer, purpose, sha]),
        ).rejects.toMatchObject({ code, ...(field ? { field } : {}) });
        expect(h.snapshot()).toEqual(before);
    });

    it('refuses an anchor that is not a SHA-256 digest', async () => {
        const before = h.snapshot();
        await expect(
            h.submit(cast.regulator, 'credentials-status:AnchorStatusList', ['RegulatorMSP', 'revocation', 'abc']),
        ).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'sha256',
        });
        expect(h.snapshot()).toEqual(before);
    });
});
