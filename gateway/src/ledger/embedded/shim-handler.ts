import { ledger, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { Scan, ScanResult, TxSimulator } from './simulator';

// fabric-shim's own iterator classes, so contracts iterate exactly as on a peer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateQueryIterator, HistoryQueryIterator } = require('fabric-shim/lib/iterators') as {
    StateQueryIterator: new (
        handler: unknown,
        channelId: string,
        txId: string,
        response: peer.QueryResponse,
    ) => unknown;
    HistoryQueryIterator: new (
        handler: unknown,
        channelId: string,
        txId: string,
        response: peer.QueryResponse,
    ) => unknown;
};

/** A write the patched fabric-shim buffered after `startWriteBatch()` (one WriteRecord). */
export interface BatchedWrite {
    type: number;
    collection: string;
    key: string;
    value?: Uint8Array;
    metakey?: string;
}

/** Largest batches the peer accepts; 0 = the peer does not offer the feature (before Fabric 3.1). */
export interface StateBatching {
    writeBatch: number;
    getMultipleKeys: number;
}

/** Fabric 3.1's core.yaml defaults (`chaincode.runtimeParams`): both on, 1,000 per message. */
export const Fabric31Batching: StateBatching = { writeBatch: 1000, getMultipleKeys: 1000 };
/** A peer before 3.1, or with both runtime params off: one message per key. */
export const NoBatching: StateBatching = { writeBatch: 0, getMultipleKeys: 0 };

/** The peer's `chaincode.maxResultLimit`: results per QueryResponse batch. */
const maxResultLimit = 100;
/** The peer's `ledger.state.totalQueryLimit` default. */
const totalQueryLimit = 100000;

interface QueryContext {
    scan: Scan;
    pending: ScanResult[];
    returned: number;
    paginated: boolean;
    limit: number;
}

/**
 * The peer side of the chaincode shim: fabric-shim's ChaincodeStub calls these methods
 * (the ones its gRPC handler would turn into ChaincodeMessages) and gets the same answers
 * a peer sends back — including the batching of query results, pagination metadata and
 * the peer's error texts — with a {@link TxSimulator} in place of the peer's ledger.
 */
export class ShimHandler {
    private readonly queries = new Map<string, QueryContext>();
    private nextQueryId = 0;
    /** Fabric 3.1's `chaincode.runtimeParams`, which the patched fabric-shim reads from READY. */
    readonly usePeerWriteBatch: boolean;
    readonly maxSizeWriteBatch: number;
    readonly usePeerGetMultipleKeys: boolean;
    readonly maxSizeGetMultipleKeys: number;
    /**
     * Requests the chaincode made, by message type: on a peer each is one gRPC round trip between
     * the chaincode and the peer, so this is the transaction's state-access profile.
     */
    readonly calls: Record<string, number> = {};

    constructor(
        private readonly simulator: TxSimulator,
        batching: StateBatching = Fabric31Batching,
    ) {
        this.usePeerWriteBatch = batching.writeBatch > 0;
        this.maxSizeWriteBatch = batching.writeBatch;
        this.usePeerGetMultipleKeys = batching.getMultipleKeys > 0;
        this.maxSizeGetMultipleKeys = batching.getMultipleKeys;
    }

    /** GET_STATE_MULTIPLE: the peer answers every key of the request, an empty value for a missing one. */
    async handleGetMultipleStates(collection: string, keys: string[]): Promise<Buffer[]> {
        if (!this.usePeerGetMultipleKeys) {
            const values: Buffer[] = [];
            for (const key of keys) {
                values.push(await this.handleGetState(collection, key));
            }
            return values;
        }
        return this.run('GET_STATE_MULTIPLE', () =>
            keys.map((key) =>
                Buffer.from(
                    (collection ? this.simulator.getPrivateData(collection, key) : this.simulator.getState(key)) ??
                        Buffer.alloc(0),
                ),
            ),
        );
    }

    /** WRITE_BATCH_STATE: the peer applies the records in order, as it would the single writes. */
    async handleWriteBatch(records: BatchedWrite[]): Promise<void> {
        this.run('WRITE_BATCH_STATE', () => {
            for (const record of records) {
                const { collection, key } = record;
                const value = Buffer.from(record.value ?? []);
                switch (record.type) {
                    case peer.WriteRecord.Type.PUT_STATE:
                        if (collection) this.simulator.putPrivateData(collection, key, value);
                        else this.simulator.putState(key, value);
                        break;
                    case peer.WriteRecord.Type.DEL_STATE:
                        if (collection) this.simulator.deletePrivateData(collection, key);
                        else this.simulator.deleteState(key);
                        break;
                    case peer.WriteRecord.Type.PURGE_PRIVATE_DATA:
                        this.simulator.purgePrivateData(collection, key);
                        break;
                    case peer.WriteRecord.Type.PUT_STATE_METADATA:
                        if (collection)
                            this.simulator.putPrivateDataMetadata(collection, key, record.metakey ?? '', value);
                        else this.simulator.putStateMetadata(key, record.metakey ?? '', value);
                        break;
                    default:
                        throw new Error('unknown operation type');
                }
            }
        });
    }

    async handleGetState(collection: string, key: string): Promise<Buffer> {
        return this.run('GET_STATE', () =>
            Buffer.from(
                (collection ? this.simulator.getPrivateData(collection, key) : this.simulator.getState(key)) ??
                    Buffer.alloc(0),
            ),
        );
    }

    async handlePutState(collection: string, key: string, value: Uint8Array): Promise<Buffer> {
        return this.run('PUT_STATE', () => {
            const bytes = Buffer.from(value ?? []);
            if (collection) {
                this.simulator.putPrivateData(collection, key, bytes);
            } else {
                this.simulator.putState(key, bytes);
            }
            return Buffer.alloc(0);
        });
    }

    async handleDeleteState(collection: string, key: string): Promise<Buffer> {
        return this.run('DEL_STATE', () => {
            if (collection) {
                this.simulator.deletePrivateData(collection, key);
            } else {
                this.simulator.deleteState(key);
            }
            return Buffer.alloc(0);
        });
    }

    async handlePurgeState(collection: string, key: string): Promise<Buffer> {
        return this.run('PURGE_PRIVATE_DATA', () => {
            this.simulator.purgePrivateData(collection, key);
            return Buffer.alloc(0);
        });
    }

    async handlePutStateMetadata(collection: string, key: string, metakey: string, value: Uint8Array): Promise<Buffer> {
        return this.run('PUT_STATE_METADATA', () => {
            const bytes = Buffer.from(value ?? []);
            if (collection) {
                this.simulator.putPrivateDataMetadata(collection, key, metakey, bytes);
            } else {
                this.simulator.putStateMetadata(key, metakey, bytes);
            }
            return Buffer.alloc(0);
        });
    }

    async handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Buffer>> {
        return this.run('GET_STATE_METADATA', () =>
            collection ? this.simulator.getPrivateDataMetadata(collection, key) : this.simulator.getStateMetadata(key),
        );
    }

    async handleGetPrivateDataHash(collection: string, key: string): Promise<Buffer> {
        return this.run('GET_PRIVATE_DATA_HASH', () =>
            Buffer.from(this.simulator.getPrivateDataHash(collection, key) ?? Buffer.alloc(0)),
        );
    }

    async handleGetStateByRange(
        collection: string,
        startKey: string,
        endKey: string,
        channelId: string,
        txId: string,
        metadataBytes?: Uint8Array,
    ): Promise<{ iterator: unknown; metadata?: { bookmark: string; fetchedRecordsCount: number } }> {
        const response = this.run('GET_STATE_BY_RANGE', () => {
            const metadata =
                metadataBytes && metadataBytes.length ? peer.QueryMetadata.deserializeBinary(metadataBytes) : undefined;
            const paginated = !!metadata && (metadata.getPagesize() > 0 || metadata.getBookmark() !== '');
            const pageSize = metadata?.getPagesize() ?? 0;
            const limit = pageSize > 0 && pageSize < totalQueryLimit ? pageSize : totalQueryLimit;
            let scan: Scan;
            if (collection) {
                scan = this.simulator.privateRangeScan(collection, startKey, endKey);
                return this.openQuery(scan, false, limit);
            }
            if (paginated) {
                const bookmark = metadata.getBookmark();
                scan = this.simulator.rangeScan(bookmark !== '' ? bookmark : startKey, endKey, pageSize);
                return this.openQuery(scan, true, limit);
            }
            return this.openQuery(this.simulator.rangeScan(startKey, endKey), false, limit);
        });
        const iterator = new StateQueryIterator(this, channelId, txId, response);
        const metadata = response.getMetadata_asU8();
        if (metadata.length === 0) {
            return { iterator };
        }
        const decoded = peer.QueryResponseMetadata.deserializeBinary(metadata);
        return {
            iterator,
            metadata: { bookmark: decoded.getBookmark(), fetchedRecordsCount: decoded.getFetchedRecordsCount() },
        };
    }

    async handleQueryStateNext(id: string): Promise<peer.QueryResponse> {
        return this.run('QUERY_STATE_NEXT', () => {
            const context = this.queries.get(id);
            if (!context) {
                throw new Error('query iterator not found');
            }
            return this.buildResponse(id, context);
        });
    }

    async handleQueryStateClose(id: string): Promise<peer.QueryResponse> {
        return this.run('QUERY_STATE_CLOSE', () => {
            this.queries.delete(id);
            const response = new peer.QueryResponse();
            response.setHasMore(false);
            response.setId(id);
            return response;
        });
    }

    async handleGetQueryResult(): Promise<never> {
        return this.run('GET_QUERY_RESULT', () => {
            // The embedded ledger's state database behaves as Fabric's LevelDB, which has no rich queries.
            throw new Error('ExecuteQuery not supported for leveldb');
        });
    }

    async handleGetHistoryForKey(key: string, channelId: string, txId: string): Promise<unknown> {
        const response = this.run('GET_HISTORY_FOR_KEY', () =>
            this.openQuery(this.simulator.history(key), false, totalQueryLimit),
        );
        return new HistoryQueryIterator(this, channelId, txId, response);
    }

    async handleInvokeChaincode(): Promise<never> {
        return this.run('INVOKE_CHAINCODE', () => {
            throw new Error('the embedded ledger runs one chaincode; chaincode-to-chaincode calls are not supported');
        });
    }

    private openQuery(scan: Scan, paginated: boolean, limit: number): peer.QueryResponse {
        const id = `${this.simulator.txId}-query-${this.nextQueryId++}`;
        const context: QueryContext = { scan, pending: [], returned: 0, paginated, limit };
        this.queries.set(id, context);
        return this.buildResponse(id, context);
    }

    /** Fabric's QueryResponseGenerator.BuildQueryResponse, step for step: it reads one result ahead per batch. */
    private buildResponse(id: string, context: QueryContext): peer.QueryResponse {
        for (;;) {
            if (context.returned >= context.limit) {
                return this.finalResponse(id, context);
            }
            const result = context.scan.next();
            if (result === null) {
                return this.finalResponse(id, context);
            }
            if (!context.paginated && context.pending.length === maxResultLimit) {
                const batch = context.pending;
                context.pending = [result];
                context.returned++;
                return queryResponse(id, batch, true);
            }
            context.pending.push(result);
            context.returned++;
        }
    }

    private finalResponse(id: string, context: QueryContext): peer.QueryResponse {
        const response = queryResponse(id, context.pending, false);
        context.pending = [];
        if (context.paginated) {
            const metadata = new peer.QueryResponseMetadata();
            metadata.setBookmark(context.scan.bookmark());
            metadata.setFetchedRecordsCount(context.returned);
            response.setMetadata(metadata.serializeBinary());
        }
        this.queries.delete(id);
        return response;
    }

    /** Runs a request as the peer's handler does: a failure answers with the peer's wrapped error text. */
    private run<T>(messageType: string, action: () => T): T {
        this.calls[messageType] = (this.calls[messageType] ?? 0) + 1;
        try {
            return action();
        } catch (error) {
            const detail = error instanceof Error ? error.message : String(error);
            throw new Error(`${messageType} failed: transaction ID: ${this.simulator.txId}: ${detail}`);
        }
    }
}

function queryResponse(id: string, results: ScanResult[], hasMore: boolean): peer.QueryResponse {
    const response = new peer.QueryResponse();
    response.setResultsList(results.map(toResultBytes));
    response.setHasMore(hasMore);
    response.setId(id);
    return response;
}

function toResultBytes(result: ScanResult): peer.QueryResultBytes {
    const bytes = new peer.QueryResultBytes();
    if (result.kind === 'kv') {
        const kv = new ledger.queryresult.KV();
        kv.setKey(result.key);
        kv.setValue(result.value);
        bytes.setResultbytes(kv.serializeBinary());
    } else {
        const modification = new ledger.queryresult.KeyModification();
        const timestamp = new Timestamp();
        timestamp.setSeconds(result.entry.timestamp.seconds);
        timestamp.setNanos(result.entry.timestamp.nanos);
        modification.setTxId(result.entry.txId);
        modification.setValue(result.entry.value);
        modification.setTimestamp(timestamp);
        modification.setIsDelete(result.entry.isDelete);
        bytes.setResultbytes(modification.serializeBinary());
    }
    return bytes;
}
