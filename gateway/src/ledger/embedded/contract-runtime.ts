import { peer } from '@hyperledger/fabric-protos';
import { JSONSerializer, type Contract } from 'fabric-contract-api';
import type { CollectionRegistry } from './collections';
import type { ParsedProposal } from './proposal';
import { Fabric31Batching, ShimHandler, type StateBatching } from './shim-handler';
import { TxSimulator, type PeerContext } from './simulator';
import type { ChaincodeEventData, ChaincodeResponse, RwSet } from './types';
import type { WorldState } from './world-state';

/* eslint-disable @typescript-eslint/no-require-imports */
// fabric-shim's contract dispatcher and stub: the code fabric-chaincode-node runs on a peer.
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (
    contracts: Array<new () => Contract>,
    serializers: unknown,
    metadata: object,
    title: string,
    version: string,
) => { Invoke(stub: unknown): Promise<{ status: number; message?: string; payload?: Uint8Array }> };
const ChaincodeStub = require('fabric-shim/lib/stub') as new (
    handler: ShimHandler,
    channelId: string,
    txId: string,
    input: peer.ChaincodeInput,
    signedProposal: peer.SignedProposal,
) => {
    chaincodeEvent?: { getEventName(): string; getPayload_asU8(): Uint8Array };
    finishWriteBatch(): Promise<void>;
};
const shimLogger = require('fabric-shim/lib/logger') as { setLevel(level: string): void };
const contractLogger = require('fabric-contract-api/lib/logger') as { setLevel?(level: string): void };
/* eslint-enable @typescript-eslint/no-require-imports */

/** What one peer's simulation of a proposal produced. */
export interface SimulationOutcome {
    peerMspId: string;
    response: ChaincodeResponse;
    rwset: RwSet;
    event?: ChaincodeEventData;
    /** The chaincode's requests to the peer by message type (GET_STATE, PUT_STATE, ...): its round trips. */
    stateCalls: Record<string, number>;
}

/**
 * The chaincode's contracts behind fabric-shim's own dispatch: metadata, argument
 * marshalling, before/after/unknownTransaction and the `org.hyperledger.fabric` system
 * contract behave as in a chaincode container.
 */
export class ContractRuntime {
    private readonly chaincode: InstanceType<typeof ChaincodeFromContract>;

    constructor(
        contracts: ReadonlyArray<new () => Contract>,
        readonly chaincodeName = 'careledger',
        /** What the simulated peer offers of Fabric 3.1's batched state access (on, as a 3.1 peer). */
        private readonly batching: StateBatching = Fabric31Batching,
    ) {
        quietChaincodeLogs();
        const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
        // ChaincodeFromContract appends its system contract to the array it is given.
        this.chaincode = new ChaincodeFromContract([...contracts], serializers, {}, chaincodeName, '');
    }

    /** Runs the proposal once, as the peer of `peerContext.mspId` would, against committed `state`. */
    async simulate(
        proposal: ParsedProposal,
        state: WorldState,
        collections: CollectionRegistry,
        peerContext: PeerContext,
    ): Promise<SimulationOutcome> {
        const simulator = new TxSimulator(
            state,
            collections,
            proposal.txId,
            proposal.creator.mspId,
            peerContext,
            this.chaincodeName,
        );
        const input = new peer.ChaincodeInput();
        input.setArgsList(proposal.args);
        const handler = new ShimHandler(simulator, this.batching);
        const stub = new ChaincodeStub(handler, proposal.channel, proposal.txId, input, proposal.signedProposal);
        let response = await this.chaincode.Invoke(stub);
        // As fabric-shim's handler does before COMPLETED: writes still buffered by startWriteBatch() reach the simulator.
        try {
            await stub.finishWriteBatch();
        } catch (error) {
            const detail = error instanceof Error ? error.message : String(error);
            response = { status: 500, message: `failed to send write batch: ${detail}` };
        }
        const event = stub.chaincodeEvent;
        return {
            peerMspId: peerContext.mspId,
            response: {
                status: response.status,
                message: response.message ?? '',
                payload: Buffer.from(response.payload ?? []),
            },
            rwset: simulator.results(),
            event: event ? { name: event.getEventName(), payload: Buffer.from(event.getPayload_asU8()) } : undefined,
            stateCalls: { ...handler.calls },
        };
    }
}

/**
 * fabric-shim logs every rejected transaction at error level, which a peer sends to the
 * chaincode container's log. In-process that is noise; CORE_CHAINCODE_LOGGING_LEVEL still wins.
 */
function quietChaincodeLogs(): void {
    if (process.env.CORE_CHAINCODE_LOGGING_LEVEL === undefined) {
        shimLogger.setLevel('CRITICAL');
        contractLogger.setLevel?.('CRITICAL');
    }
}
