import { createHash } from 'node:crypto';
import { ContractHarness } from '@careledger/testing';
import { credentialsCast } from '../../../test/fixtures/credentials';
import type { Page } from '../common/pagination';
import type { IssuerKey, PublishedCredential, PublishedStatusList, StatusListAnchor } from './types';

/**
 * What the ledger keeps for W3C VC 2.0: the org issuing keys behind issuer DIDs, the signed
 * status list credentials and credentials as their issuers published them, and the anchors.
 * Each rule with the attempt to get around it; a refused call leaves the ledger unchanged.
 */
const key = 'zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169';
const otherKey = 'zDnaeTiq1PdzvZAFp5G3EfSKvrVPbT2aBv3wY9HDBxJsAfPKm';
const list = (issuer: string, purpose: string, extra: object = {}) =>
    JSON.stringify({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: `did:web:127.0.0.1%3A1:dids:${issuer}`,
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: purpose, encodedList: 'uH4sI' },
        proof: { type: 'DataIntegrityProof', proofValue: 'z1' },
        ...extra,
    });

describe('credentials: issuer keys, published status lists and credentials', () => {
    let h: ContractHarness;
    let cast: ReturnType<typeof credentialsCast>;

    beforeEach(async () => {
        h = await ContractHarness.create();
        h.setTime('2026-01-01T00:00:00Z');
        cast = credentialsCast(h);
    });

    it("binds a key to the admin's own org, lists it for everyone, refuses a second binding and retires it", async () => {
        const bound = (
            await h.submit(cast.hospitalAdmin, 'credentials-issuers:BindIssuerKey', [key])
        ).json<IssuerKey>();
        expect(bound).toMatchObject({ mspId: 'HospitalMSP', publicKeyMultibase: key, status: 'active' });
        const listed = await h.evaluate(cast.physician, 'credentials-issuers:ListIssuerKeys', ['HospitalMSP', '', '']);
        expect(listed.json<Page<IssuerKey>>().items).toEqual([bound]);
        await expect(h.submit(cast.hospitalAdmin, 'credentials-issuers:BindIssuerKey', [key])).rejects.toMatchObject({
            code: 'CONFLICT',
        });
        const retired = await h.submit(cast.hospitalAdmin, 'credentials-issuers:RetireIssuerKey', [key]);
        expect(retired.json<IssuerKey>()).toMatchObject({ status: 'retired', retiredAt: '2026-01-01T00:00:00.000Z' });
        // Another org's admin cannot retire it: the key is looked up under the caller's own org.
        await h.submit(cast.clinicAdmin, 'credentials-issuers:BindIssuerKey', [otherKey]);
        await expect(h.submit(cast.clinicAdmin, 'credentials-issuers:RetireIssuerKey', [key])).rejects.toMatchObject({
            code: 'NOT_FOUND',
        });
    });

    it('refuses a non-admin binding a key, and a key that is not a P-256 Multikey, leaving the ledger unchanged', async () => {
        const before = h.snapshot();
        await expect(h.submit(cast.physician, 'credentials-issuers:BindIssuerKey', [key])).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        for (const bad of ['z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', `${key}1`, 'not-a-key', '']) {
            await expect(
                h.submit(cast.hospitalAdmin, 'credentials-issuers:BindIssuerKey', [bad]),
            ).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'publicKeyMultibase',
            });
        }
        expect(h.snapshot()).toEqual(before);
    });

    it('keeps a published status list whole, anchors the SHA-256 of its bytes and records its block once', async () => {
        const text = list('RegulatorMSP', 'revocation');
        const anchor = (
            await h.submit(cast.regulator, 'credentials-status:PublishStatusList', ['RegulatorMSP', 'revocation', text])
        ).json<StatusListAnchor>();
        expect(anchor.sha256).toBe(createHash('sha256').update(text).digest('hex'));
        const read = await h.evaluate(cast.clinicAdmin, 'credentials-status:GetStatusListCredential', [
            'RegulatorMSP',
            'revocation',
        ]);
        expect(read.json<PublishedStatusList>()).toEqual({ credential: text, anchor });
        const recorded = await h.submit(cast.regulator, 'credentials-status:RecordStatusListBlock', [
            'RegulatorMSP',
            'revocation',
            anchor.txId,
            '42',
        ]);
        expect(recorded.json<StatusListAnchor>().blockNumber).toBe(42);
        const latest = await h.evaluate(cast.physician, 'credentials-status:GetStatusListAnchor', [
            'RegulatorMSP',
            'revocation',
        ]);
        expect(latest.json<StatusListAnchor>().blockNumber).toBe(42);
        await expect(
            h.submit(cast.regulator, 'credentials-status:RecordStatusListBlock', [
                'RegulatorMSP',
                'revocation',
                anchor.txId,
                '43',
            ]),
        ).rejects.toMatchObject({ code: 'CONFLICT', field: 'blockNumber' });
        await expect(
            h.submit(cast.regulator, 'credentials-status:RecordStatusListBlock', [
                'RegulatorMSP',
                'revocation',
                'other-tx',
                '43',
            ]),
        ).rejects.toMatchObject({ code: 'CONFLICT', field: 'txId' });
    });

    it("refuses publishing another org's list, an unsigned one, one of the wrong purpose or issuer", async () => {
        const before = h.snapshot();
        const publish = (who: typeof cast.regulator, issuer: string, purpose: string, text: string) =>
            h.submit(who, 'credentials-status:PublishStatusList', [issuer, purpose, text]);
        await expect(
            publish(cast.hospitalAdmin, 'RegulatorMSP', 'revocation', list('RegulatorMSP', 'revocation')),
        ).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        await expect(
            publish(cast.inspector, 'RegulatorMSP', 'revocation', list('RegulatorMSP', 'revocation')),
        ).rejects.toMatchObject({
            code: 'FORBIDDEN',
        });
        const cases: Array<[string, string]> = [
            [list('RegulatorMSP', 'revocation', { proof: undefined }), 'credential.proof'],
            [list('RegulatorMSP', 'suspension'), 'credential.credentialSubject.statusPurpose'],
            [list('HospitalMSP', 'revocation'), 'credential.issuer'],
            [list('RegulatorMSP', 'revocation', { type: ['VerifiableCredential'] }), 'credential.type'],
            ['not json', 'credential'],
        ];
        for (const [text, field] of cases) {
            await expect(publish(cast.regulator, 'RegulatorMSP', 'revocation', text)).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field,
            });
        }
        expect(h.snapshot()).toEqual(before);
    });

    it("keeps a credential's signed VC once, published only by its issuer's admin, readable by every member", async () => {
        await h.submit(cast.regulator, 'credentials-issuers:RegisterIssuer', [
            JSON.stringify({
                type: 'MedicalLicense',
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            }),
        ]);
        await h.submit(cast.regulator, 'credentials:IssueCredential', [
            JSON.stringify({
                id: 'lic-1',
                type: 'MedicalLicense',
                subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
                commitment: 'a'.repeat(64),
            }),
        ]);
        const vc = (extra: object = {}) =>
            JSON.stringify({
                id: 'urn:careledger:attestation:lic-1',
                issuer: 'did:web:127.0.0.1%3A1:dids:RegulatorMSP',
                proof: { type: 'DataIntegrityProof' },
                ...extra,
            });
        const before = h.snapshot();
        const publish = (who: typeof cast.regulator, text: string, id = 'lic-1') =>
            h.submit(who, 'credentials-status:PublishCredentialDocument', [id, text]);
        await expect(publish(cast.hospitalAdmin, vc())).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(publish(cast.inspector, vc())).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await expect(publish(cast.regulator, vc({ id: 'urn:careledger:attestation:lic-2' }))).rejects.toMatchObject({
            field: 'credential.id',
        });
        await expect(publish(cast.regulator, vc({ issuer: 'did:web:x:dids:HospitalMSP' }))).rejects.toMatchObject({
            field: 'credential.issuer',
        });
        await expect(publish(cast.regulator, vc({ proof: undefined }))).rejects.toMatchObject({
            field: 'credential.proof',
        });
        await expect(publish(cast.regulator, vc(), 'lic-unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(h.snapshot()).toEqual(before);
        await publish(cast.regulator, vc());
        const read = await h.evaluate(cast.physician2, 'credentials-status:GetCredentialDocument', ['lic-1']);
        expect(read.json<PublishedCredential>()).toMatchObject({ credentialId: 'lic-1', credential: vc() });
        await expect(publish(cast.regulator, vc({ extra: 1 }))).rejects.toMatchObject({ code: 'CONFLICT' });
    });
});
