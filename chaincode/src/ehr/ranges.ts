import type { Context } from 'fabric-contract-api';
import { fromBytes, requireString } from '../common';

/**
 * The first `limit` entries under a partial composite key, and whether more exist. For update
 * transactions that work in batches: unlike a paginated query this is allowed outside
 * read-only transactions, and unlike `allByPartialKey` it stops instead of failing at the bound.
 */
export async function firstByPartialKey<S>(
    ctx: Context,
    objectType: string,
    attributes: readonly string[],
    limit: number,
): Promise<{ entries: Array<{ key: string; value: S }>; more: boolean }> {
    const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
    const entries: Array<{ key: string; value: S }> = [];
    let more = false;
    try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            if (entries.length === limit) {
                more = true;
                break;
            }
            entries.push({ key: next.value.key, value: fromBytes<S>(next.value.value) });
        }
    } finally {
        await iterator.close();
    }
    return { entries, more };
}

/** A page bookmark as the previous page returned it; empty for the first page. */
export function requireBookmark(bookmark: string | undefined): string {
    return bookmark === undefined || bookmark === '' ? '' : requireString(bookmark, 'bookmark', { max: 1024 });
}
