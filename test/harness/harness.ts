import { contracts as careLedgerContracts, parseContractError } from '@careledger/chaincode';
import { setEndorserClock } from '../../chaincode/src/common/time';
import type { Contract } from 'fabric-contract-api';
import { createHash } from 'node:crypto';
import { CollectionRegistry, type CollectionDefinition } from '../../gateway/src/ledger/embedded/collections';
import { loadConsortium } from '../../gateway/src/ledger/embedded/consortium';
import { ContractRuntime } from '../../gateway/src/ledger/embedded/contract-runtime';
import { DevCertificateAuthority, type KeyAndCertificate } from '../../gateway/src/ledger/embedded/dev-ca';
import { endorse, type EndorsementFailure } from '../../gateway/src/ledger/embedded/endorser';
import {
    buildProposal,
    parseProposal,
    signedProposal,
    type ParsedProposal,
} from '../../gateway/src/ledger/embedded/proposal';
import { ReadWriteLock } from '../../gateway/src/ledger/embedded/rw-lock';
import type { StateBatching } from '../../gateway/src/ledger/embedded/shim-handler';
import { signMessage } from '../../gateway/src/ledger/embedded/signing';
import type { EndorsedTransaction } from '../../gateway/src/ledger/embedded/types';
import { validateBlock } from '../../gateway/src/ledger/embedded/validator';
import { WorldState } from '../../gateway/src/ledger/embedded/world-state';

/** Codes a harness call rejects with: the contract's own, or what the ledger decided. */
export type HarnessErrorCode =
    | 'INVALID_ARGUMENT'
    | 'FORBIDDEN'
    | 'NOT_FOUND'
    | 'CONFLICT'
    /** Endorsers computed different results: non-determinism, or private data only some endorsers hold. */
    | 'ENDORSEMENT_FAILURE'
    /** Another transaction changed what this one read before it committed. */
    | 'MVCC_CONFLICT'
    /** Anything that is not a typed contract error (a bug, or a peer-side refusal). */
    | 'INTERNAL';

export class HarnessError extends Error {
    constructor(
        readonly code: HarnessErrorCode,
        readonly detail: string,
        readonly field?: string,
    ) {
        super(field ? `${code}(${field}): ${detail}` : `${code}: ${detail}`);
        this.name = 'HarnessError';
    }

    /** A chaincode error message as a HarnessError: a typed contract error keeps its code and field. */
    static fromChaincodeMessage(message: string): HarnessError {
        const parsed = parseContractError(message);
        return parsed
            ? new HarnessError(parsed.code, parsed.detail, parsed.field)
            : new HarnessError('INTERNAL', message);
    }
}

export interface IdentityOptions {
    mspId: string;
    /** `careledger.role` attribute; omitted from the certificate when absent. */
    role?: string;
    /** `careledger.id` attribute; omitted from the certificate when absent. */
    actorId?: string;
    /** Enrolment id (certificate CN); defaults to role and actor id. */
    name?: string;
}

/** A client identity with a real certificate from the harness's development CA of its org. */
export interface HarnessIdentity {
    readonly mspId: string;
    readonly role?: string;
    readonly actorId?: string;
    readonly name: string;
    /** PEM certificate and private key, issued on first use. */
    credentials(): Promise<KeyAndCertificate>;
}

export interface CallOptions {
    /** Transient data: reaches the chaincode, is not part of the transaction's arguments. */
    transient?: Readonly<Record<string, string | Uint8Array>>;
    /** Transaction timestamp of this call only (ISO-8601). */
    time?: string;
    /**
     * The endorsing peers' clock for this call (ISO-8601); default: the transaction timestamp,
     * as for an honest client. Set it apart from `time` to send a backdated or postdated proposal.
     */
    peerTime?: string;
    /**
     * MSP ids of the orgs whose peers run the call. Submit: default the caller's org and the
     * next org of the consortium, as a 2-of-N endorsement policy needs; evaluate: default
     * the caller's org.
     */
    endorsers?: readonly string[];
}

export interface HarnessEvent {
    name: string;
    /** The payload parsed as JSON (the raw text when it is not JSON). */
    payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HarnessResult {
    /** The string the transaction function returned. */
    payload: string;
    json<T = unknown>(): T;
    txId: string;
    event?: HarnessEvent;
}

export interface HistoryItem<T = unknown> {
    txId: string;
    /** ISO-8601 transaction timestamp. */
    timestamp: string;
    isDelete: boolean;
    /** Parsed JSON value; undefined for a delete. */
    value: T | undefined;
}

/** A deterministic copy of all state, for "the ledger is unchanged" assertions. */
export interface StateSnapshot {
    public: Record<string, string>;
    private: Record<string, Record<string, string>>;
    /** Private data hashes every peer holds, per collection: key hash → value hash (hex). */
    hashes: Record<string, Record<string, string>>;
}

export interface HarnessOptions {
    /** Contracts to load; default: `contracts` from chaincode/src/index.ts. */
    contracts?: ReadonlyArray<new () => Contract>;
    /** Explicit private data collections, besides the implicit org collections. */
    collections?: readonly CollectionDefinition[];
    /** Initial transaction time (ISO-8601); default 2026-01-01T00:00:00.000Z. */
    time?: string;
    /** What the simulated peers offer of Fabric 3.1's batched state access; default: as a 3.1 peer (on). */
    batching?: StateBatching;
}

const defaultStartTime = '2026-01-01T00:00:00.000Z';
const channel = 'careledger';
const chaincode = 'careledger';

const certificateAuthorities = new Map<string, Promise<DevCertificateAuthority>>();
const issued = new Map<string, Promise<KeyAndCertificate>>();

/**
 * Fast unit-test harness for contracts: the embedded ledger's state engine without blocks or
 * processes. Calls go through a real signed proposal, fabric-shim's ChaincodeStub and
 * ClientIdentity and the contract API's dispatcher; each submit is simulated twice — on a
 * peer of the caller's org and of another org — and must produce the same results; then its
 * writes commit at once (with Fabric's MVCC check, which only concurrent submits can fail).
 *
 * @example
 * const h = await ContractHarness.create();
 * const physician = h.identity({ mspId: 'HospitalMSP', role: 'physician', actorId: 'prac-1' });
 * const r = await h.submit(physician, 'system:Ping', ['hello']);
 * expect(r.event?.name).toBe('system.Pinged');
 */
export class ContractHarness {
    private readonly state = new WorldState();
    private readonly lock = new ReadWriteLock();
    private readonly collections: CollectionRegistry;
    private readonly channelOrgs: string[];
    private readonly domains = new Map<string, string>();
    private time: number;
    private nonceCounter = 0;

    private constructor(
        private readonly runtime: ContractRuntime,
        options: HarnessOptions,
    ) {
        const consortium = loadConsortium();
        this.channelOrgs = consortium.map((org) => org.mspId);
        consortium.forEach((org) => this.domains.set(org.mspId, org.domain));
        this.collections = new CollectionRegistry(() => this.channelOrgs, options.collections);
        this.time = parseTime(options.time ?? defaultStartTime, 'time');
    }

    static async create(options: HarnessOptions = {}): Promise<ContractHarness> {
        return new ContractHarness(
            new ContractRuntime(options.contracts ?? careLedgerContracts, chaincode, options.batching),
            options,
        );
    }

    identity(options: IdentityOptions): HarnessIdentity {
        const { mspId, role, actorId } = options;
        const name = options.name ?? ([role, actorId].filter(Boolean).join('-') || 'user');
        const domain = this.domains.get(mspId) ?? `${mspId.toLowerCase()}.careledger.local`;
        const cacheKey = JSON.stringify([mspId, domain, name, role ?? null, actorId ?? null]);
        return {
            mspId,
            role,
            actorId,
            name,
            credentials: () => {
                let credentials = issued.get(cacheKey);
                if (!credentials) {
                    credentials = certificateAuthorityOf(mspId, domain).then((ca) => ca.issue({ name, role, actorId }));
                    issued.set(cacheKey, credentials);
                }
                return credentials;
            },
        };
    }

    /** Sets the transaction timestamp of later calls. */
    setTime(iso: string): void {
        this.time = parseTime(iso, 'time');
    }

    /** Moves the transaction timestamp of later calls forward by `ms` milliseconds. */
    advance(ms: number): void {
        this.time += ms;
    }

    /** The transaction timestamp later calls get, ISO-8601. */
    now(): string {
        return new Date(this.time).toISOString();
    }

    async submit(
        who: HarnessIdentity,
        fn: string,
        args: readonly string[] = [],
        options: CallOptions = {},
    ): Promise<HarnessResult> {
        const proposal = await this.propose(who, fn, args, options);
        const endorsers = options.endorsers ?? this.defaultEndorsers(who.mspId);
        const result = await this.lock.read(() =>
            endorse(this.runtime, proposal, this.state, this.collections, endorsers),
        );
        if (!result.ok) {
            throw endorsementError(result.failure);
        }
        await this.commit(result.transaction);
        return toResult(result.transaction);
    }

    /** Runs the transaction on one peer and discards its writes. */
    async evaluate(
        who: HarnessIdentity,
        fn: string,
        args: readonly string[] = [],
        options: CallOptions = {},
    ): Promise<HarnessResult> {
        const proposal = await this.propose(who, fn, args, options);
        const [peer] = options.endorsers ?? [this.channelOrgs.includes(who.mspId) ? who.mspId : this.channelOrgs[0]];
        const outcome = await this.lock.read(() =>
            this.runtime.simulate(proposal, this.state, this.collections, { mspId: peer }),
        );
        if (outcome.response.status >= 400) {
            throw HarnessError.fromChaincodeMessage(outcome.response.message);
        }
        return toResult({ txId: proposal.txId, response: outcome.response, event: outcome.event });
    }

    /**
     * Runs a transaction on one peer of the caller's org (as its endorser would), commits nothing,
     * and returns what the chaincode asked the peer, by message type (GET_STATE, PUT_STATE,
     * GET_STATE_BY_RANGE, QUERY_STATE_NEXT, ...): each is one round trip on a real peer.
     */
    async stateCalls(
        who: HarnessIdentity,
        fn: string,
        args: readonly string[] = [],
        options: CallOptions = {},
    ): Promise<{ calls: Record<string, number>; total: number }> {
        const proposal = await this.propose(who, fn, args, options);
        const [peer] = options.endorsers ?? [this.channelOrgs.includes(who.mspId) ? who.mspId : this.channelOrgs[0]];
        const outcome = await this.lock.read(() =>
            this.runtime.simulate(proposal, this.state, this.collections, { mspId: peer }),
        );
        if (outcome.response.status >= 400) {
            throw HarnessError.fromChaincodeMessage(outcome.response.message);
        }
        const total = Object.values(outcome.stateCalls).reduce((sum, count) => sum + count, 0);
        return { calls: outcome.stateCalls, total };
    }

    snapshot(): StateSnapshot {
        const snapshot: StateSnapshot = { public: {}, private: {}, hashes: {} };
        for (const [key, value] of this.state.public.entries()) {
            snapshot.public[key] = value.value.toString('utf8');
        }
        for (const collection of this.state.collections()) {
            const values: Record<string, string> = {};
            for (const [key, value] of this.state.privateEntries(collection)) {
                values[key] = value.value.toString('utf8');
            }
            const hashes: Record<string, string> = {};
            for (const [keyHash, value] of this.state.hashEntries(collection)) {
                hashes[keyHash] = value.valueHash.toString('hex');
            }
            if (Object.keys(values).length) {
                snapshot.private[collection] = values;
            }
            if (Object.keys(hashes).length) {
                snapshot.hashes[collection] = hashes;
            }
        }
        return snapshot;
    }

    /**
     * Digest of the whole world state (public, private and hashed, with versions and metadata),
     * maintained by the state store on each commit: comparing it before and after a call proves the
     * call committed nothing, at no cost per key. See {@link snapshot} for the values themselves.
     */
    stateDigest(): string {
        return this.state.digest();
    }

    /** The same digest recomputed from every entry: differs from {@link stateDigest} only if state changed outside a commit. */
    recomputeStateDigest(): string {
        return this.state.recomputeDigest();
    }

    /** The parsed JSON value of a public key, or undefined. */
    getState<T = unknown>(key: string): T | undefined {
        const value = this.state.getState(key);
        return value && parseJson<T>(value.value, key);
    }

    /** The parsed JSON value of a private data key, or undefined. */
    getPrivateData<T = unknown>(collection: string, key: string): T | undefined {
        const value = this.state.getPrivate(collection, key);
        return value && parseJson<T>(value.value, key);
    }

    /** The history of a public key, newest first, as `getHistoryForKey` returns it. */
    history<T = unknown>(key: string): Array<HistoryItem<T>> {
        return [...this.state.history(key)].reverse().map((entry) => ({
            txId: entry.txId,
            timestamp: new Date(entry.timestamp.seconds * 1000 + Math.floor(entry.timestamp.nanos / 1e6)).toISOString(),
            isDelete: entry.isDelete,
            value: entry.isDelete ? undefined : parseJson<T>(entry.value, key),
        }));
    }

    /**
     * Public keys, sorted. With an argument, only keys that start with it or composite keys
     * of that object type.
     */
    keys(prefixOrObjectType?: string): string[] {
        const keys = [...this.state.public.entries()].map(([key]) => key);
        if (prefixOrObjectType === undefined) {
            return keys;
        }
        const compositePrefix = `\u0000${prefixOrObjectType}\u0000`;
        return keys.filter((key) => key.startsWith(prefixOrObjectType) || key.startsWith(compositePrefix));
    }

    /** A composite key exactly as `ctx.stub.createCompositeKey(objectType, attributes)` builds it. */
    key(objectType: string, ...attributes: string[]): string {
        return `\u0000${objectType}\u0000${attributes.map((attribute) => `${attribute}\u0000`).join('')}`;
    }

    private defaultEndorsers(callerMspId: string): string[] {
        const first = this.channelOrgs.includes(callerMspId) ? callerMspId : this.channelOrgs[0];
        const second = this.channelOrgs.find((mspId) => mspId !== first);
        return second ? [first, second] : [first];
    }

    private async propose(
        who: HarnessIdentity,
        fn: string,
        args: readonly string[],
        options: CallOptions,
    ): Promise<ParsedProposal> {
        const credentials = await who.credentials();
        const millis = options.time === undefined ? this.time : parseTime(options.time, 'options.time');
        const peerMillis = options.peerTime === undefined ? millis : parseTime(options.peerTime, 'options.peerTime');
        // The simulated peers' clock, which the contracts' proposal time window compares against.
        setEndorserClock(() => peerMillis);
        const nonce = createHash('sha256')
            .update(`careledger-harness-nonce:${this.nonceCounter++}`)
            .digest()
            .subarray(0, 24);
        const identity = { mspId: who.mspId, certificate: credentials.certificate, privateKey: credentials.privateKey };
        const { proposalBytes } = buildProposal({
            channel,
            chaincode,
            creator: identity,
            args: [fn, ...args],
            transient: options.transient,
            timestamp: { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 },
            nonce,
        });
        return parseProposal(signedProposal(proposalBytes, await signMessage(identity, proposalBytes)));
    }

    private async commit(transaction: EndorsedTransaction): Promise<void> {
        await this.lock.write(() => {
            const number = this.state.height;
            const validation = validateBlock(this.state, [transaction], number);
            if (validation[0] !== 'VALID') {
                throw new HarnessError(
                    'MVCC_CONFLICT',
                    `transaction ${transaction.txId} (${transaction.functionName}) is invalid: ${validation[0]}`,
                );
            }
            this.state.apply({ number, previousHash: '', transactions: [transaction], validation });
        });
    }
}

function certificateAuthorityOf(mspId: string, domain: string): Promise<DevCertificateAuthority> {
    let ca = certificateAuthorities.get(mspId);
    if (!ca) {
        ca = DevCertificateAuthority.create(mspId, domain).then((created) => created.ca);
        certificateAuthorities.set(mspId, ca);
    }
    return ca;
}

function endorsementError(failure: EndorsementFailure): HarnessError {
    return failure.kind === 'rejected'
        ? HarnessError.fromChaincodeMessage(failure.message)
        : new HarnessError('ENDORSEMENT_FAILURE', failure.message);
}

function toResult(tx: Pick<EndorsedTransaction, 'txId' | 'response' | 'event'>): HarnessResult {
    const payload = tx.response.payload.toString('utf8');
    return {
        payload,
        json: <T>() => JSON.parse(payload) as T,
        txId: tx.txId,
        event: tx.event && { name: tx.event.name, payload: parseEventPayload(tx.event.payload) },
    };
}

function parseEventPayload(payload: Buffer): unknown {
    const text = payload.toString('utf8');
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function parseJson<T>(bytes: Buffer, key: string): T {
    try {
        return JSON.parse(bytes.toString('utf8')) as T;
    } catch {
        throw new Error(`value of key ${JSON.stringify(key)} is not JSON`);
    }
}

function parseTime(iso: string, field: string): number {
    const millis = Date.parse(iso);
    if (Number.isNaN(millis)) {
        throw new Error(`${field} must be an ISO-8601 date-time, got ${iso}`);
    }
    return millis;
}
