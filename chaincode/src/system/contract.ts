import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { caller, CareLedgerContract, compositeKey, emitEvent, requireString, toBytes, txTimeIso } from '../common';

/**
 * Operational transactions: a liveness round trip through endorsement, ordering, commit and
 * event delivery (`Ping`), and the identity the chaincode sees for the caller (`WhoAmI`).
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
        await ctx.stub.putState(compositeKey(ctx, 'system.ping', [txId]), toBytes(ping));
        emitEvent(ctx, 'system.Pinged', ping);
        return JSON.stringify(ping);
    }

    @Transaction(false)
    @Returns('string')
    async WhoAmI(ctx: Context): Promise<string> {
        return JSON.stringify(caller(ctx));
    }
}
