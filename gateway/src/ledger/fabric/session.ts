import type { CallOptions } from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { connect, hash, type Gateway, type ProposalOptions } from '@hyperledger/fabric-gateway';
import { createHash } from 'node:crypto';
import { LedgerError } from '../errors';
import type {
    BlockOptions,
    BlockStream,
    ClientIdentity,
    EventOptions,
    EventStream,
    LedgerSession,
    PreparedProposal,
    SigningIdentity,
    SubmitResult,
    TransactionRequest,
} from '../ledger';
import type { ConnectionPool } from './connections';
import { commitStatusError, isUnavailable, ledgerErrorFrom } from './errors';
import { openBlockStream } from './block-stream';
import { awaitCommit } from './commit-wait';
import { submitUntilAccepted } from './ordering-retry';
import { commitUnknown, SubmitProgress } from './submit-progress';
import { checkpointOf, openEventStream } from './events';
import type { Failover } from './failover';
import { messageSignerOf, newMessageSigner } from './native-signer';
import type { PeerEndpoint } from './profile';
import type { ReadAfterWrite } from './read-after-write';
import { signedCommitBytes, signedProposalBytes, signedTransactionBytes } from './signed-bytes';

/** How long each kind of call may take before it fails with TIMEOUT. */
export interface Deadlines {
    evaluateMs: number;
    endorseMs: number;
    submitMs: number;
    commitStatusMs: number;
    /** How long a call waits for its peer's connection to be (re)established before it fails over (0: not at all, gRPC fails it at once). */
    connectMs: number;
    /**
     * A submitted transaction whose commit status has not come within this many ms is sent to
     * ordering again, same signed bytes, and again each time as long (commit-wait.ts: an orderer
     * may accept a transaction and lose it with a dying Raft leader). 0: never.
     */
    resubmitAfterMs: number;
    /**
     * How long a transaction is sent to ordering again (same signed bytes, every 250 ms) while
     * the ordering service is UNAVAILABLE, e.g. electing a Raft leader (ordering-retry.ts). 0: once.
     */
    orderingRetryMs: number;
}

export const defaultDeadlines: Deadlines = {
    evaluateMs: 10_000,
    endorseMs: 30_000,
    submitMs: 10_000,
    commitStatusMs: 60_000,
    // Over one capped reconnect backoff (connections.ts), so a peer that listens again is reached.
    connectMs: 2_000,
    // Far over a commit under load on the shared machine (median well under 1 s), so a duplicate
    // is rare; short against the 60 s a lost transaction otherwise waits (docs/reliability.md).
    resubmitAfterMs: 5_000,
    // Over a Raft election on the loaded shared machine (2-6 s measured: docs/reliability.md).
    orderingRetryMs: 10_000,
};

export interface SessionContext {
    pool: ConnectionPool;
    /** The peers of the org this session's calls go through, with their failover state. */
    peers: Failover<PeerEndpoint>;
    channel: string;
    chaincode: string;
    deadlines: Deadlines;
    /** Shared by every session of the ledger: calls see the ledger's earlier writes. */
    readAfterWrite: ReadAfterWrite;
}

const within = (ms: number) => (): CallOptions => ({ deadline: Date.now() + ms });

/**
 * Calls as one identity through the Fabric Gateway service of its org's peers. Every call
 * has a deadline; a call whose peer is unreachable is retried on the org's next peer.
 * A submit is endorsed, sent for ordering and awaited until committed in separate steps,
 * each of which may move to another peer: a signed transaction or commit-status request is
 * the same bytes on any peer, so a moved step neither changes nor repeats the transaction.
 */
export class FabricSession implements LedgerSession {
    readonly identity: ClientIdentity;
    private readonly gateways = new Map<PeerEndpoint, Gateway>();
    /** Absent when the client keeps its key: then only {@link prepare} (offline signing) works. */
    private readonly signer?: (digest: Uint8Array) => Promise<Uint8Array>;
    /** What the signer is given: a SHA-256 digest (identity's signer), or the message (own key, native-signer.ts). */
    private readonly hash: (message: Uint8Array) => Uint8Array = hash.sha256;

    constructor(
        identity: SigningIdentity,
        private readonly context: SessionContext,
    ) {
        this.identity = { mspId: identity.mspId, certificate: identity.certificate };
        const native =
            messageSignerOf(identity.signer) ?? (identity.privateKey && newMessageSigner(identity.privateKey));
        if (native) {
            this.signer = native;
            this.hash = hash.none;
        } else if (identity.signer) {
            this.signer = identity.signer;
        }
    }

    /**
     * Offline signing through fabric-gateway's offline flow: unsigned proposal, then
     * `newSignedProposal`, `newSignedTransaction` and `newSignedCommit` with the client's
     * signatures. All steps go through the org's current peer (no failover between steps).
     */
    async prepare(request: TransactionRequest): Promise<PreparedProposal> {
        const peer = this.context.peers.current;
        const gateway = this.gateway(peer);
        const unsigned = this.contract(gateway, request).newProposal(request.name, proposalOptions(request));
        const transactionId = unsigned.getTransactionId();
        const proposalBytes = unsigned.getBytes();
        // `sent`: the step runs after the signed transaction went to ordering, so a failure that
        // is not a commit status leaves the outcome unknown (submit-progress.ts).
        const mapped = async <T>(call: () => Promise<T>, sent = false): Promise<T> => {
            try {
                return await call();
            } catch (error) {
                const ledgerError = ledgerErrorFrom(error, transactionId);
                throw sent ? commitUnknown(ledgerError) : ledgerError;
            }
        };
        const signed = signedProposalBytes(proposalBytes);
        return {
            transactionId,
            bytes: signed,
            digest: sha256(signed),
            evaluate: (signature) => mapped(() => gateway.newSignedProposal(proposalBytes, signature).evaluate()),
            endorse: (signature) =>
                mapped(async () => {
                    const transaction = await gateway.newSignedProposal(proposalBytes, signature).endorse();
                    const transactionBytes = transaction.getBytes();
                    const signedTransaction = signedTransactionBytes(transactionBytes);
                    return {
                        transactionId,
                        bytes: signedTransaction,
                        digest: sha256(signedTransaction),
                        submit: (transactionSignature) =>
                            mapped(async () => {
                                const submitted = await mapped(
                                    () => gateway.newSignedTransaction(transactionBytes, transactionSignature).submit(),
                                    true,
                                );
                                const commitBytes = submitted.getBytes();
                                const result = submitted.getResult();
                                const signedCommit = signedCommitBytes(commitBytes);
                                return {
                                    transactionId,
                                    bytes: signedCommit,
                                    digest: sha256(signedCommit),
                                    status: async (commitSignature) => {
                                        const commit = gateway.newSignedCommit(commitBytes, commitSignature);
                                        const status = await mapped(() => commit.getStatus(), true);
                                        this.context.readAfterWrite.committed(
                                            peer.endpoint,
                                            status.blockNumber,
                                            commit.getBytes(),
                                        );
                                        const invalid = commitStatusError(status);
                                        if (invalid) {
                                            throw invalid;
                                        }
                                        return { result, transactionId, blockNumber: status.blockNumber };
                                    },
                                };
                            }),
                    };
                }),
        };
    }

    async submit(request: TransactionRequest): Promise<SubmitResult> {
        this.requireSigner();
        const { peers } = this.context;
        let proposalBytes: Uint8Array | undefined;
        const progress = new SubmitProgress();
        try {
            const transaction = await peers.run(async (peer) => {
                const gateway = await this.reach(peer);
                await this.catchUp(peer);
                const proposal = proposalBytes
                    ? gateway.newProposal(proposalBytes)
                    : this.contract(gateway, request).newProposal(request.name, proposalOptions(request));
                proposalBytes = proposal.getBytes();
                progress.transactionId = proposal.getTransactionId();
                return proposal.endorse();
            });
            const transactionBytes = transaction.getBytes();
            const submitted = await submitUntilAccepted(
                () =>
                    peers.run(async (peer) => {
                        const gateway = await this.reach(peer);
                        progress.sending();
                        return gateway.newTransaction(transactionBytes).submit();
                    }),
                { retryForMs: this.context.deadlines.orderingRetryMs, pauseMs: 250, isRetryable: isUnavailable },
            );
            const commitBytes = submitted.getBytes();
            const { status } = await awaitCommit(
                () =>
                    peers.run(async (peer) => {
                        const commit = (await this.reach(peer)).newCommit(commitBytes);
                        const committed = await commit.getStatus();
                        // Signed by now: the request proves the commit to any peer that catches up later.
                        this.context.readAfterWrite.committed(peer.endpoint, committed.blockNumber, commit.getBytes());
                        return committed;
                    }),
                () => peers.run(async (peer) => (await this.reach(peer)).newTransaction(transactionBytes).submit()),
                { resubmitAfterMs: this.context.deadlines.resubmitAfterMs },
            );
            progress.statusReceived();
            const invalid = commitStatusError(status);
            if (invalid) {
                throw invalid;
            }
            return {
                result: submitted.getResult(),
                transactionId: status.transactionId,
                blockNumber: status.blockNumber,
            };
        } catch (error) {
            throw progress.errorOf(error);
        }
    }

    async evaluate(request: TransactionRequest): Promise<Uint8Array> {
        this.requireSigner();
        let transactionId: string | undefined;
        try {
            return await this.context.peers.run(async (peer) => {
                const gateway = await this.reach(peer);
                await this.catchUp(peer);
                const proposal = this.contract(gateway, request).newProposal(request.name, proposalOptions(request));
                transactionId = proposal.getTransactionId();
                return proposal.evaluate();
            });
        } catch (error) {
            throw ledgerErrorFrom(error, transactionId);
        }
    }

    async events(options: EventOptions = {}): Promise<EventStream> {
        const { peers, channel, chaincode } = this.context;
        return openEventStream(
            async (position) => {
                // The request is sent when opened, so a dead peer shows as a stream error: the
                // stream then reports the peer failed and reopens on the next one.
                const peer = peers.current;
                const network = this.gateway(peer).getNetwork(channel);
                try {
                    const events = await network.getChaincodeEvents(
                        chaincode,
                        position &&
                            (position.transactionId
                                ? { checkpoint: checkpointOf(position) }
                                : { startBlock: position.blockNumber }),
                    );
                    return { events, peerFailed: () => peers.markFailed(peer) };
                } catch (error) {
                    throw ledgerErrorFrom(error);
                }
            },
            options.from,
            peers.targets.length,
        );
    }

    async blocks(options: BlockOptions = {}): Promise<BlockStream> {
        const { peers, channel, chaincode } = this.context;
        if (options.startBlock !== undefined && options.startBlock < 0n) {
            throw new LedgerError('INVALID_ARGUMENT', 'startBlock must be 0 or more', { field: 'startBlock' });
        }
        return openBlockStream(
            async (startBlock) => {
                // Opened on the first reachable peer, from the one calls go to now: a reader that
                // restarts (the history indexer, after every peer failed once) skips a dead peer.
                try {
                    return await peers.run(async (peer) => {
                        const network = (await this.reach(peer)).getNetwork(channel);
                        const blocks = await network.getBlockEvents(startBlock === undefined ? {} : { startBlock });
                        return { blocks, peerFailed: () => peers.markFailed(peer), peer: peer.hostAlias };
                    });
                } catch (error) {
                    throw ledgerErrorFrom(error);
                }
            },
            options.startBlock,
            peers.targets.length,
            chaincode,
        );
    }

    async chainHeight(): Promise<bigint> {
        const { peers, channel } = this.context;
        try {
            const info = await peers.run(async (peer) =>
                (await this.reach(peer))
                    .getNetwork(channel)
                    .getContract('qscc')
                    .evaluateTransaction('GetChainInfo', channel),
            );
            return BigInt(common.BlockchainInfo.deserializeBinary(info).getHeight());
        } catch (error) {
            throw ledgerErrorFrom(error);
        }
    }

    /** The peer's gateway once its connection is ready (UNAVAILABLE, for failover, if not in time). */
    private async reach(peer: PeerEndpoint): Promise<Gateway> {
        if (this.context.deadlines.connectMs > 0) {
            await this.context.pool.ready(peer, this.context.deadlines.connectMs);
        }
        return this.gateway(peer);
    }

    /** Waits until `peer` has committed the latest transaction this ledger submitted. */
    private catchUp(peer: PeerEndpoint): Promise<void> {
        return this.context.readAfterWrite.catchUp(peer.endpoint, (commitRequest) =>
            this.gateway(peer).newCommit(commitRequest).getStatus(),
        );
    }

    private requireSigner(): void {
        if (!this.signer) {
            throw new LedgerError(
                'UNAUTHENTICATED',
                `identity of ${this.identity.mspId} has neither a private key nor a signer; use offline signing`,
            );
        }
    }

    /** The contract within the chaincode: fabric-contract-api routes `<contract>:<name>`. */
    private contract(gateway: Gateway, request: TransactionRequest) {
        return gateway.getNetwork(this.context.channel).getContract(this.context.chaincode, request.contract);
    }

    private gateway(peer: PeerEndpoint): Gateway {
        let gateway = this.gateways.get(peer);
        if (!gateway) {
            const { deadlines } = this.context;
            gateway = connect({
                client: this.context.pool.get(peer),
                identity: { mspId: this.identity.mspId, credentials: Buffer.from(this.identity.certificate) },
                signer: this.signer,
                hash: this.hash,
                evaluateOptions: within(deadlines.evaluateMs),
                endorseOptions: within(deadlines.endorseMs),
                submitOptions: within(deadlines.submitMs),
                commitStatusOptions: within(deadlines.commitStatusMs),
            });
            this.gateways.set(peer, gateway);
        }
        return gateway;
    }
}

/** The digest offline signers sign: SHA-256 of the bytes signed, whatever the gateway's own hash. */
function sha256(bytes: Uint8Array): Uint8Array {
    return createHash('sha256').update(bytes).digest();
}

export function proposalOptions(request: TransactionRequest): ProposalOptions {
    return {
        arguments: [...(request.args ?? [])],
        transientData: request.transient ? { ...request.transient } : undefined,
        endorsingOrganizations: request.endorsingOrganizations ? [...request.endorsingOrganizations] : undefined,
    };
}
