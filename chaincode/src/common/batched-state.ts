import type { Context } from 'fabric-contract-api';

/**
 * Fabric 3.1's batched state access, for transactions that read or write many keys. The peer
 * can answer many keys in one GET_STATE_MULTIPLE and take a transaction's writes in one
 * WRITE_BATCH_STATE instead of one gRPC round trip per key (chaincode.runtimeParams in the
 * peer's core.yaml, on by default). fabric-shim 2.5.8 does not send them; the project patches
 * it at install (patches/fabric-shim+2.5.8.patch, after fabric-chaincode-node PR #527 and
 * #453), and the patched shim falls back to one message per key when the peer does not offer
 * the feature. Results and the read-write set are the same either way; only the number of
 * messages between chaincode and peer changes.
 */

/** The methods the patched shim adds to the stub (fabric-shim-api does not declare them). */
interface BatchingStub {
    getMultipleStates(keys: string[]): Promise<Uint8Array[]>;
    startWriteBatch(): void;
    finishWriteBatch(): Promise<void>;
}

function batchingStub(ctx: Context): BatchingStub | undefined {
    const stub = ctx.stub as unknown as Partial<BatchingStub>;
    return typeof stub.getMultipleStates === 'function' &&
        typeof stub.startWriteBatch === 'function' &&
        typeof stub.finishWriteBatch === 'function'
        ? (stub as BatchingStub)
        : undefined;
}

/**
 * The values of `keys`, in order; an empty array for a missing key (as getState answers).
 * One request per 1,000 keys on a Fabric 3.1 peer; per key elsewhere (an unpatched shim too).
 */
export async function getStates(ctx: Context, keys: readonly string[]): Promise<Uint8Array[]> {
    if (keys.length === 0) {
        return [];
    }
    const stub = batchingStub(ctx);
    if (stub) {
        return stub.getMultipleStates([...keys]);
    }
    const values: Uint8Array[] = [];
    for (const key of keys) {
        values.push(await ctx.stub.getState(key));
    }
    return values;
}

/**
 * Runs `write` with the transaction's writes buffered and sends them to the peer as one batch
 * (chunks of the peer's maximum) when it returns. Reads inside `write` still see committed
 * state only, as always in Fabric. If `write` throws, nothing buffered is sent, and the
 * transaction fails anyway.
 */
export async function inWriteBatch<T>(ctx: Context, write: () => Promise<T>): Promise<T> {
    const stub = batchingStub(ctx);
    stub?.startWriteBatch();
    const result = await write();
    await stub?.finishWriteBatch();
    return result;
}
