import type { Contract } from 'fabric-contract-api';
import type { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import type { peer } from '@hyperledger/fabric-protos';
import { contractErrorFrom, LedgerError } from '../errors';
import type { BlockStream, EventPosition, EventStream } from '../ledger';
import { encode } from './codec';
import { CollectionRegistry, type CollectionDefinition } from './collections';
import { ContractRuntime } from './contract-runtime';
import { endorse } from './endorser';
import { EventHub } from './event-hub';
import { sha256 } from './hashing';
import { validateCreator } from './msp';
import { parseProposal, type ParsedProposal } from './proposal';
import { ReadWriteLock } from './rw-lock';
import { LevelStore, MemoryStore, type LedgerStore } from './store';
import { privateDataOf, toLedgerBlock, withPrivateData } from './ledger-block';
import type { Block, EndorsedBlock, EndorsedTransaction, ValidationCode } from './types';
import { validateBlock } from './validator';
import { WorldState } from './world-state';

export interface EngineOptions {
    /** Folder for blocks and state; undefined keeps the ledger in memory. */
    folder?: string;
    contracts: ReadonlyArray<new () => Contract>;
    channel: string;
    chaincode: string;
    /** Root CA certificate of each channel org's MSP, by MSP id, in consortium order. */
    trustedRoots: ReadonlyMap<string, X509Certificate>;
    collections?: readonly CollectionDefinition[];
    /** Most transactions in one block (default 10). */
    maxBlockTransactions?: number;
    /** Test hook: called at each step of a block's commit (crash-recovery tests kill the process there). */
    atCommitStep?: (step: CommitStep, blockNumber: number) => void;
}

/**
 * The steps of a block's commit: validated, not yet written; written and fsynced (the commit
 * point: from here the block survives kill -9 and power loss); its state applied; its
 * submitters about to be told. A crash before the block write loses the block, whose
 * submitters were never told it committed; a crash after it loses nothing.
 */
export type CommitStep = 'before-block-write' | 'after-block-write' | 'after-state-commit';

export interface CommitResult {
    txId: string;
    blockNumber: number;
    payload: Buffer;
}

interface Pending {
    transaction: EndorsedTransaction;
    resolve: (outcome: { blockNumber: number; code: ValidationCode }) => void;
    reject: (error: unknown) => void;
}

/**
 * The embedded ledger's engine: endorse (simulate on two orgs' peers and compare), order
 * into blocks, validate (MVCC and phantom reads), commit (block store, then state and
 * history), deliver chaincode events. One process, one channel, one chaincode.
 */
export class Engine {
    private readonly state = new WorldState();
    private readonly lock = new ReadWriteLock();
    private readonly runtime: ContractRuntime;
    private readonly collections: CollectionRegistry;
    private readonly channelOrgs: string[];
    private readonly queue: Pending[] = [];
    private readonly inFlight = new Set<string>();
    private readonly maxBlockTransactions: number;
    private cutting: Promise<void> | undefined;
    private failure: Error | undefined;
    private closed = false;
    private events!: EventHub;

    private constructor(
        private readonly options: EngineOptions,
        private readonly store: LedgerStore,
    ) {
        this.runtime = new ContractRuntime(options.contracts, options.chaincode);
        this.channelOrgs = [...options.trustedRoots.keys()];
        this.collections = new CollectionRegistry(() => this.channelOrgs, options.collections);
        this.maxBlockTransactions = options.maxBlockTransactions ?? 10;
    }

    static async open(options: EngineOptions): Promise<Engine> {
        const store = options.folder ? await LevelStore.open(path.join(options.folder, 'ledger')) : new MemoryStore();
        const engine = new Engine(options, store);
        await engine.recover();
        return engine;
    }

    /** Number of committed blocks. */
    get height(): number {
        return this.state.height;
    }

    /** Digest of the committed world state, public, private and hashed (world-state.ts). */
    stateDigest(): string {
        return this.state.digest();
    }

    recomputeStateDigest(): string {
        return this.state.recomputeDigest();
    }

    async submit(signed: peer.SignedProposal, endorsingOrganizations?: readonly string[]): Promise<CommitResult> {
        this.checkOpen();
        const proposal = this.accept(signed);
        const endorsers = endorsingOrganizations?.length
            ? this.requireChannelOrgs(endorsingOrganizations)
            : this.defaultEndorsers(proposal);
        if (this.inFlight.has(proposal.txId) || this.state.hasTransaction(proposal.txId)) {
            throw new LedgerError('INVALID_TRANSACTION', `duplicate transaction found [${proposal.txId}]`, {
                transactionId: proposal.txId,
            });
        }
        this.inFlight.add(proposal.txId);
        try {
            const result = await this.lock.read(() =>
                endorse(this.runtime, proposal, this.state, this.collections, endorsers),
            );
            if (!result.ok) {
                throw result.failure.kind === 'rejected'
                    ? chaincodeError(result.failure.message, proposal.txId)
                    : new LedgerError('ENDORSEMENT_FAILURE', result.failure.message, { transactionId: proposal.txId });
            }
            const { blockNumber, code } = await this.order(result.transaction);
            if (code !== 'VALID') {
                const detail = `transaction ${proposal.txId} (${result.transaction.functionName}) was invalidated in block ${blockNumber}: ${code}`;
                throw new LedgerError(code === 'DUPLICATE_TXID' ? 'INVALID_TRANSACTION' : 'MVCC_CONFLICT', detail, {
                    transactionId: proposal.txId,
                });
            }
            return { txId: proposal.txId, blockNumber, payload: result.transaction.response.payload };
        } finally {
            this.inFlight.delete(proposal.txId);
        }
    }

    /** Runs the proposal on one peer — of `peerOrganization`, default the creator's org — and commits nothing. */
    async evaluate(signed: peer.SignedProposal, peerOrganization?: string): Promise<Buffer> {
        this.checkOpen();
        const proposal = this.accept(signed);
        const [mspId] = peerOrganization
            ? this.requireChannelOrgs([peerOrganization])
            : this.defaultEndorsers(proposal);
        const outcome = await this.lock.read(() =>
            this.runtime.simulate(proposal, this.state, this.collections, { mspId }),
        );
        if (outcome.response.status >= 400) {
            throw chaincodeError(outcome.response.message, proposal.txId);
        }
        return outcome.response.payload;
    }

    openEvents(from?: EventPosition): EventStream {
        this.checkOpen();
        return this.events.open(from);
    }

    openBlocks(startBlock?: number): BlockStream {
        this.checkOpen();
        return this.events.openBlocks(startBlock);
    }

    async close(): Promise<void> {
        if (this.closed) {
            return;
        }
        this.closed = true;
        while (this.cutting) {
            await this.cutting;
        }
        this.events.closeAll();
        await this.store.close();
    }

    private accept(signed: peer.SignedProposal): ParsedProposal {
        let proposal: ParsedProposal;
        try {
            proposal = parseProposal(signed);
        } catch (error) {
            throw new LedgerError('INVALID_ARGUMENT', `malformed proposal: ${(error as Error).message}`);
        }
        validateCreator(proposal, this.options.trustedRoots);
        if (proposal.channel !== this.options.channel || proposal.chaincode !== this.options.chaincode) {
            throw new LedgerError(
                'NOT_FOUND',
                `chaincode ${proposal.chaincode} is not deployed on channel ${proposal.channel}`,
                {
                    transactionId: proposal.txId,
                },
            );
        }
        return proposal;
    }

    /** The creator's org and the next channel org: two endorsements, as a 2-of-N policy needs. */
    private defaultEndorsers(proposal: ParsedProposal): string[] {
        const first = proposal.creator.mspId;
        const second = this.channelOrgs.find((mspId) => mspId !== first);
        return second ? [first, second] : [first];
    }

    private requireChannelOrgs(mspIds: readonly string[]): string[] {
        const unknown = mspIds.filter((mspId) => !this.channelOrgs.includes(mspId));
        if (unknown.length) {
            throw new LedgerError(
                'INVALID_ARGUMENT',
                `no peers of ${unknown.join(', ')} on channel ${this.options.channel}`,
                {
                    field: 'endorsingOrganizations',
                },
            );
        }
        return [...mspIds];
    }

    private order(transaction: EndorsedTransaction): Promise<{ blockNumber: number; code: ValidationCode }> {
        return new Promise((resolve, reject) => {
            if (this.closed) {
                reject(new LedgerError('UNAVAILABLE', 'the embedded ledger closed before the transaction was ordered'));
                return;
            }
            this.queue.push({ transaction, resolve, reject });
            if (!this.cutting) {
                // Wait one turn so submits endorsed together share a block, as they would at an orderer.
                this.cutting = new Promise<void>((done) => setImmediate(done)).then(() => this.cutBlocks());
            }
        });
    }

    private async cutBlocks(): Promise<void> {
        try {
            while (this.queue.length) {
                const batch = this.queue.splice(0, this.maxBlockTransactions);
                try {
                    const block = await this.commitBlock(batch.map((pending) => pending.transaction));
                    batch.forEach((pending, index) =>
                        pending.resolve({ blockNumber: block.number, code: block.validation[index] }),
                    );
                    this.events.publish(block);
                } catch (error) {
                    this.failure = error as Error;
                    const failed = [...batch, ...this.queue.splice(0)];
                    failed.forEach((pending) =>
                        pending.reject(
                            new LedgerError(
                                'UNAVAILABLE',
                                `the embedded ledger failed to commit: ${(error as Error).message}`,
                            ),
                        ),
                    );
                }
            }
        } finally {
            this.cutting = undefined;
        }
    }

    private async commitBlock(transactions: EndorsedTransaction[]): Promise<Block> {
        return this.lock.write(async () => {
            const number = this.state.height;
            const previousHash =
                number === 0 ? '' : sha256(encode(await this.store.getBlock(number - 1))).toString('hex');
            const endorsed: EndorsedBlock = {
                number,
                previousHash,
                transactions,
                validation: validateBlock(this.state, transactions, number),
            };
            const block = toLedgerBlock(endorsed);
            this.options.atCommitStep?.('before-block-write', number);
            await this.store.appendBlock(block, privateDataOf(endorsed));
            this.options.atCommitStep?.('after-block-write', number);
            await this.store.commitState(number + 1, this.state.apply(endorsed));
            this.options.atCommitStep?.('after-state-commit', number);
            return block;
        });
    }

    /** Loads persisted state and applies blocks written after it (a crash between block and state). */
    private async recover(): Promise<void> {
        const height = await this.store.loadState(this.state);
        this.state.height = height;
        for (let number = height; number < this.store.blockCount; number++) {
            const block = withPrivateData(await this.store.getBlock(number), await this.store.getPrivateData(number));
            await this.store.commitState(number + 1, this.state.apply(block));
        }
        if (this.store.blockCount === 0) {
            // Block 0 is the genesis block, as on a channel: transactions start at block 1.
            const genesis: Block = { number: 0, previousHash: '', transactions: [], validation: [] };
            await this.store.appendBlock(genesis, {});
            await this.store.commitState(1, this.state.apply(genesis));
        }
        this.events = new EventHub(this.options.chaincode, this.store.blockCount, (number) =>
            this.store.getBlock(number),
        );
    }

    private checkOpen(): void {
        if (this.closed) {
            throw new LedgerError('UNAVAILABLE', 'the embedded ledger is closed');
        }
        if (this.failure) {
            throw new LedgerError(
                'UNAVAILABLE',
                `the embedded ledger failed to commit and must be reopened: ${this.failure.message}`,
            );
        }
    }
}

/** A chaincode rejection as a LedgerError: a typed contract error keeps its code and field; anything else is INTERNAL. */
function chaincodeError(message: string, transactionId: string): LedgerError {
    return (
        contractErrorFrom(message, transactionId) ??
        new LedgerError('INTERNAL', `chaincode response 500, ${message}`, { transactionId })
    );
}
