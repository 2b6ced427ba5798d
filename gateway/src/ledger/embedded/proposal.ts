import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { ClientIdentity } from '../ledger';
import { sha256 } from './hashing';

export interface ProposalTime {
    seconds: number;
    nanos: number;
}

export interface ProposalInput {
    channel: string;
    chaincode: string;
    creator: ClientIdentity;
    /** `contract:Function` followed by the string arguments. */
    args: readonly (string | Uint8Array)[];
    transient?: Readonly<Record<string, string | Uint8Array>>;
    timestamp: ProposalTime;
    nonce: Uint8Array;
}

export interface UnsignedProposal {
    txId: string;
    proposalBytes: Uint8Array;
}

/** What the endorser reads from a signed proposal. */
export interface ParsedProposal {
    txId: string;
    channel: string;
    chaincode: string;
    creator: ClientIdentity;
    args: Buffer[];
    timestamp: ProposalTime;
    proposalBytes: Uint8Array;
    signature: Uint8Array;
    signedProposal: peer.SignedProposal;
}

/** Fabric's transaction id: hex SHA-256 of the nonce followed by the serialized creator. */
export function transactionIdOf(nonce: Uint8Array, creatorBytes: Uint8Array): string {
    return sha256(Buffer.concat([nonce, creatorBytes])).toString('hex');
}

export function serializeIdentity(identity: ClientIdentity): Uint8Array {
    const serialized = new msp.SerializedIdentity();
    serialized.setMspid(identity.mspId);
    serialized.setIdBytes(Buffer.from(identity.certificate));
    return serialized.serializeBinary();
}

/** A chaincode invocation proposal, byte for byte as a Fabric client builds one. */
export function buildProposal(input: ProposalInput): UnsignedProposal {
    const creatorBytes = serializeIdentity(input.creator);
    const txId = transactionIdOf(input.nonce, creatorBytes);

    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(input.chaincode);

    const timestamp = new Timestamp();
    timestamp.setSeconds(input.timestamp.seconds);
    timestamp.setNanos(input.timestamp.nanos);

    const extension = new peer.ChaincodeHeaderExtension();
    extension.setChaincodeId(chaincodeId);

    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setTxId(txId);
    channelHeader.setTimestamp(timestamp);
    channelHeader.setChannelId(input.channel);
    channelHeader.setExtension$(extension.serializeBinary());
    channelHeader.setEpoch(0);

    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(creatorBytes);
    signatureHeader.setNonce(input.nonce);

    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(signatureHeader.serializeBinary());

    const chaincodeInput = new peer.ChaincodeInput();
    chaincodeInput.setArgsList(input.args.map((arg) => (typeof arg === 'string' ? Buffer.from(arg) : arg)));

    const spec = new peer.ChaincodeSpec();
    spec.setType(peer.ChaincodeSpec.Type.NODE);
    spec.setChaincodeId(chaincodeId);
    spec.setInput(chaincodeInput);

    const invocation = new peer.ChaincodeInvocationSpec();
    invocation.setChaincodeSpec(spec);

    const payload = new peer.ChaincodeProposalPayload();
    payload.setInput(invocation.serializeBinary());
    const transientMap = payload.getTransientmapMap();
    for (const [key, value] of Object.entries(input.transient ?? {})) {
        transientMap.set(key, typeof value === 'string' ? Buffer.from(value) : value);
    }

    const proposal = new peer.Proposal();
    proposal.setHeader(header.serializeBinary());
    proposal.setPayload(payload.serializeBinary());
    return { txId, proposalBytes: proposal.serializeBinary() };
}

export function signedProposal(proposalBytes: Uint8Array, signature: Uint8Array): peer.SignedProposal {
    const signed = new peer.SignedProposal();
    signed.setProposalBytes(proposalBytes);
    signed.setSignature(signature);
    return signed;
}

/** Decodes a signed proposal and checks that its transaction id is bound to its nonce and creator. */
export function parseProposal(signed: peer.SignedProposal): ParsedProposal {
    const proposalBytes = signed.getProposalBytes_asU8();
    const proposal = peer.Proposal.deserializeBinary(proposalBytes);
    const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    const creatorBytes = signatureHeader.getCreator_asU8();
    const creator = msp.SerializedIdentity.deserializeBinary(creatorBytes);
    const txId = channelHeader.getTxId();
    if (txId !== transactionIdOf(signatureHeader.getNonce_asU8(), creatorBytes)) {
        throw new Error(`incorrectly formed transaction ID: ${txId} is not SHA-256 of nonce and creator`);
    }
    const extension = peer.ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8());
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
    const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8());
    const args = invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [];
    const timestamp = channelHeader.getTimestamp();
    return {
        txId,
        channel: channelHeader.getChannelId(),
        chaincode: extension.getChaincodeId()?.getName() ?? '',
        creator: { mspId: creator.getMspid(), certificate: Buffer.from(creator.getIdBytes_asU8()).toString('utf8') },
        args: args.map((arg) => Buffer.from(arg)),
        timestamp: { seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 },
        proposalBytes,
        signature: signed.getSignature_asU8(),
        signedProposal: signed,
    };
}
