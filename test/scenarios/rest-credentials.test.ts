import { commitDocument } from '../../gateway/src/credentials';
import { decodeStatusList } from '../../gateway/src/standards/status-list';
import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
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
        }>('GET', `/credentials/${id}/vc`, { token: physician });
        expect(vc.body).toMatchObject({
            '@context': ['https://www.w3.org/ns/credentials/v2'],
            type: ['VerifiableCredential', type],
            issuer: 'urn:careledger:org:RegulatorMSP',
        });
        const suspension = vc.body.credentialStatus.find((entry) => entry.statusPurpose === 'suspension')!;
        expect(suspension.statusListIndex).toBe(String(issued.body.statusListIndex));

        const listPath = `/credentials/status/RegulatorMSP/suspension`;
        const bitOf = async () => {
            const list = await regulator.call<{ credentialSubject: { encodedList: string } }>('GET', listPath);
            return decodeStatusList(list.body.credentialSubject.encodedList).isSet(issued.body.statusListIndex);
        };
        expect(await bitOf()).toBe(false);
        const suspended = await regulator.call('POST', `/credentials/${id}/suspend`, {
            token: admin,
            body: { code: 'investigation-pending', reference: 'case-1' },
        });
        expect(suspended.body).toMatchObject({ status: 'suspended' });
        expect(await bitOf()).toBe(true);
        const anchored = await regulator.call<{ sha256: string }>('POST', `${listPath}/anchor`, { token: admin });
        expect(anchored.status).toBe(201);
        expect(anchored.body.sha256).toMatch(/^[0-9a-f]{64}$/);

        const elsewhere = await hospital.call('GET', listPath);
        expect(elsewhere).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });
});
