import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { signedProposalBytes } from './signed-bytes';

test("an offline proposal's signed bytes hash to its digest", () => {
    const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure());
    try {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const gateway = connect({
            client,
            identity: { mspId: 'HospitalMSP', credentials: Buffer.from('certificate') },
            signer: signers.newPrivateKeySigner(privateKey),
            hash: hash.sha256,
        });
        const proposal = gateway.getNetwork('careledger').getContract('careledger', 'system').newProposal('WhoAmI');
        const bytes = signedProposalBytes(proposal.getBytes());
        expect(createHash('sha256').update(bytes).digest()).toEqual(Buffer.from(proposal.getDigest()));
        expect(bytes.length).toBeLessThan(proposal.getBytes().length);
    } finally {
        client.close();
    }
});

test('bytes that carry nothing to sign are refused', () => {
    expect(() => signedProposalBytes(new Uint8Array())).toThrow('no proposal bytes to sign');
});
