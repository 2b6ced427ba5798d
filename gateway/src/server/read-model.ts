import type { FastifyReply } from 'fastify';
import type { ReadModelFreshness, VerificationReadModel } from '../history';
import { LedgerError } from '../ledger';
import type { GatewayContext } from './context';

/**
 * Where a verification route answers from (issue 19): `source=ledger` (the default) evaluates
 * on the org's peer, as of its newest block; `source=index` answers from the history index's
 * read model, which reflects only committed blocks and states which (`CareLedger-Block-Height`).
 * Both carry `CareLedger-Source`, so a client always knows which it got.
 */
export type VerificationSource = 'ledger' | 'index';

/** The querystring property every verification route declares. */
export const sourceProperty = {
    type: 'string',
    enum: ['ledger', 'index'],
    description:
        'ledger (default): evaluated on the peer, fresh as its newest block; index: served from the history index ' +
        '(faster, may lag a few blocks; CareLedger-Block-Height says which blocks it reflects)',
} as const;

/** The gateway's read model, or 503 when it runs without a history index. */
export function readModelOf(context: GatewayContext): VerificationReadModel {
    if (!context.history) {
        throw new LedgerError(
            'UNAVAILABLE',
            'source=index: this gateway runs without a history index (CARELEDGER_HISTORY=off); ask source=ledger',
        );
    }
    return context.history.readModel;
}

/** States on the response where the answer came from and, for the index, which blocks it reflects. */
export function stateSource(reply: FastifyReply, freshness: ReadModelFreshness | undefined): void {
    if (!freshness) {
        reply.header('CareLedger-Source', 'ledger');
        return;
    }
    reply.header('CareLedger-Source', 'index');
    reply.header('CareLedger-Block-Height', String(freshness.blockHeight));
    if (freshness.ledgerTime) {
        reply.header('CareLedger-Ledger-Time', freshness.ledgerTime);
    }
}
