import type { Context } from 'fabric-contract-api';

/**
 * The transaction's own timestamp, set by the client in the proposal and identical on every
 * endorsing peer. Contracts never read the wall clock.
 */
export function txTime(ctx: Context): Date {
    const ts = ctx.stub.getTxTimestamp();
    const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
    return new Date(seconds * 1000 + Math.floor(ts.nanos / 1_000_000));
}

/** ISO-8601 UTC form of {@link txTime}, the format every stored date uses. */
export function txTimeIso(ctx: Context): string {
    return txTime(ctx).toISOString();
}
