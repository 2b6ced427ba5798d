import type { Context } from 'fabric-contract-api';
import { compositeKey } from '../common';

/** Object types of the system contract's keys. */
export const SystemObjects = {
    ping: 'system.ping',
    beat: 'system.beat',
} as const;

export function pingKey(ctx: Context, txId: string): string {
    return compositeKey(ctx, SystemObjects.ping, [txId]);
}

export function beatKey(ctx: Context, group: string, name: string): string {
    return compositeKey(ctx, SystemObjects.beat, [group, name]);
}
