import type { Context } from 'fabric-contract-api';
import { conflict, invalidArgument } from './errors';

/**
 * The transaction's own timestamp, set by the client in the proposal and identical on every
 * endorsing peer. Contracts never write the wall clock into state.
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

/**
 * How far a proposal's timestamp may be from the endorsing peer's own clock: 5 minutes either
 * way. The proposal's signer chooses its timestamp, and every expiry (consents, licences,
 * delegations, location grants) is compared with it; the window bounds how far any client can
 * move a decision in time. Peers keep their clocks within seconds by NTP, so honest clients
 * never meet it.
 */
export const ProposalWindowMs = 5 * 60_000;

// The one wall-clock read in the chaincode: it decides whether to refuse a proposal and is never written (see below).
// eslint-disable-next-line no-restricted-properties
let endorserClock: () => number = () => Date.now();

/**
 * Test hook for the contract harness, whose simulated peers live at the harness's time. Never
 * called by contracts or the gateway; the default is the peer's wall clock.
 */
export function setEndorserClock(clock?: () => number): void {
    // eslint-disable-next-line no-restricted-properties -- the peer's clock, read only to refuse (see above)
    endorserClock = clock ?? (() => Date.now());
}

/**
 * Refuses a proposal whose timestamp is outside {@link ProposalWindowMs} of this endorser's clock.
 * It reads the wall clock only to decide, never to write: an endorser either refuses the
 * proposal or simulates it on the transaction's own timestamp, so what peers write stays
 * deterministic (two endorsers that disagree about the window fail the endorsement, as a
 * mismatch should).
 */
export function requireTimestampInWindow(ctx: Context): void {
    const stamped = txTime(ctx).getTime();
    const now = endorserClock();
    if (Math.abs(stamped - now) > ProposalWindowMs) {
        throw invalidArgument(
            'timestamp',
            `proposal timestamp ${new Date(stamped).toISOString()} is more than ${ProposalWindowMs / 60_000} minutes from the endorsing peer's clock (${new Date(now).toISOString()})`,
        );
    }
}

/**
 * Time-ordered state: refuses a transaction dated before `changedAt`, the recorded time of a
 * change it reads (a revocation, a suspension, a record's registration), so a backdated
 * proposal cannot act as if the change had not happened yet.
 */
export function requireNotBefore(ctx: Context, changedAt: string | undefined, what: string): void {
    if (changedAt !== undefined && txTime(ctx).getTime() < Date.parse(changedAt)) {
        throw conflict(
            `transaction dated ${txTimeIso(ctx)} is older than ${what} at ${changedAt}; resubmit with the current time`,
            'timestamp',
        );
    }
}

/**
 * Expiries under a backdated proposal: refuses a transaction stamped before `expiresAt` when the
 * endorsing peer's clock is already past it — the proposal would use a consent, licence or
 * delegation that has ended. Like the window, a refusal only (no state depends on the clock).
 */
export function requireNotExpiredByPeerClock(ctx: Context, expiresAt: string | undefined, what: string): void {
    if (expiresAt === undefined) {
        return;
    }
    const end = Date.parse(expiresAt);
    if (txTime(ctx).getTime() < end && endorserClock() >= end) {
        throw conflict(
            `${what} ended at ${expiresAt}, before this endorser's clock; a proposal dated ${txTimeIso(ctx)} cannot use it`,
            'timestamp',
        );
    }
}
