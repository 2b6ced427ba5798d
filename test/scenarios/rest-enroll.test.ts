import { signers } from '@hyperledger/fabric-gateway';
import { createHash, createPrivateKey, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { createCsr } from '../../gateway/src/ledger/csr';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import { startGateway, type RestGateway } from './rest-support';

/**
 * Enrolment through the org's CA, over REST: the hospital's admin registers a new nurse and
 * gets her token; the token acts as exactly that nurse, as her certificate says; a patient's
 * device sends only a CSR, gets its certificate back, and signs every transaction itself.
 * On Fabric the users are registered with the hospital's real Fabric CA.
 */
jest.setTimeout(180_000);

interface Issued {
    token: string;
    org: string;
    user: string;
    mspId: string;
    signing: 'gateway' | 'offline';
    registered?: boolean;
    certificate?: string;
    secret?: string;
}

interface Who {
    mspId: string;
    id: string;
    role?: string;
    actorId?: string;
}

interface Step {
    id: string;
    stage: 'proposal' | 'transaction' | 'commit' | 'done';
    digest?: string;
    bytes?: string;
    result?: string;
}

describe('REST: enrolment through the org CA', () => {
    let env: ScenarioLedger;
    let hospital: RestGateway;
    let manufacturer: RestGateway;
    let admin: string;
    const nurse = { user: uniqueId('nurse'), role: 'nurse', actorId: uniqueId('prac-hosp') };
    let nurseToken: string;

    beforeAll(async () => {
        env = await openScenarioLedger();
        hospital = await startGateway(env, 'hospital');
        manufacturer = await startGateway(env, 'manufacturer');
        admin = await hospital.token('admin');
    });
    afterAll(async () => {
        await hospital?.app.close();
        await manufacturer?.app.close();
        await env?.close();
    });

    it('registers a new nurse and returns a token that acts as her, role and id from her certificate', async () => {
        const issued = await hospital.call<Issued>('POST', '/auth/enroll', { token: admin, body: nurse });
        expect(issued).toMatchObject({
            status: 201,
            body: { user: nurse.user, org: 'hospital', mspId: 'HospitalMSP', signing: 'gateway', registered: true },
        });
        nurseToken = issued.body.token;
        const who = await hospital.call<Who>('GET', '/system/whoami', { token: nurseToken });
        expect(who).toMatchObject({
            status: 200,
            body: { mspId: 'HospitalMSP', role: 'nurse', actorId: nurse.actorId },
        });
        expect(who.body.id).toContain(`CN=${nurse.user}`);
        expect((await hospital.call('GET', '/auth/me', { token: nurseToken })).body).toMatchObject({
            user: nurse.user,
            signing: 'gateway',
        });
        // A new token for her needs her own secret, shown once at registration: the admin's token is not enough.
        expect(issued.body.secret).toMatch(/^cls_/);
        const byAdmin = await hospital.call('POST', '/auth/enroll', { token: admin, body: { user: nurse.user } });
        expect(byAdmin).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        const again = await hospital.call<Issued>('POST', '/auth/token', {
            body: { user: nurse.user, secret: issued.body.secret },
        });
        expect(again).toMatchObject({ status: 201, body: { registered: false, signing: 'gateway' } });
        const whoAgain = await hospital.call<Who>('GET', '/system/whoami', { token: again.body.token });
        expect(whoAgain.body).toMatchObject({ role: 'nurse', actorId: nurse.actorId });
    });

    it('keeps every other token from acting as her, and her token from acting as anyone else', async () => {
        const nurseWho = (await hospital.call<Who>('GET', '/system/whoami', { token: nurseToken })).body;
        const physicianToken = await hospital.token('physician1');
        const asNurse = await hospital.call<Who>('GET', '/system/whoami', {
            token: physicianToken,
            headers: { 'x-careledger-user': nurse.user, 'x-user': nurse.user },
        });
        expect(asNurse.body).toMatchObject({ role: 'physician', actorId: 'prac-hosp-0001' });
        expect(asNurse.body.id).not.toBe(nurseWho.id);
        const adminWho = (await hospital.call<Who>('GET', '/system/whoami', { token: admin })).body;
        expect(adminWho.id).not.toBe(nurseWho.id);
        const asPhysician = await hospital.call<Who>('GET', '/system/whoami', {
            token: nurseToken,
            headers: { 'x-careledger-user': 'physician1' },
        });
        expect(asPhysician.body).toMatchObject({ role: 'nurse', actorId: nurse.actorId });
        // Her token enrols no one, and is no token at all at another org's gateway.
        const byNurse = await hospital.call('POST', '/auth/enroll', {
            token: nurseToken,
            body: { user: uniqueId('nurse'), role: 'nurse', actorId: uniqueId('prac') },
        });
        expect(byNurse).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        expect((await manufacturer.call('GET', '/system/whoami', { token: nurseToken })).status).toBe(401);
    });

    it('refuses non-admins with 403 and names already registered with 409', async () => {
        const physician = await hospital.call('POST', '/auth/enroll', {
            token: await hospital.token('physician1'),
            body: { user: uniqueId('nurse'), role: 'nurse', actorId: uniqueId('prac') },
        });
        expect(physician).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
        const twice = await hospital.call('POST', '/auth/enroll', { token: admin, body: nurse });
        expect(twice).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
        const demoUser = await hospital.call('POST', '/auth/enroll', {
            token: admin,
            body: { user: 'physician1', role: 'physician', actorId: uniqueId('prac') },
        });
        expect(demoUser).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
        // The other org's admin registers in the other org only: the same name is free there.
        const elsewhere = await manufacturer.call<Issued>('POST', '/auth/enroll', {
            token: await manufacturer.token('admin'),
            body: { user: nurse.user, role: 'operator', actorId: uniqueId('op-mfr') },
        });
        expect(elsewhere).toMatchObject({ status: 201, body: { mspId: 'ManufacturerMSP' } });
        const operator = await manufacturer.call<Who>('GET', '/system/whoami', { token: elsewhere.body.token });
        expect(operator.body).toMatchObject({ mspId: 'ManufacturerMSP', role: 'operator' });
    });

    it('answers incomplete or contradictory requests with 400 naming the field', async () => {
        const cases: Array<[object, string]> = [
            [{ user: uniqueId('u'), role: 'nurse' }, 'actorId'],
            [{ user: uniqueId('u'), actorId: uniqueId('prac') }, 'role'],
            [{ user: uniqueId('u'), role: 'surgeon', actorId: uniqueId('prac') }, 'body.role'],
            [{ user: '../etc', role: 'nurse', actorId: uniqueId('prac') }, 'body.user'],
            [{ user: uniqueId('u'), csr: 'x' }, 'role'],
        ];
        for (const [body, field] of cases) {
            const answer = await hospital.call('POST', '/auth/enroll', { token: admin, body });
            expect({ body, answer: answer.body }).toMatchObject({ answer: { code: 'INVALID_ARGUMENT', field } });
            expect(answer.status).toBe(400);
        }
    });

    describe("a patient's device with its own key", () => {
        const patient = { user: uniqueId('patient-device'), role: 'patient', actorId: uniqueId('pat') };
        let device: { csrPem: string; privateKey: string };
        let token: string;
        let certificate: string;

        async function sign(step: Step): Promise<string> {
            const bytes = Buffer.from(step.bytes!, 'base64');
            const digest = Buffer.from(step.digest!, 'base64');
            expect(createHash('sha256').update(bytes).digest().equals(digest)).toBe(true);
            const signature = await signers.newPrivateKeySigner(createPrivateKey(device.privateKey))(digest);
            return Buffer.from(signature).toString('base64');
        }

        async function run(body: object): Promise<{ stages: string; result: unknown }> {
            let step = (await hospital.call<Step>('POST', '/offline/proposals', { token, body })).body;
            const stages = [step.stage];
            while (step.stage !== 'done') {
                const next = await hospital.call<Step>('POST', `/offline/proposals/${step.id}/signature`, {
                    token,
                    body: { signature: await sign(step) },
                });
                expect(next.status).toBe(200);
                step = next.body;
                stages.push(step.stage);
            }
            return { stages: stages.join('>'), result: JSON.parse(Buffer.from(step.result!, 'base64').toString()) };
        }

        it('refuses a CSR made for another name, and leaves the name free', async () => {
            const wrong = await createCsr('someone-else');
            const refused = await hospital.call('POST', '/auth/enroll', {
                token: admin,
                body: { ...patient, csr: wrong.csrPem },
            });
            expect(refused).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT', field: 'csr' } });
        });

        it('sends only a CSR and gets its certificate and a token bound to it', async () => {
            device = await createCsr(patient.user);
            const issued = await hospital.call<Issued>('POST', '/auth/enroll', {
                token: admin,
                body: { ...patient, csr: device.csrPem },
            });
            expect(issued).toMatchObject({ status: 201, body: { signing: 'offline', registered: true } });
            token = issued.body.token;
            certificate = issued.body.certificate!;
            const certified = new X509Certificate(certificate);
            expect(certified.subject).toContain(`CN=${patient.user}`);
            expect(
                certified.publicKey
                    .export({ type: 'spki', format: 'der' })
                    .equals(createPublicKey(device.privateKey).export({ type: 'spki', format: 'der' })),
            ).toBe(true);
            const grant = hospital.tokens.resolve(token)!;
            expect(grant).toMatchObject({ offline: true, identity: { certificate } });
            expect(grant.identity.privateKey).toBeUndefined();
            // Nothing on the server can sign for the device: the directory has its certificate only.
            const stored = await env.ledger.identities.get('hospital', patient.user);
            expect(stored).toEqual({ mspId: 'HospitalMSP', certificate: expect.any(String) });
            expect((await hospital.call('GET', '/system/whoami', { token })).status).toBe(401);
        });

        it('signs on the device: a query and a committed transaction act as the certified patient', async () => {
            const who = await run({ contract: 'system', name: 'WhoAmI', evaluate: true });
            expect(who).toMatchObject({
                stages: 'proposal>done',
                result: { mspId: 'HospitalMSP', role: 'patient', actorId: patient.actorId },
            });
            const enrolled = await run({ contract: 'ehr', name: 'EnrolPatient' });
            expect(enrolled).toMatchObject({
                stages: 'proposal>transaction>commit>done',
                result: { patientId: patient.actorId },
            });
        });

        it("refuses another key's signature for the device's transaction", async () => {
            const prepared = (
                await hospital.call<Step>('POST', '/offline/proposals', {
                    token,
                    body: { contract: 'system', name: 'WhoAmI', evaluate: true },
                })
            ).body;
            const intruder = await createCsr(patient.user);
            const digest = Buffer.from(prepared.digest!, 'base64');
            const forged = await signers.newPrivateKeySigner(createPrivateKey(intruder.privateKey))(digest);
            expect(
                verify(
                    'sha256',
                    Buffer.from(prepared.bytes!, 'base64'),
                    new X509Certificate(certificate).publicKey,
                    forged,
                ),
            ).toBe(false);
            const answer = await hospital.call('POST', `/offline/proposals/${prepared.id}/signature`, {
                token,
                body: { signature: Buffer.from(forged).toString('base64') },
            });
            expect(answer.status).toBeGreaterThanOrEqual(400);
            expect(answer.status).not.toBe(404);
        });
    });
});
