import { createHash } from 'node:crypto';
import { commitDocument } from '../../gateway/src/credentials';
import { decodeStatusList } from '../../gateway/src/standards/status-list';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { keptDocuments } from '../interop/artefacts';
import { verifyIndependently } from '../interop/vc-verifier';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Credentials through the REST API, one full flow: the regulator licenses a physician, a
 * verifier checks the presented document, the credential is shown as a W3C VC 2.0 whose
 * credentialStatus points at the regulator's published Bitstring Status List, and a
 * suspension shows up in that list.
 */
jest.setTimeout(180_000);

describe('REST: credentials, verifiable credentials and the status list', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let hospital: RestGateway;

    beforeAll(async () => {
        env = await openScenarioLedger();
        regulator = await startGateway(env, 'regulator');
        hospital = await startGateway(env, 'hospital');
    });
    afterAll(async () => {
        await regulator?.app.close();
        await hospital?.app.close();
        await env?.close();
    });

    it('issues, verifies, presents as VC 2.0 and publishes suspension in the status list', async () => {
        const admin = await regulator.token('admin');
        const type = `TestLicense${uniqueId('t').replace(/[^A-Za-z0-9]/g, '')}`;
        expect(
            (
                await regulator.call('POST', '/credentials/issuers', {
                    token: admin,
                    body: { type, mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' },
                })
            ).status,
        ).toBe(201);
        const document = `licence ${uniqueId('doc')}`;
        const { salt, commitment } = commitDocument(document);
        const id = uniqueId('cred');
        const issued = await regulator.call<{ statusListIndex: number; status: string }>('POST', '/credentials', {
            token: admin,
            body: { id, type, subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' }, commitment },
        });
        expect(issued).toMatchObject({ status: 201, body: { status: 'active' } });

        const physician = await hospital.token('physician1');
        const verified = await hospital.call('POST', `/credentials/${id}/verify`, {
            token: physician,
            body: { document: Buffer.from(document).toString('base64'), salt },
        });
        expect(verified.body).toMatchObject({ verdict: 'valid' });
        const forged = await hospital.call('POST', `/credentials/${id}/verify`, {
            token: physician,
            body: { document: Buffer.from('forged').toString('base64'), salt },
        });
        expect(forged.body).toMatchObject({ verdict: 'hash_mismatch' });

        const vc = await hospital.call<{
            credentialStatus: Array<{ statusPurpose: string; statusListCredential: string; statusListIndex: string }>;
            proof: { type: string; cryptosuite: string; verificationMethod: string; proofPurpose: string };
        }>('GET', `/credentials/${id}/vc`, { token: physician });
        expect(vc.headers.get('content-type')).toMatch(/^application\/vc\b/);
        const regulatorDid = `did:web:127.0.0.1%3A${new URL(regulator.url).port}:dids:RegulatorMSP`;
        expect(vc.body).toMatchObject({
            '@context': ['https://www.w3.org/ns/credentials/v2', 'https://careledger.org/ns/credentials/v1'],
            type: ['VerifiableCredential', `https://careledger.org/ns/credentials#${type}`],
            issuer: regulatorDid,
            proof: {
                type: 'DataIntegrityProof',
                cryptosuite: 'ecdsa-rdfc-2019',
                proofPurpose: 'assertionMethod',
                verificationMethod: expect.stringMatching(new RegExp(`^${regulatorDid}#zDn`)),
            },
        });
        // The holder's gateway serves the bytes the issuer's gateway published.
        const atIssuer = await regulator.call('GET', `/credentials/${id}/vc`, { token: admin });
        expect(atIssuer.body).toEqual(vc.body);
        const suspension = vc.body.credentialStatus.find((entry) => entry.statusPurpose === 'suspension')!;
        expect(suspension.statusListIndex).toBe(String(issued.body.statusListIndex));
        const verify = () =>
            hospital.call<{ verified: boolean; problems: Array<{ code: string }> }>('POST', '/credentials/verify', {
                body: { verifiableCredential: vc.body },
            });
        expect((await verify()).body).toEqual({
            verified: true,
            id: `urn:careledger:attestation:${id}`,
            issuer: regulatorDid,
            problems: [],
        });

        const listPath = `/credentials/status/RegulatorMSP/suspension`;
        const bitOf = async (gateway: RestGateway) => {
            const list = await gateway.call<{ credentialSubject: { encodedList: string } }>('GET', listPath);
            expect(list.status).toBe(200);
            return decodeStatusList(list.body.credentialSubject.encodedList).isSet(issued.body.statusListIndex);
        };
        expect(await bitOf(regulator)).toBe(false);
        const suspended = await regulator.call('POST', `/credentials/${id}/suspend`, {
            token: admin,
            body: { code: 'investigation-pending', reference: 'case-1' },
        });
        expect(suspended.body).toMatchObject({ status: 'suspended' });
        // Republished on the suspension, and served by any org's gateway, byte for byte.
        expect(await bitOf(regulator)).toBe(true);
        expect(await bitOf(hospital)).toBe(true);
        const fromRegulator = await fetch(`${regulator.url}${listPath}`).then((r) => r.text());
        const fromHospital = await fetch(`${hospital.url}${listPath}`).then((r) => r.text());
        expect(fromHospital).toBe(fromRegulator);
        const anchor = await hospital.call<{ sha256: string; blockNumber: number; txId: string }>(
            'GET',
            `${listPath}/anchor`,
        );
        expect(anchor.body.sha256).toBe(createHash('sha256').update(fromHospital).digest('hex'));
        expect(anchor.body.blockNumber).toBeGreaterThan(0);
        expect((await verify()).body).toMatchObject({ verified: false, problems: [{ code: 'SUSPENDED' }] });

        const anchored = await regulator.call<{ sha256: string }>('POST', `${listPath}/anchor`, { token: admin });
        expect(anchored.status).toBe(201);
        expect(anchored.body.sha256).toMatch(/^[0-9a-f]{64}$/);
        // Another org's gateway does not sign the regulator's list; the contract refuses a non-admin.
        expect(
            await hospital.call('POST', `${listPath}/anchor`, { token: await hospital.token('admin') }),
        ).toMatchObject({
            status: 403,
        });
        const inspector = await regulator.token('inspector1');
        expect((await regulator.call('POST', `${listPath}/anchor`, { token: inspector })).status).toBe(403);

        // Digital Bazaar's verifier, reaching only these gateways, accepts every signed document given out
        // here (the credential's suspension, which it reads from the list, is its status, not its proof).
        const kept = keptDocuments('vc');
        expect(kept.length).toBeGreaterThanOrEqual(4);
        const suspendedId = `urn:careledger:attestation:${id}`;
        const reports = await verifyIndependently(Object.fromEntries(kept.map((d, i) => [`kept-${i}`, d])), {
            label: 'rest-credentials',
            expected: Object.fromEntries(
                kept.flatMap((d, i) =>
                    (d as { id?: string }).id === suspendedId ? [[`kept-${i}`, 'suspension']] : [],
                ),
            ),
        });
        for (const report of Object.values(reports)) {
            expect(report).toMatchObject({ safeMode: true, proof: true, trusted: true });
            expect(report.status === undefined || report.status === 'clear' || report.status === 'suspension').toBe(
                true,
            );
        }
        expect(Object.values(reports).filter((r) => r.status === 'suspension')).toHaveLength(2);
    });
});
