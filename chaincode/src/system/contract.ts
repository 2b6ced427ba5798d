import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
    caller,
    CareLedgerContract,
    emitEvent,
    fromBytes,
    pageByPartialKey,
    parsePageSize,
    requireId,
    requireString,
    toBytes,
    txTimeIso,
} from '../common';
import { beatKey, pingKey, SystemObjects } from './keys';
import type { Heartbeat, HeartbeatVersion } from './types';

/**
 * Operational transactions: a liveness round trip through endorsement, ordering, commit and
 * event delivery (`Ping`), the identity the chaincode sees for the caller (`WhoAmI`), and
 * named heartbeats (`Beat`) whose read-modify-write, history and listing let operators and
 * the ledger scenarios observe MVCC, key history and pagination on any backend.
 */
@Info({ title: 'System', description: 'Liveness and identity checks' })
export class SystemContract extends CareLedgerContract {
    constructor() {
        super('system');
    }

    /** Records one ping under its own key (no shared counter) and emits `system.Pinged`. */
    @Transaction()
    @Returns('string')
    async Ping(ctx: Context, message: string): Promise<string> {
        const text = requireString(message, 'message', {
            max: 64,
            pattern: /^[A-Za-z0-9 ._-]+$/,
            patternRule: 'must be 1-64 letters, digits, spaces, ".", "_" or "-"',
        });
        const who = caller(ctx);
        const txId = ctx.stub.getTxID();
        const ping = { message: text, mspId: who.mspId, txId, at: txTimeIso(ctx) };
        await ctx.stub.putState(pingKey(ctx, txId), toBytes(ping));
        emitEvent(ctx, 'system.Pinged', ping);
        return JSON.stringify(ping);
    }

    @Transaction(false)
    @Returns('string')
    async WhoAmI(ctx: Context): Promise<string> {
        return JSON.stringify(caller(ctx));
    }

    /**
     * Counts one beat of `name` in `group`: reads and rewrites that heartbeat's key, so two
     * concurrent beats of one name conflict as every read-modify-write does. Emits `system.Beat`.
     */
    @Transaction()
    @Returns('string')
    async Beat(ctx: Context, group: string, name: string): Promise<string> {
        const groupId = requireId(group, 'group');
        const nameId = requireId(name, 'name');
        const key = beatKey(ctx, groupId, nameId);
        const current = await ctx.stub.getState(key);
        const previous = current.length ? fromBytes<Heartbeat>(current) : undefined;
        const beat: Heartbeat = {
            group: groupId,
            name: nameId,
            count: (previous?.count ?? 0) + 1,
            mspId: caller(ctx).mspId,
            txId: ctx.stub.getTxID(),
            at: txTimeIso(ctx),
        };
        await ctx.stub.putState(key, toBytes(beat));
        emitEvent(ctx, 'system.Beat', beat);
        return JSON.stringify(beat);
    }

    /** Every version of a heartbeat, newest first. */
    @Transaction(false)
    @Returns('string')
    async BeatHistory(ctx: Context, group: string, name: string): Promise<string> {
        const key = beatKey(ctx, requireId(group, 'group'), requireId(name, 'name'));
        const versions: HeartbeatVersion[] = [];
        for await (const modification of ctx.stub.getHistoryForKey(key)) {
            const seconds = Number(modification.timestamp.seconds.toString());
            const millis = seconds * 1000 + Math.floor(modification.timestamp.nanos / 1_000_000);
            versions.push({
                txId: modification.txId,
                timestamp: new Date(millis).toISOString(),
                isDelete: modification.isDelete,
                count: modification.isDelete ? undefined : fromBytes<Heartbeat>(modification.value).count,
            });
        }
        return JSON.stringify(versions);
    }

    /** One page of a group's heartbeats, in name order. */
    @Transaction(false)
    @Returns('string')
    async ListBeats(ctx: Context, group: string, pageSize: string, bookmark: string): Promise<string> {
        const size = parsePageSize(pageSize);
        const page = await pageByPartialKey<Heartbeat>(
            ctx,
            SystemObjects.beat,
            [requireId(group, 'group')],
            size,
            bookmark,
        );
        return JSON.stringify(page);
    }
}
