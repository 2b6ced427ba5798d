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
    creatorMspId: string;
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

export interface Block {
    number: number;
    /** SHA-256 of the previous block's bytes, hex; empty for block 0. */
    previousHash: string;
    transactions: EndorsedTransaction[];
    validation: ValidationCode[];
}

/** One entry of a key's history, as `getHistoryForKey` reports it. */
export interface HistoryEntry {
    txId: string;
    timestamp: { seconds: number; nanos: number };
    isDelete: boolean;
    value: Buffer;
    version: Height;
}
