/**
 * The ledger as the gateway sees it: submit, evaluate, and chaincode events with checkpoints,
 * each acting as one enrolled identity. Two implementations stand behind it — `fabric/`
 * (a real network through @hyperledger/fabric-gateway) and `embedded/` (the same contracts
 * in-process) — and nothing above this interface can tell which one it talks to.
 *
 * @example
 * const ledger = await openLedger(loadLedgerConfig());
 * const session = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
 * const { result, transactionId } = await session.submit({ contract: 'system', name: 'Ping', args: ['hello'] });
 */

/** A public identity: what the chaincode sees as the creator of a transaction. */
export interface ClientIdentity {
    mspId: string;
    /** X.509 certificate, PEM. */
    certificate: string;
}

/** Signs a message digest (SHA-256 of the bytes to sign) and returns a DER ECDSA signature. */
export type DigestSigner = (digest: Uint8Array) => Promise<Uint8Array>;

/** An identity that can sign: either with a private key this process holds, or through a signer. */
export interface SigningIdentity extends ClientIdentity {
    /** PKCS#8 private key, PEM. Absent when `signer` signs elsewhere (HSM, patient's device). */
    privateKey?: string;
    signer?: DigestSigner;
}

export interface TransactionRequest {
    /** Contract name within the chaincode, e.g. `ehr`. */
    contract: string;
    /** Transaction function, e.g. `GrantConsent`. */
    name: string;
    args?: readonly string[];
    /** Transient data: reaches the chaincode, is never stored in a block. */
    transient?: Readonly<Record<string, Uint8Array | string>>;
    /**
     * MSP ids of the orgs whose peers must run it. For an evaluate, the query runs on a peer of
     * the first org listed: needed to read private data only that org's peers hold (e.g. a
     * custodian's implicit collection). For a submit, the orgs that endorse. Default: the
     * gateway's own org for evaluate; as the endorsement policy requires for submit.
     */
    endorsingOrganizations?: readonly string[];
}

export interface SubmitResult {
    /** The transaction function's return value. */
    result: Uint8Array;
    transactionId: string;
    /** Block the transaction committed in. */
    blockNumber: bigint;
}

/** A chaincode event from a committed, valid transaction. */
export interface LedgerEvent {
    blockNumber: bigint;
    transactionId: string;
    chaincodeName: string;
    /** e.g. `ehr.ConsentGranted`. */
    eventName: string;
    payload: Uint8Array;
}

/**
 * Where a stream resumes: after `transactionId` in `blockNumber`, or from the start of
 * `blockNumber` when `transactionId` is absent. Matches fabric-gateway's Checkpoint.
 */
export interface EventPosition {
    blockNumber: bigint;
    transactionId?: string;
}

export interface EventOptions {
    /** Resume point; default: only events committed after the stream opens. */
    from?: EventPosition;
}

/** A stream of chaincode events in commit order. `close()` ends iteration. */
export interface EventStream extends AsyncIterable<LedgerEvent> {
    close(): void;
}

/** A public key write of a committed transaction; `value` is absent when the key was deleted. */
export interface BlockWrite {
    key: string;
    value?: Uint8Array;
}

/**
 * One transaction of a block as every peer of the channel holds it: who (MSP and role, never a
 * name), what (contract function), the outcome, its chaincode event and the public writes of the
 * CareLedger chaincode. Arguments, return values and private data are not part of it.
 */
export interface BlockTransaction {
    transactionId: string;
    /** Index of the transaction within its block. */
    position: number;
    /** The proposal's timestamp (the client's clock, as the chaincode sees it), ISO-8601 UTC, milliseconds. */
    timestamp: string;
    creatorMspId: string;
    /** `careledger.role` of the creator's certificate, when it carries one. */
    creatorRole?: string;
    /** e.g. `ehr:GrantConsent`; absent for configuration transactions. */
    functionName?: string;
    /** Fabric's TxValidationCode name: `VALID`, `MVCC_READ_CONFLICT`, ... */
    validationCode: string;
    event?: { name: string; payload: Uint8Array };
    /** Writes to the chaincode's public state, in key order; empty for an invalid transaction's discarded writes only if the ledger drops them. */
    writes: BlockWrite[];
    /** The invocation's arguments after the function name, as the block keeps them (Fabric; for scans such as the privacy scan). */
    arguments?: Uint8Array[];
    /** The chaincode's response payload, as the block keeps it (Fabric). */
    response?: Uint8Array;
}

/**
 * A committed block: its header (hash chain) and its transactions. `hash` is what the next
 * block's `previousHash` names; `dataHash` covers the block's transactions.
 */
export interface LedgerBlock {
    number: bigint;
    previousHash: string;
    dataHash: string;
    hash: string;
    transactions: BlockTransaction[];
    /** The block as the peer serialised it, every byte of it (Fabric; for scans such as the privacy scan). */
    bytes?: Uint8Array;
}

export interface BlockOptions {
    /** First block to deliver; default: the next block committed after the stream opens. */
    startBlock?: bigint;
}

/** Committed blocks in order, replayed from `startBlock` and then followed. `close()` ends iteration. */
export interface BlockStream extends AsyncIterable<LedgerBlock> {
    close(): void;
    /**
     * Where the blocks come from now: on Fabric the host alias of the peer streaming them, which
     * changes when the stream fails over to another peer of the org; undefined if not known.
     */
    readonly source?: string;
}

/**
 * Offline signing (fabric-gateway's offline flow): the transaction is prepared here and every
 * signature is made by a client that keeps its private key. Each step carries the bytes and
 * their SHA-256 `digest`, which the client signs (ECDSA P-256, DER, low-S) with the key of the
 * session's certificate; the signature moves the transaction to the next step.
 */
export interface SignableStep {
    readonly transactionId: string;
    readonly bytes: Uint8Array;
    readonly digest: Uint8Array;
}

export interface PreparedProposal extends SignableStep {
    /** Runs the signed proposal as a query; nothing is ordered. */
    evaluate(signature: Uint8Array): Promise<Uint8Array>;
    /** Endorses the signed proposal; returns the transaction to sign. */
    endorse(signature: Uint8Array): Promise<PreparedTransaction>;
}

export interface PreparedTransaction extends SignableStep {
    /** Sends the signed transaction for ordering; returns the commit-status request to sign. */
    submit(signature: Uint8Array): Promise<PreparedCommit>;
}

export interface PreparedCommit extends SignableStep {
    /** Waits for the commit; throws {@link LedgerError} if the transaction is not valid. */
    status(signature: Uint8Array): Promise<SubmitResult>;
}

/** Calls made as one identity. Cheap to create; share the underlying connections. */
export interface LedgerSession {
    readonly identity: ClientIdentity;
    /** Endorse, order and wait for commit; throws {@link LedgerError} if the transaction is not valid. */
    submit(request: TransactionRequest): Promise<SubmitResult>;
    /** Run a read-only query on one peer; nothing is ordered or committed. */
    evaluate(request: TransactionRequest): Promise<Uint8Array>;
    /** Chaincode events of the CareLedger chaincode. */
    events(options?: EventOptions): Promise<EventStream>;
    /**
     * Committed blocks as this session's peer holds them (no private data), from
     * `startBlock`; on Fabric the stream moves to the org's next peer when one fails.
     */
    blocks(options?: BlockOptions): Promise<BlockStream>;
    /** Number of blocks this session's peer has committed (the next block's number). */
    chainHeight(): Promise<bigint>;
    /**
     * Prepares `request` for offline signing. A session whose identity has neither private key
     * nor signer (the client keeps the key) supports only this.
     */
    prepare?(request: TransactionRequest): Promise<PreparedProposal>;
}

/**
 * A new user of an org: the CA writes `role` and `actorId` into the certificate as
 * `careledger.role` and `careledger.id`, which is all the chaincode trusts.
 */
export interface Registration {
    /** Enrolment id, the certificate's CN: 1-64 letters, digits, `.`, `_`, `-`. */
    user: string;
    /** One of the chaincode's roles (physician, nurse, patient, ...). */
    role: string;
    /** Pseudonymous actor id, never a name. */
    actorId: string;
}

/** A registration whose key stays with the client: the CA signs the client's CSR (CN = `user`). */
export interface CsrRegistration extends Registration {
    /** PKCS#10 certificate signing request, PEM. */
    csrPem: string;
}

/**
 * Finds enrolled identities by org and user name, e.g. `('hospital', 'physician1')`, and
 * registers new ones with the org's CA.
 */
export interface IdentityDirectory {
    /**
     * An enrolled user. A user enrolled with a CSR (the key is on their device) comes back with
     * the certificate alone, neither key nor signer.
     */
    get(org: string, user: string): Promise<SigningIdentity>;
    /** Orgs with their MSP ids, e.g. `[{ org: 'hospital', mspId: 'HospitalMSP' }]`. */
    orgs(): Promise<Array<{ org: string; mspId: string }>>;
    /**
     * Registers a new user with the org's CA and enrols a key made here; `get` finds the user
     * afterwards. Throws CONFLICT if the name is already registered, INVALID_ARGUMENT naming
     * the field for a bad name, role or actor id.
     */
    register(org: string, registration: Registration): Promise<SigningIdentity>;
    /**
     * Registers a new user and has the CA sign the client's CSR: the private key never reaches
     * this process, and only the certificate is kept. Same errors as `register`, and
     * INVALID_ARGUMENT (`csr`) for a CSR that is malformed, badly signed or not for `user`.
     */
    enrollWithCsr(org: string, registration: CsrRegistration): Promise<ClientIdentity>;
}

export type LedgerKind = 'embedded' | 'fabric';

export interface Ledger {
    readonly kind: LedgerKind;
    readonly identities: IdentityDirectory;
    connect(identity: SigningIdentity): LedgerSession;
    close(): Promise<void>;
}
