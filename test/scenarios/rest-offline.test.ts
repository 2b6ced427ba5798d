import { signers } from '@hyperledger/fabric-gateway';
import { createHash, createPrivateKey, verify, X509Certificate } from 'node:crypto';
import type { DigestSigner } from '../../gateway/src/ledger';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Patients keep their keys: the gateway holds only patient1's certificate, prepares each
 * transaction, and the "device" (this test, holding the key) signs every digest. The
 * signatures are ECDSA P-256 over the SHA-256 digest, DER-encoded, checked here with Node's
 * crypto against the certificate before they are sent.
 */
jest.setTimeout(180_000);

interface Step {
    id: string;
    transactionId: string;
    stage: 'proposal' | 'transaction' | 'commit' | 'done';
    digest?: string;
    bytes?: string;
    result?: string;
    blockNumber?: string;
}

/** A user's signer as their own device holds it: the directory's signer, or one over their key file. */
async function deviceSignerOf(env: ScenarioLedger, user: string): Promise<DigestSigner> {
    const identity = await env.ledger.identities.get('hospital', user);
    return identity.signer ?? signers.newPrivateKeySigner(createPrivateKey(identity.privateKey!));
}

describe('REST: offline signing', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let token: string;
    let deviceSign: DigestSigner;
    let certificate: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
        // The device: the patient's own key, never sent to the gateway.
        const device = await env.ledger.identities.get('hospital', 'patient1');
        certificate = device.certificate;
        deviceSign = await deviceSignerOf(env, 'patient1');
        const enrolled = await hospital.call<{ token: string; signing: string }>('POST', '/auth/enroll', {
            token: await hospital.token('admin'),
            body: { user: 'patient1', certificate },
        });
        expect(enrolled).toMatchObject({ status: 201, body: { signing: 'offline' } });
        token = enrolled.body.token;
    });
    afterAll(async () => {
        await hospital?.app.close();
        await env?.close();
    });

    /** Signs like a patient's device would, after checking the digest is the SHA-256 of the bytes. */
    async function sign(step: Step): Promise<string> {
        const bytes = Buffer.from(step.bytes!, 'base64');
        const digest = Buffer.from(step.digest!, 'base64');
        expect(createHash('sha256').update(bytes).digest().equals(digest)).toBe(true);
        const signature = Buffer.from(await deviceSign(digest));
        expect(verify('sha256', bytes, new X509Certificate(certificate).publicKey, signature)).toBe(true);
        return signature.toString('base64');
    }

    async function run(body: object): Promise<Step> {
        let step = (await hospital.call<Step>('POST', '/offline/proposals', { token, body })).body;
        const stages: string[] = [step.stage];
        while (step.stage !== 'done') {
            const next = await hospital.call<Step>('POST', `/offline/proposals/${step.id}/signature`, {
                token,
                body: { signature: await sign(step) },
            });
            expect(next.status).toBe(200);
            step = next.body;
            stages.push(step.stage);
        }
        return { ...step, stage: stages.join('>') as Step['stage'] };
    }

    it('the gateway holds the certificate only and cannot sign for the patient', async () => {
        const grant = hospital.tokens.resolve(token)!;
        expect(grant.identity.privateKey).toBeUndefined();
        expect(grant.offline).toBe(true);
        expect((await hospital.call('GET', '/auth/me', { token })).body).toMatchObject({ signing: 'offline' });
        expect((await hospital.call('GET', '/system/whoami', { token })).status).toBe(401);
    });

    it('submits a transaction signed on the device: proposal, transaction and commit status', async () => {
        const enrolled = await run({ contract: 'ehr', name: 'EnrolPatient' });
        expect(enrolled.stage).toBe('proposal>transaction>commit>done');
        expect(JSON.parse(Buffer.from(enrolled.result!, 'base64').toString())).toMatchObject({
            patientId: 'pat-7c1e04a9',
        });
        expect(Number(enrolled.blockNumber)).toBeGreaterThan(0);

        const consentId = uniqueId('consent');
        const consent = {
            id: consentId,
            grantee: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' },
            scope: { kind: 'all' },
            purposes: ['TREAT'],
            period: { end: new Date(Date.now() + 3_600_000).toISOString() },
        };
        const granted = await run({ contract: 'ehr-consent', name: 'GrantConsent', args: [JSON.stringify(consent)] });
        expect(JSON.parse(Buffer.from(granted.result!, 'base64').toString())).toMatchObject({
            id: consentId,
            grantedBy: { actorId: 'pat-7c1e04a9' },
        });
        // Revoked the same way, signed on the device: an org-wide consent to physician1 must not outlive this test
        // on a shared ledger (it would admit physician1 to patient1's records in every later test file).
        const revoked = await run({ contract: 'ehr-consent', name: 'RevokeConsent', args: [consentId] });
        expect(revoked.stage).toBe('proposal>transaction>commit>done');
        expect(JSON.parse(Buffer.from(revoked.result!, 'base64').toString())).toMatchObject({
            id: consentId,
            status: 'inactive',
            revokedBy: { actorId: 'pat-7c1e04a9' },
        });
    });

    it('evaluates a query signed on the device', async () => {
        const who = await run({ contract: 'system', name: 'WhoAmI', evaluate: true });
        expect(who.stage).toBe('proposal>done');
        expect(JSON.parse(Buffer.from(who.result!, 'base64').toString())).toMatchObject({
            role: 'patient',
            actorId: 'pat-7c1e04a9',
        });
    });

    it('refuses a signature by another key, and another user continuing the transaction', async () => {
        const prepared = (
            await hospital.call<Step>('POST', '/offline/proposals', {
                token,
                body: { contract: 'ehr', name: 'EnrolPatient' },
            })
        ).body;
        const intruder = await hospital.call('POST', `/offline/proposals/${prepared.id}/signature`, {
            token: await hospital.token('physician1'),
            body: { signature: await sign(prepared) },
        });
        expect(intruder).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });

        const otherSigner = await deviceSignerOf(env, 'patient2');
        const forged = await hospital.call('POST', `/offline/proposals/${prepared.id}/signature`, {
            token,
            body: {
                signature: Buffer.from(await otherSigner(Buffer.from(prepared.digest!, 'base64'))).toString('base64'),
            },
        });
        expect(forged.status).toBeGreaterThanOrEqual(400);
        expect(forged.status).not.toBe(404);
    });
});
