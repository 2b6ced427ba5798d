import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import { certificateRole } from '../certificate-role';
import type { BlockTransaction, BlockWrite, LedgerBlock } from '../ledger';

const validationNames = new Map<number, string>(
    Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]),
);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * A Fabric block as the ledger interface delivers it: the header's hash chain, and per
 * envelope the transaction id, timestamp, creator MSP and role, contract function, validation
 * code, chaincode event and the public writes to `chaincode`'s namespace; its arguments and
 * response payload and the serialised block too, so a scan (test/privacy) can read every byte a
 * member's peer keeps. Private data is only hashes in a block anyway.
 */
export function toLedgerBlock(block: common.Block, chaincode: string): LedgerBlock {
    const header = block.getHeader();
    if (!header) {
        throw new Error('block without a header');
    }
    const number = BigInt(header.getNumber());
    const previousHash = header.getPreviousHash_asU8();
    const dataHash = header.getDataHash_asU8();
    const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const transactions = envelopes.map((bytes, position) =>
        decodeTransaction(bytes, position, validationNames.get(filter?.[position] ?? 0) ?? 'UNKNOWN', chaincode),
    );
    return {
        number,
        previousHash: hex(previousHash),
        dataHash: hex(dataHash),
        hash: hex(blockHeaderHash(number, previousHash, dataHash)),
        transactions,
        bytes: block.serializeBinary(),
    };
}

function decodeTransaction(
    bytes: Uint8Array,
    position: number,
    validationCode: string,
    chaincode: string,
): BlockTransaction {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    const header = payload.getHeader();
    const channelHeader = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array());
    const signatureHeader = common.SignatureHeader.deserializeBinary(
        header?.getSignatureHeader_asU8() ?? new Uint8Array(),
    );
    const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
    const timestamp = channelHeader.getTimestamp();
    const millis = timestamp ? timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1_000_000) : 0;
    const creatorPem = Buffer.from(creator.getIdBytes_asU8()).toString('utf8');
    const transaction: BlockTransaction = {
        transactionId: channelHeader.getTxId(),
        position,
        timestamp: new Date(millis).toISOString(),
        creatorMspId: creator.getMspid(),
        creatorRole: creatorPem.includes('BEGIN CERTIFICATE') ? certificateRole(creatorPem) : undefined,
        validationCode,
        writes: [],
    };
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
        return transaction;
    }
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of tx.getActionsList()) {
        const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
        const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
            actionPayload.getChaincodeProposalPayload_asU8(),
        );
        const spec = peer.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8()).getChaincodeSpec();
        const [name, ...args] = spec?.getInput()?.getArgsList_asU8() ?? [];
        if (name && spec?.getChaincodeId()?.getName() === chaincode) {
            transaction.functionName = Buffer.from(name).toString('utf8');
            transaction.arguments = args;
        }
        const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
            actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
        );
        const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
        const response = chaincodeAction.getResponse()?.getPayload_asU8();
        if (response?.length) {
            transaction.response = response;
        }
        const eventBytes = chaincodeAction.getEvents_asU8();
        if (eventBytes.length) {
            const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
            if (event.getEventName() && event.getChaincodeId() === chaincode) {
                transaction.event = { name: event.getEventName(), payload: event.getPayload_asU8() };
            }
        }
        const results = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
        for (const namespace of results.getNsRwsetList()) {
            if (namespace.getNamespace() !== chaincode) {
                continue;
            }
            const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(namespace.getRwset_asU8());
            for (const write of kv.getWritesList()) {
                const entry: BlockWrite = write.getIsDelete()
                    ? { key: write.getKey() }
                    : { key: write.getKey(), value: write.getValue_asU8() };
                transaction.writes.push(entry);
            }
        }
    }
    return transaction;
}

/**
 * Fabric's block hash (protoutil.BlockHeaderHash): SHA-256 of the ASN.1 DER sequence
 * { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }.
 */
export function blockHeaderHash(number: bigint, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
    const der = derSequence([derInteger(number), derOctets(previousHash), derOctets(dataHash)]);
    return createHash('sha256').update(der).digest();
}

function derLength(length: number): Buffer {
    if (length < 0x80) {
        return Buffer.from([length]);
    }
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest >>= 8) {
        bytes.unshift(rest & 0xff);
    }
    return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derInteger(value: bigint): Buffer {
    const bytes: number[] = [];
    let rest = value;
    do {
        bytes.unshift(Number(rest & 0xffn));
        rest >>= 8n;
    } while (rest > 0n);
    if (bytes[0] & 0x80) {
        bytes.unshift(0);
    }
    return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), Buffer.from(bytes)]);
}

function derOctets(bytes: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from([0x04]), derLength(bytes.length), Buffer.from(bytes)]);
}

function derSequence(parts: Buffer[]): Buffer {
    const body = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
