import { generateIssuingKey } from '../../gateway/src/credentials/issuing-key';
import { commitDocument } from '../../gateway/src/credentials';
import { attestationCredential } from '../../gateway/src/standards/vc';
import { addProof } from '../../gateway/src/standards/vc/data-integrity';
import { issuerDid, verificationMethodId } from '../../gateway/src/standards/vc/did-web';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import { keptDocuments } from './artefacts';
import { verifyIndependently, type ExpectedFailure } from './vc-verifier';

/**
 * W3C VC 2.0 through the gateways, checked by an independent verifier (Digital Bazaar's
 * @digitalbazaar/vc with the ecdsa-rdfc-2019 cryptosuite, tools/validators/vc/verify.mjs) that
 * reaches nothing but these gateways: it resolves the issuer's did:web and the status lists
 * from them. Every credential and presentation the gateways gave out here verifies; a tampered
 * credential, one signed by an unregistered issuer, a suspended and a revoked one, and one of an
 * issuer whose trust the regulator withdrew each fail for their stated reason. The gateway's own
 * verification endpoints agree.
 */
jest.setTimeout(300_000);

type Vc = Record<string, unknown> & {
    id: string;
    issuer: string;
    credentialSubject: Record<string, unknown>;
    proof: Record<string, unknown>;
};

describe('W3C VC 2.0: signed credentials, status lists and presentations, verified independently', () => {
    let env: ScenarioLedger;
    let regulator: RestGateway;
    let hospital: RestGateway;
    let regulatorAdmin: string;
    let hospitalAdmin: string;
    const suffix = uniqueId('v').replace(/[^A-Za-z0-9]/g, '');
    const types = {
        held: `VcHeld${suffix}`,
        suspended: `VcSuspended${suffix}`,
        revoked: `VcRevoked${suffix}`,
        withdrawn: `VcWithdrawn${suffix}`,
    };
    const ids = Object.fromEntries(Object.keys(types).map((k) => [k, uniqueId(`vc-${k}`)])) as Record<
        keyof typeof types,
        string
    >;
    const vcs = {} as Record<keyof typeof types, Vc>;
    const challenge = `c-${uniqueId('challenge')}`;
    const domain = 'https://verifier.example';
    let presentation: Record<string, unknown>;

    beforeAll(async () => {
        env = await openScenarioLedger();
        regulator = await startGateway(env, 'regulator');
        hospital = await startGateway(env, 'hospital');
        regulatorAdmin = await regulator.token('admin');
        hospitalAdmin = await hospital.token('admin');
        for (const [key, type] of Object.entries(types) as Array<[keyof typeof types, string]>) {
            const registered = await regulator.call('POST', '/credentials/issuers', {
                token: regulatorAdmin,
                body: { type, mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' },
            });
            expect(registered.status).toBe(201);
            const issued = await regulator.call('POST', '/credentials', {
                token: regulatorAdmin,
                body: {
                    id: ids[key],
                    type,
                    subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' },
                    commitment: commitDocument(`licence ${ids[key]}`).commitment,
                },
            });
            expect(issued.status).toBe(201);
            // The holder's org gateway serves the signed credential its issuer published on the ledger.
            const vc = await hospital.call<Vc>('GET', `/credentials/${ids[key]}/vc`, { token: hospitalAdmin });
            expect(vc.status).toBe(200);
            expect(vc.headers.get('content-type')).toMatch(/^application\/vc/);
            vcs[key] = vc.body;
        }
        const suspended = await regulator.call('POST', `/credentials/${ids.suspended}/suspend`, {
            token: regulatorAdmin,
            body: { code: 'investigation-pending', reference: 'case-7' },
        });
        expect(suspended.body).toMatchObject({ status: 'suspended' });
        const revoked = await regulator.call('POST', `/credentials/${ids.revoked}/revoke`, {
            token: regulatorAdmin,
            body: { code: 'disciplinary-action', reference: 'case-8' },
        });
        expect(revoked.body).toMatchObject({ status: 'revoked' });
        const withdrawn = await regulator.call(
            'POST',
            `/credentials/issuers/RegulatorMSP/${types.withdrawn}/withdraw`,
            {
                token: regulatorAdmin,
                body: { code: 'disciplinary-action', reference: 'case-9' },
            },
        );
        expect(withdrawn.status).toBe(200);

        const proved = await hospital.call<Record<string, unknown>>('POST', '/presentations/prove', {
            token: hospitalAdmin,
            body: { credentialIds: [ids.held], challenge, domain },
        });
        expect(proved.status).toBe(200);
        expect(proved.headers.get('content-type')).toMatch(/^application\/vp/);
        presentation = proved.body;
        // Both lists, from the holder's gateway (any gateway serves any issuer's list).
        for (const purpose of ['revocation', 'suspension']) {
            expect((await hospital.call('GET', `/credentials/status/RegulatorMSP/${purpose}`)).status).toBe(200);
        }
    });
    afterAll(async () => {
        await regulator?.app.close();
        await hospital?.app.close();
        await env?.close();
    });

    it('every credential, status list and presentation the gateways gave out verifies with Digital Bazaar’s verifier', async () => {
        const kept = keptDocuments('vc');
        expect(kept.length).toBeGreaterThanOrEqual(7);
        const failureOf = (document: unknown): ExpectedFailure | undefined => {
            const id = (document as { id?: string }).id;
            if (id === `urn:careledger:attestation:${ids.suspended}`) return 'suspension';
            if (id === `urn:careledger:attestation:${ids.revoked}`) return 'revocation';
            if (id === `urn:careledger:attestation:${ids.withdrawn}`) return 'registry';
            return undefined;
        };
        const names = kept.map((_, i) => `kept-${i}`);
        const expected = Object.fromEntries(
            names.flatMap((name, i) => (failureOf(kept[i]) ? [[name, failureOf(kept[i])!]] : [])),
        );
        const reports = await verifyIndependently(Object.fromEntries(names.map((name, i) => [name, kept[i]])), {
            challenge,
            domain,
            label: 'vc-interop-kept',
            expected,
        });
        for (const name of names) {
            const report = reports[name];
            // Safe mode and the signature with the ledger-bound key: always.
            expect({ name, safeMode: report.safeMode, proof: report.proof }).toEqual({
                name,
                safeMode: true,
                proof: true,
            });
            const failure = expected[name];
            if (failure === undefined) {
                expect({ name, verified: report.verified, errors: report.errors }).toEqual({
                    name,
                    verified: true,
                    errors: [],
                });
            } else if (failure === 'registry') {
                expect(report).toMatchObject({ verified: false, trusted: false });
                expect(report.errors.join(' ')).toMatch(/registry does not trust RegulatorMSP/);
            } else {
                expect(report).toMatchObject({ verified: false, status: failure, trusted: true });
            }
        }
        expect(Object.values(expected).sort()).toEqual(['registry', 'revocation', 'suspension']);
        const vp = Object.values(reports).find((r) => r.kind === 'vp');
        expect(vp).toMatchObject({ verified: true, proof: true });
    });

    it('a tampered credential, an unregistered issuer’s, a suspended and a revoked one fail for their reason', async () => {
        const port = new URL(regulator.url).port;
        const rogueKey = generateIssuingKey();
        const rogueDid = issuerDid(regulator.url, 'RogueMSP');
        const rogue = await addProof(
            attestationCredential(
                {
                    id: uniqueId('rogue'),
                    type: 'MedicalLicense',
                    issuerMspId: 'RogueMSP',
                    subjectId: 'HospitalMSP:prac-hosp-0002',
                    claims: { documentCommitment: 'a'.repeat(64), version: 1 },
                    validFrom: '2026-01-01T00:00:00Z',
                    statusListIndex: 7,
                },
                { baseUrl: regulator.url },
            ) as Record<string, unknown> & { '@context': unknown },
            rogueKey.privateKey,
            {
                verificationMethod: verificationMethodId(rogueDid, rogueKey.publicKeyMultibase),
                proofPurpose: 'assertionMethod',
                created: '2026-12-05T08:00:00Z',
            },
        );
        expect(rogueDid).toBe(`did:web:127.0.0.1%3A${port}:dids:RogueMSP`);
        const tampered = { ...vcs.held, credentialSubject: { ...vcs.held.credentialSubject, version: 2 } };
        const wrongChallenge = await verifyIndependently(
            { vp: presentation },
            { challenge: 'another-challenge', domain, label: 'vc-controls-challenge', control: true },
        );
        const reports = await verifyIndependently(
            {
                held: vcs.held,
                tampered,
                rogue,
                suspended: vcs.suspended,
                revoked: vcs.revoked,
                withdrawn: vcs.withdrawn,
            },
            { label: 'vc-controls', control: true },
        );
        expect(reports.held).toMatchObject({ verified: true, proof: true, status: 'clear', trusted: true });
        expect(reports.tampered).toMatchObject({ verified: false, proof: false });
        expect(reports.tampered.errors.join(' ')).toMatch(/Invalid signature/);
        expect(reports.rogue).toMatchObject({ verified: false, proof: false });
        expect(reports.rogue.errors.join(' ')).toMatch(/dids\/RogueMSP\/did\.json answered 404/);
        expect(reports.suspended).toMatchObject({ verified: false, proof: true, trusted: true, status: 'suspension' });
        expect(reports.revoked).toMatchObject({ verified: false, proof: true, trusted: true, status: 'revocation' });
        expect(reports.withdrawn).toMatchObject({ verified: false, proof: true, trusted: false });
        expect(wrongChallenge.vp).toMatchObject({ verified: false, proof: false });
        expect(wrongChallenge.vp.errors.join(' ')).toMatch(/challenge/);

        // The gateway's own verifier (ledger-backed) gives the same verdicts, with typed codes.
        const verify = async (credential: unknown) =>
            (
                await hospital.call<{ verified: boolean; problems: Array<{ code: string }> }>(
                    'POST',
                    '/credentials/verify',
                    {
                        body: { verifiableCredential: credential },
                    },
                )
            ).body;
        expect(await verify(vcs.held)).toMatchObject({ verified: true, problems: [] });
        expect(await verify(tampered)).toMatchObject({ verified: false, problems: [{ code: 'PROOF_INVALID' }] });
        expect(await verify(rogue)).toMatchObject({ verified: false, problems: [{ code: 'ISSUER_KEY_UNKNOWN' }] });
        expect(await verify(vcs.suspended)).toMatchObject({ verified: false, problems: [{ code: 'SUSPENDED' }] });
        expect(await verify(vcs.revoked)).toMatchObject({ verified: false, problems: [{ code: 'REVOKED' }] });
        expect(await verify(vcs.withdrawn)).toMatchObject({
            verified: false,
            problems: [{ code: 'ISSUER_NOT_TRUSTED' }],
        });
        const verifyVp = async (expectedChallenge: string) =>
            (
                await regulator.call<{ verified: boolean; problems: Array<{ code: string }> }>(
                    'POST',
                    '/presentations/verify',
                    {
                        body: {
                            verifiablePresentation: presentation,
                            options: { challenge: expectedChallenge, domain },
                        },
                    },
                )
            ).body;
        expect(await verifyVp(challenge)).toMatchObject({ verified: true, problems: [] });
        expect(await verifyVp('replayed-elsewhere')).toMatchObject({
            verified: false,
            problems: [{ code: 'CHALLENGE_MISMATCH' }],
        });
    });

    it('serves the issuer DID document, CareLedger’s context and the status list anchor from any gateway', async () => {
        const did = vcs.held.issuer;
        type DidDocument = {
            id: string;
            assertionMethod: string[];
            verificationMethod: Array<{ publicKeyMultibase: string }>;
        };
        const document = (await fetch(`${regulator.url}/dids/RegulatorMSP/did.json`).then((r) =>
            r.json(),
        )) as DidDocument;
        // Every key the org bound and has not retired is listed: on a shared Fabric ledger, gateways of earlier
        // test files (like an org's replicas) bound theirs too. The one that signed must be among them.
        expect(document.id).toBe(did);
        expect(document.assertionMethod).toEqual(expect.arrayContaining([vcs.held.proof.verificationMethod]));
        const elsewhere = (await fetch(`${hospital.url}/dids/RegulatorMSP/did.json`).then((r) =>
            r.json(),
        )) as DidDocument;
        expect(elsewhere.verificationMethod.map((m: { publicKeyMultibase: string }) => m.publicKeyMultibase)).toEqual(
            document.verificationMethod.map((m: { publicKeyMultibase: string }) => m.publicKeyMultibase),
        );
        expect((await fetch(`${hospital.url}/dids/RogueMSP/did.json`)).status).toBe(404);
        const context = await fetch(`${hospital.url}/ns/credentials/v1`);
        expect(context.headers.get('content-type')).toMatch(/^application\/ld\+json/);
        expect(Object.keys(((await context.json()) as { '@context': object })['@context'])).toEqual(
            expect.arrayContaining(['documentCommitment', 'LedgerTransaction']),
        );
        const anchor = await hospital.call<{ sha256: string; blockNumber: number }>(
            'GET',
            '/credentials/status/RegulatorMSP/revocation/anchor',
        );
        expect(anchor.body).toMatchObject({
            issuer: 'RegulatorMSP',
            purpose: 'revocation',
            blockNumber: expect.any(Number),
        });
        // A presentation is made only by the holder's side: not by another org's gateway.
        const foreign = await regulator.call('POST', '/presentations/prove', {
            token: regulatorAdmin,
            body: { credentialIds: [ids.held], challenge, domain },
        });
        expect(foreign.status).toBe(403);
        const nurse = await hospital.call('POST', '/presentations/prove', {
            token: await hospital.token('nurse1'),
            body: { credentialIds: [ids.held], challenge, domain },
        });
        expect(nurse.status).toBe(403);
    });
});
