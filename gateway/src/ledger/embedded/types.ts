/**
 * The embedded ledger's data model, after Fabric's: versions are (block, transaction)
 * heights; a simulation produces a read/write set; blocks carry endorsed transactions and,
 * once validated, a validation code per transaction.
 */

/** Fabric's version of a key: the block and the position in it of the transaction that last wrote it. */
export interface Height {
    blockNum: number;
    txNum: number;
}

export interface VersionedValue {
    value: Buffer;
    version: Height;
    /** State metadata, e.g. a key-level endorsement policy under `VALIDATION_PARAMETER`. */
    metadata?: Record<string, Buffer>;
}

export interface HashedValue {
    valueHash: Buffer;
    version: Height;
    metadata?: Record<string, Buffer>;
}

export interface KeyRead {
    key: string;
    /** `null` when the key did not exist. */
    version: Height | null;
}

/** A range scan as simulated, re-executed at validation to detect phantoms. */
export interface RangeQueryInfo {
    startKey: string;
    endKey: string;
    /** When false the scan stopped early and `endKey` is the last key read, inclusive. */
    itrExhausted: boolean;
    reads: KeyRead[];
}

export interface KeyWrite {
    key: string;
    /** `null` deletes the key. */
    value: Buffer | null;
}

export interface MetadataWrite {
    key: string;
    /** Empty deletes all metadata of the key. */
    entries: Record<string, Buffer>;
}

export interface HashedRead {
    keyHash: string;
    version: Height | null;
}

export interface PrivateWrite extends KeyWrite {
    /** Purges also drop every earlier version; the value is `null`. */
    purge: boolean;
}

export interface CollectionRwSet {
    collection: string;
    hashedReads: HashedRead[];
    /** Clear-text writes: only peers of member orgs keep them; everyone keeps their hashes. */
    writes: PrivateWrite[];
    metadataWrites: MetadataWrite[];
}

/** What one endorsement produced. Keys are sorted, so equal simulations give equal sets. */
export interface RwSet {
    reads: KeyRead[];
    rangeQueries: RangeQueryInfo[];
    writes: KeyWrite[];
    metadataWrites: MetadataWrite[];
    collections: CollectionRwSet[];
}

export interface ChaincodeEventData {
    name: string;
    payload: Buffer;
}

/** The chaincode's response to one invocation (a peer's `pb.Response`). */
export interface ChaincodeResponse {
    status: number;
    message: string;
    payload: Buffer;
}

/** A transaction as the orderer receives it: endorsed results plus who, when and what. */
export interface EndorsedTransaction {
    txId: string;
    /**
     * The chaincode input (`contract:Function` and its arguments), kept in the block as Fabric
     * keeps the proposal payload; transient data is never part of it. Absent in hand-built tests.
     */
    args?: Buffer[];
    creatorMspId: string;
    /** `careledger.role` of the creator's certificate (never a name); absent in blocks written before it was kept. */
    creatorRole?: string;
    /** Seconds and nanos of the proposal's timestamp. */
    timestamp: { seconds: number; nanos: number };
    /** `contract:Function`, for diagnostics. */
    functionName: string;
    rwset: RwSet;
    response: ChaincodeResponse;
    event?: ChaincodeEventData;
}

/** Fabric's TxValidationCode names for the outcomes the embedded ledger produces. */
export type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'DUPLICATE_TXID';

/** A private write as a block keeps it (Fabric's hashed rwset): hashes only. */
export interface HashedPrivateWrite {
    keyHash: string;
    /** SHA-256 of the value; null for a delete or purge. */
    valueHash: Buffer | null;
    purge: boolean;
}

export interface HashedCollectionRwSet {
    collection: string;
    hashedReads: HashedRead[];
    hashedWrites: HashedPrivateWrite[];
    hashedMetadataWrites: Array<{ keyHash: string; entries: Record<string, Buffer> }>;
}

/** A transaction as a block keeps it: its private data only as hashes. */
export interface LedgerTransaction extends Omit<EndorsedTransaction, 'rwset'> {
    rwset: Omit<RwSet, 'collections'> & { collections: HashedCollectionRwSet[] };
}

/** A block as stored and delivered: private data only as hashes (see ledger-block.ts). */
export interface Block {
    number: number;
    /** SHA-256 of the previous block's bytes, hex; empty for block 0. */
    previousHash: string;
    transactions: LedgerTransaction[];
    validation: ValidationCode[];
}

/** A validated block with its endorsed transactions, private writes in clear: what state applies. */
export interface EndorsedBlock extends Omit<Block, 'transactions'> {
    transactions: EndorsedTransaction[];
}

/** One entry of a key's history, as `getHistoryForKey` reports it. */
export interface HistoryEntry {
    txId: string;
    timestamp: { seconds: number; nanos: number };
    isDelete: boolean;
    value: Buffer;
    version: Height;
}
