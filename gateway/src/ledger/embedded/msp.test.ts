import { randomBytes, X509Certificate } from 'node:crypto';
import { DevCertificateAuthority, type KeyAndCertificate } from './dev-ca';
import { validateCreator } from './msp';
import { buildProposal, parseProposal, signedProposal, type ParsedProposal } from './proposal';
import { signMessage } from './signing';

/**
 * The creator check keeps certificates whose chain already passed (msp.ts): a certificate
 * accepted once must still be refused when it is claimed for another MSP, used outside its
 * validity period, or presented with a proposal its key did not sign.
 */
describe('validateCreator', () => {
    let roots: Map<string, X509Certificate>;
    let client: KeyAndCertificate;
    let peerNode: KeyAndCertificate;
    let other: KeyAndCertificate;

    beforeAll(async () => {
        const hospital = await DevCertificateAuthority.create('HospitalMSP', 'hospital.careledger.local');
        const distributor = await DevCertificateAuthority.create('DistributorMSP', 'distributor.careledger.local');
        roots = new Map([
            ['HospitalMSP', new X509Certificate(hospital.ca.certificate)],
            ['DistributorMSP', new X509Certificate(distributor.ca.certificate)],
        ]);
        client = await hospital.ca.issue({ name: 'physician1', role: 'physician', actorId: 'prac-1' });
        peerNode = await hospital.ca.issue({ name: 'peer0', type: 'peer' });
        other = await hospital.ca.issue({ name: 'physician2', role: 'physician', actorId: 'prac-2' });
    });

    async function proposal(
        mspId: string,
        certificate: string,
        signingKey: string = client.privateKey,
    ): Promise<ParsedProposal> {
        const { proposalBytes } = buildProposal({
            channel: 'careledger',
            chaincode: 'careledger',
            creator: { mspId, certificate },
            args: ['system:WhoAmI'],
            timestamp: { seconds: 1_800_000_000, nanos: 0 },
            nonce: randomBytes(24),
        });
        const signature = await signMessage({ mspId, certificate, privateKey: signingKey }, proposalBytes);
        return parseProposal(signedProposal(proposalBytes, signature));
    }

    const now = new Date('2027-01-01T00:00:00Z');

    it('accepts a client of the MSP, the first time and again', async () => {
        for (let i = 0; i < 2; i++) {
            const p = await proposal('HospitalMSP', client.certificate);
            expect(() => validateCreator(p, roots, now)).not.toThrow();
        }
    });

    it('refuses a certificate it accepted before when it is claimed for another MSP', async () => {
        const accepted = await proposal('HospitalMSP', client.certificate);
        validateCreator(accepted, roots, now);
        const claimed = await proposal('DistributorMSP', client.certificate);
        expect(() => validateCreator(claimed, roots, now)).toThrow(/not issued by the CA of DistributorMSP/);
    });

    it('refuses a certificate it accepted before outside its validity period', async () => {
        const p = await proposal('HospitalMSP', client.certificate);
        validateCreator(p, roots, now);
        expect(() => validateCreator(p, roots, new Date('2100-01-02T00:00:00Z'))).toThrow(/is not valid at 2100/);
        expect(() => validateCreator(p, roots, new Date('2019-12-31T00:00:00Z'))).toThrow(/is not valid at 2019/);
    });

    it('refuses a proposal that the accepted certificate did not sign', async () => {
        validateCreator(await proposal('HospitalMSP', client.certificate), roots, now);
        const forged = await proposal('HospitalMSP', client.certificate, other.privateKey);
        expect(() => validateCreator(forged, roots, now)).toThrow(/signature does not verify/);
    });

    it('refuses a peer certificate, every time', async () => {
        for (let i = 0; i < 2; i++) {
            const p = await proposal('HospitalMSP', peerNode.certificate, peerNode.privateKey);
            expect(() => validateCreator(p, roots, now)).toThrow(/neither a client nor an admin/);
        }
    });
});
