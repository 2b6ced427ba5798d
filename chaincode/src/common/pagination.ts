import type { Context } from 'fabric-contract-api';
import { invalidArgument } from './errors';
import { fromBytes } from './json';

/**
 * Paginated reads. Fabric serves paginated range queries only to read-only transactions,
 * so these are for evaluated queries; update transactions use bounded, keyed reads.
 */
export interface Page<T> {
    items: T[];
    /** Pass back to fetch the next page; empty when there is none. */
    bookmark: string;
}

export const DefaultPageSize = 50;
export const MaxPageSize = 200;

export function parsePageSize(raw: string | number | undefined, field = 'pageSize'): number {
    if (raw === undefined || raw === '' || raw === 0 || raw === '0') {
        return DefaultPageSize;
    }
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isSafeInteger(n) || n < 1 || n > MaxPageSize) {
        throw invalidArgument(field, `must be an integer from 1 to ${MaxPageSize}`);
    }
    return n;
}

/**
 * One page of the values under a partial composite key, decoded as JSON. `map` may skip a
 * value by returning `undefined` (the page then holds fewer items but the bookmark still advances).
 */
export async function pageByPartialKey<S, T = S>(
    ctx: Context,
    objectType: string,
    attributes: readonly string[],
    pageSize: number,
    bookmark: string,
    map: (value: S, key: string) => T | undefined | Promise<T | undefined> = (value) => value as unknown as T,
): Promise<Page<T>> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
        objectType,
        [...attributes],
        pageSize,
        bookmark,
    );
    const items: T[] = [];
    let exhausted = false;
    try {
        let next = await iterator.next();
        for (; !next.done; next = await iterator.next()) {
            const mapped = await map(fromBytes<S>(next.value.value), next.value.key);
            if (mapped !== undefined) {
                items.push(mapped);
            }
        }
        exhausted = next.done === true;
    } finally {
        await closeUnlessExhausted(iterator, exhausted);
    }
    // An empty page's metadata is all defaults, which protobuf encodes as nothing: the shim then gives none.
    const done = !metadata || metadata.fetchedRecordsCount < pageSize;
    return { items, bookmark: done ? '' : metadata.bookmark };
}

/**
 * Every value under a partial composite key, for update transactions. Throws INVALID_ARGUMENT
 * if more than `limit` entries exist, so a transaction never scans without bound.
 */
export async function allByPartialKey<S>(
    ctx: Context,
    objectType: string,
    attributes: readonly string[],
    limit: number,
): Promise<Array<{ key: string; value: S }>> {
    const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
    const out: Array<{ key: string; value: S }> = [];
    let exhausted = false;
    try {
        let next = await iterator.next();
        for (; !next.done; next = await iterator.next()) {
            if (out.length === limit) {
                throw invalidArgument(objectType, `more than ${limit} entries; this operation is bounded to ${limit}`);
            }
            out.push({ key: next.value.key, value: fromBytes<S>(next.value.value) });
        }
        exhausted = next.done === true;
    } finally {
        await closeUnlessExhausted(iterator, exhausted);
    }
    return out;
}

/**
 * Closes an iterator the chaincode stops reading early. One read to the end needs no close: the
 * peer drops its query context when it sends the last batch (`has_more` false), so the
 * QUERY_STATE_CLOSE would be one more gRPC round trip per range read for nothing (the peer also
 * closes every iterator left open when the transaction ends).
 */
async function closeUnlessExhausted(iterator: { close(): Promise<unknown> }, exhausted: boolean): Promise<void> {
    if (!exhausted) {
        await iterator.close();
    }
}
