import { gateway } from '@hyperledger/fabric-protos';

/**
 * The bytes a client signs in each step of offline signing. fabric-gateway's `getBytes()`
 * returns the whole serialized step (the message that carries the signature), while
 * `getDigest()` is the SHA-256 of only the part that is signed. Offline signers are given that
 * part, so that `digest` is the SHA-256 of `bytes` and a client can check what it signs.
 */
export function signedProposalBytes(proposedTransaction: Uint8Array): Uint8Array {
    const proposal = gateway.ProposedTransaction.deserializeBinary(proposedTransaction).getProposal();
    return required(proposal?.getProposalBytes_asU8(), 'proposal bytes');
}

export function signedTransactionBytes(preparedTransaction: Uint8Array): Uint8Array {
    const envelope = gateway.PreparedTransaction.deserializeBinary(preparedTransaction).getEnvelope();
    return required(envelope?.getPayload_asU8(), 'transaction payload');
}

export function signedCommitBytes(signedCommitStatusRequest: Uint8Array): Uint8Array {
    return required(
        gateway.SignedCommitStatusRequest.deserializeBinary(signedCommitStatusRequest).getRequest_asU8(),
        'commit status request',
    );
}

function required(bytes: Uint8Array | undefined, what: string): Uint8Array {
    if (!bytes || bytes.length === 0) {
        throw new Error(`fabric-gateway produced no ${what} to sign`);
    }
    return bytes;
}
