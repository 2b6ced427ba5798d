import { signers } from '@hyperledger/fabric-gateway';
import { createHash, createPrivateKey } from 'node:crypto';
import { createCsr } from '../../gateway/src/ledger/csr';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway, type RestResponse } from '../scenarios/rest-support';

/**
 * Issue #17 finding 3 and 15, tried from outside on both ledgers: an org admin cannot act as its
 * patients (no token for an existing user without that user's own secret, no gateway-made key
 * for a patient, and a clone certificate carrying the patient's id is refused by the chaincode),
 * and tokens can be revoked by an admin, at once.
 */
jest.setTimeout(240_000);

interface Step {
    id: string;
    stage: 'proposal' | 'transaction' | 'commit' | 'done';
    digest?: string;
    bytes?: string;
    result?: string;
}

describe("an org admin cannot act as the org's patients", () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let admin: string;
    const patientId = 'pat-7c1e04a9'; // patient1, a demo patient of the hospital

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
        admin = await hospital.token('admin');
        // The patient binds their id (and their key) on the ledger, signing with their own key.
        const enrolled = await hospital.call('POST', '/ehr/patients/enrol', {
            token: await hospital.token('patient1'),
        });
        expect(enrolled.status).toBeLessThan(300);
    });
    afterAll(async () => {
        await hospital?.app.close();
        await env?.close();
    });

    it("gets no token for an existing patient (or any existing user) without that user's own secret", async () => {
        for (const user of ['patient1', 'physician1', 'admin']) {
            const answer = await hospital.call('POST', '/auth/enroll', { token: admin, body: { user } });
            expect({ user, status: answer.status }).toEqual({ user, status: 403 });
        }
        const guessed = await hospital.call('POST', '/auth/token', {
            body: { user: 'patient1', secret: `cls_${'A'.repeat(43)}` },
        });
        expect(guessed).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    });

    it('cannot register a patient whose key the gateway would make and hold', async () => {
        const answer = await hospital.call('POST', '/auth/enroll', {
            token: admin,
            body: { user: uniqueId('patient'), role: 'patient', actorId: uniqueId('pat') },
        });
        expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'csr' } });
    });

    it("cannot act through a clone: a second user carrying the patient's id, with the admin's own key", async () => {
        const cloneUser = uniqueId('clone');
        const adminDevice = await createCsr(cloneUser);
        // The org's CA will certify the clone (the CA does not know who the patient is)...
        const issued = await hospital.call<{ token: string; signing: string }>('POST', '/auth/enroll', {
            token: admin,
            body: { user: cloneUser, role: 'patient', actorId: patientId, csr: adminDevice.csrPem },
        });
        expect(issued).toMatchObject({ status: 201, body: { signing: 'offline' } });
        const token = issued.body.token;
        const sign = async (step: Step) => {
            const digest = Buffer.from(step.digest!, 'base64');
            expect(createHash('sha256').update(Buffer.from(step.bytes!, 'base64')).digest().equals(digest)).toBe(true);
            return Buffer.from(
                await signers.newPrivateKeySigner(createPrivateKey(adminDevice.privateKey))(digest),
            ).toString('base64');
        };
        /** Runs an offline transaction signed with the clone's key; the first refusal ends it. */
        const attempt = async (body: object): Promise<RestResponse<{ code?: string }>> => {
            let answer = await hospital.call<Step & { code?: string }>('POST', '/offline/proposals', { token, body });
            while (answer.status < 300 && answer.body.stage !== 'done') {
                answer = await hospital.call<Step & { code?: string }>(
                    'POST',
                    `/offline/proposals/${answer.body.id}/signature`,
                    { token, body: { signature: await sign(answer.body) } },
                );
            }
            return answer;
        };
        // ...but the ledger binds the patient to the patient's key: the clone speaks for no one.
        const delegate = JSON.stringify({ mspId: 'HospitalMSP', actorId: uniqueId('prac') });
        for (const body of [
            { contract: 'ehr', name: 'EnrolPatient' },
            { contract: 'ehr', name: 'NameDelegate', args: [delegate] },
            { contract: 'ehr', name: 'ListDelegates', args: ['10', ''], evaluate: true },
        ]) {
            const refused = await attempt(body);
            expect({ name: body.name, status: refused.status, code: refused.body.code }).toEqual({
                name: body.name,
                status: 403,
                code: 'FORBIDDEN',
            });
        }
        // The patient, signing with their own key, still acts.
        const own = await hospital.call('GET', '/ehr/delegates', { token: await hospital.token('patient1') });
        expect(own.status).toBe(200);
    });
});

describe('tokens: revoked by an admin at once', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
    });
    afterAll(async () => {
        await hospital?.app.close();
        await env?.close();
    });

    it("lets an admin revoke every token of another user, refused on the next request; others can't", async () => {
        const nurse = await hospital.token('nurse1');
        const nurseAgain = hospital.tokens.issue(
            'hospital',
            'nurse1',
            await env.ledger.identities.get('hospital', 'nurse1'),
        );
        expect((await hospital.call('GET', '/system/whoami', { token: nurse })).status).toBe(200);
        const byPhysician = await hospital.call('DELETE', '/auth/users/nurse1/tokens', {
            token: await hospital.token('physician1'),
        });
        expect(byPhysician).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        expect((await hospital.call('GET', '/system/whoami', { token: nurse })).status).toBe(200);
        const revoked = await hospital.call('DELETE', '/auth/users/nurse1/tokens', {
            token: await hospital.token('admin'),
        });
        expect(revoked).toMatchObject({ status: 200, body: { user: 'nurse1', revoked: 2 } });
        for (const token of [nurse, nurseAgain]) {
            expect(await hospital.call('GET', '/system/whoami', { token })).toMatchObject({
                status: 401,
                body: { code: 'UNAUTHENTICATED' },
            });
        }
        expect(
            (await hospital.call('GET', '/system/whoami', { token: await hospital.token('physician1') })).status,
        ).toBe(200);
    });

    it('refuses an expired token with 401', async () => {
        const identity = await env.ledger.identities.get('hospital', 'physician1');
        const expired = hospital.tokens.issue('hospital', 'physician1', identity, {
            now: new Date(Date.now() - 13 * 60 * 60 * 1000),
        });
        expect(await hospital.call('GET', '/system/whoami', { token: expired })).toMatchObject({
            status: 401,
            body: { code: 'UNAUTHENTICATED' },
        });
    });
});
