import type { Contract } from 'fabric-contract-api';
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { LedgerConfig } from '../config';
import { LedgerError } from '../errors';
import type {
    BlockOptions,
    BlockStream,
    EventOptions,
    EventStream,
    Ledger,
    LedgerSession,
    PreparedProposal,
    SigningIdentity,
    SubmitResult,
    TransactionRequest,
} from '../ledger';
import type { CollectionDefinition } from './collections';
import { loadConsortium } from './consortium';
import { Engine, type CommitStep } from './engine';
import { DevIdentities } from './identities';
import { buildProposal, signedProposal } from './proposal';
import { signMessage, verifyMessage } from './signing';

export interface EmbeddedLedgerOptions {
    /** Contracts to run instead of the CareLedger chaincode (tests of the engine itself). */
    contracts?: ReadonlyArray<new () => Contract>;
    /** Explicit private data collections, besides the implicit org collections. */
    collections?: readonly CollectionDefinition[];
    /** Most transactions per block (default 10). */
    maxBlockTransactions?: number;
    /** Test hook: runs at each step of a block's commit (engine.ts CommitStep). */
    atCommitStep?: (step: CommitStep, blockNumber: number) => void;
    /**
     * The clock this ledger's sessions stamp proposals with (milliseconds), as an SDK client's
     * own clock does on Fabric; default the wall clock. Tests set it to send backdated proposals,
     * which the contracts' time window must refuse.
     */
    clientClock?: () => number;
}

/** The embedded ledger, with what tests of "nothing committed" read besides the Ledger interface. */
export interface EmbeddedLedger extends Ledger {
    readonly kind: 'embedded';
    /**
     * Digest of the whole committed world state — public, every collection's private data (the
     * union of every org's peers' view) and the hashes every peer holds — maintained on each
     * commit (world-state.ts): equal before and after a request means the request committed nothing.
     */
    stateDigest(): string;
    /** The same digest recomputed from every entry; differs from stateDigest() only if state changed outside a commit. */
    recomputeStateDigest(): string;
}

/**
 * Opens the embedded development ledger: the compiled CareLedger chaincode run in-process
 * with Fabric's transaction semantics, and a development CA for the consortium's demo users.
 * `config.dataDir` is the folder for blocks, state and identities, or `:memory:`.
 */
export async function openEmbeddedLedger(
    config: LedgerConfig,
    options: EmbeddedLedgerOptions = {},
): Promise<EmbeddedLedger> {
    const folder = config.dataDir === ':memory:' ? undefined : path.resolve(config.dataDir);
    const identities = await DevIdentities.open(loadConsortium(), folder && path.join(folder, 'identities'));
    const contracts = options.contracts ?? (await import('@careledger/chaincode')).contracts;
    const engine = await Engine.open({
        folder,
        contracts,
        channel: config.channel,
        chaincode: config.chaincode,
        trustedRoots: identities.trustedRoots(),
        collections: options.collections,
        maxBlockTransactions: options.maxBlockTransactions,
        atCommitStep: options.atCommitStep,
    });
    return {
        kind: 'embedded',
        identities,
        connect: (identity) => new EmbeddedSession(engine, identity, config, options.clientClock ?? Date.now),
        close: () => engine.close(),
        stateDigest: () => engine.stateDigest(),
        recomputeStateDigest: () => engine.recomputeStateDigest(),
    };
}

class EmbeddedSession implements LedgerSession {
    constructor(
        private readonly engine: Engine,
        readonly identity: SigningIdentity,
        private readonly config: LedgerConfig,
        private readonly clock: () => number,
    ) {}

    async submit(request: TransactionRequest): Promise<SubmitResult> {
        const committed = await this.engine.submit(await this.propose(request), request.endorsingOrganizations);
        return {
            result: new Uint8Array(committed.payload),
            transactionId: committed.txId,
            blockNumber: BigInt(committed.blockNumber),
        };
    }

    async evaluate(request: TransactionRequest): Promise<Uint8Array> {
        return new Uint8Array(
            await this.engine.evaluate(await this.propose(request), request.endorsingOrganizations?.[0]),
        );
    }

    async events(options: EventOptions = {}): Promise<EventStream> {
        return this.engine.openEvents(options.from);
    }

    async blocks(options: BlockOptions = {}): Promise<BlockStream> {
        if (options.startBlock !== undefined && options.startBlock < 0n) {
            throw new LedgerError('INVALID_ARGUMENT', 'startBlock must be 0 or more', { field: 'startBlock' });
        }
        return this.engine.openBlocks(options.startBlock === undefined ? undefined : Number(options.startBlock));
    }

    async chainHeight(): Promise<bigint> {
        return BigInt(this.engine.height);
    }

    /**
     * Offline signing. The embedded engine endorses and orders in one step, so the signed
     * proposal is endorsed when the signed transaction arrives; each signature is checked
     * against the session's certificate as the peer (proposal) and orderer (transaction)
     * would. The transaction bytes are the signed proposal's; the commit bytes the txId's.
     */
    async prepare(request: TransactionRequest): Promise<PreparedProposal> {
        const { txId: transactionId, proposalBytes } = this.unsignedProposal(request);
        const certificate = this.identity.certificate;
        const checked = (bytes: Uint8Array, signature: Uint8Array, what: string) => {
            let valid = false;
            try {
                valid = verifyMessage(certificate, bytes, signature);
            } catch {
                valid = false;
            }
            if (!valid) {
                throw new LedgerError(
                    'UNAUTHENTICATED',
                    `the ${what} signature does not verify with ${this.identity.mspId}'s certificate`,
                    {
                        transactionId,
                    },
                );
            }
        };
        const step = (bytes: Uint8Array) => ({
            transactionId,
            bytes,
            digest: createHash('sha256').update(bytes).digest(),
        });
        return {
            ...step(proposalBytes),
            evaluate: async (signature) =>
                new Uint8Array(
                    await this.engine.evaluate(
                        signedProposal(proposalBytes, signature),
                        request.endorsingOrganizations?.[0],
                    ),
                ),
            endorse: async (proposalSignature) => {
                checked(proposalBytes, proposalSignature, 'proposal');
                const transactionBytes = Buffer.concat([Buffer.from(proposalBytes), Buffer.from(proposalSignature)]);
                return {
                    ...step(transactionBytes),
                    submit: async (transactionSignature) => {
                        checked(transactionBytes, transactionSignature, 'transaction');
                        const committed = await this.engine.submit(
                            signedProposal(proposalBytes, proposalSignature),
                            request.endorsingOrganizations,
                        );
                        const commitBytes = Buffer.from(committed.txId, 'utf8');
                        return {
                            ...step(commitBytes),
                            status: async (commitSignature) => {
                                checked(commitBytes, commitSignature, 'commit status');
                                return {
                                    result: new Uint8Array(committed.payload),
                                    transactionId: committed.txId,
                                    blockNumber: BigInt(committed.blockNumber),
                                };
                            },
                        };
                    },
                };
            },
        };
    }

    private unsignedProposal(request: TransactionRequest): { txId: string; proposalBytes: Uint8Array } {
        const now = this.clock();
        return buildProposal({
            channel: this.config.channel,
            chaincode: this.config.chaincode,
            creator: { mspId: this.identity.mspId, certificate: this.identity.certificate },
            args: [`${request.contract}:${request.name}`, ...(request.args ?? [])],
            transient: request.transient,
            timestamp: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1_000_000 },
            nonce: randomBytes(24),
        });
    }

    /** A signed proposal as a Fabric client builds it: the client's clock, a fresh nonce. */
    private async propose(request: TransactionRequest) {
        const now = this.clock();
        const { proposalBytes } = buildProposal({
            channel: this.config.channel,
            chaincode: this.config.chaincode,
            creator: { mspId: this.identity.mspId, certificate: this.identity.certificate },
            args: [`${request.contract}:${request.name}`, ...(request.args ?? [])],
            transient: request.transient,
            timestamp: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1_000_000 },
            nonce: randomBytes(24),
        });
        let signature: Buffer;
        try {
            signature = await signMessage(this.identity, proposalBytes);
        } catch (error) {
            throw new LedgerError(
                'UNAUTHENTICATED',
                `cannot sign as ${this.identity.mspId}: ${(error as Error).message}`,
            );
        }
        return signedProposal(proposalBytes, signature);
    }
}
