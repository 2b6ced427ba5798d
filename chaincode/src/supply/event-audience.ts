import { isParty } from './history';
import { isRegulator, isTradingRole, type RoleHolder } from './access';
import { SupplyEvents, type SupplyStep } from './types';

/**
 * Who may receive a supply chaincode event from a gateway's event stream (SSE, webhooks): the
 * rule the trace queries apply (access.ts, mayReadTradeData), decided here once for every stream.
 *
 * - Public notices reach every member: a partner authorised, a product or lot registered, a lot
 *   recalled (GetPartner, GetProduct and GetLot show them to anyone).
 * - Every other step (commissioning, packing, shipping, receipt, dispensing, suspicions,
 *   verifications) is trade data: the regulator receives all of it; the trading roles
 *   (operator, pharmacist, admin) of an org receive the steps it took part in (actor, sender or
 *   receiver) and the lot-level facts (a lot's quarantine or clearance); patients, physicians and
 *   nurses receive none.
 */
const publicNotices: ReadonlySet<string> = new Set([
    SupplyEvents.PartnerAuthorized,
    SupplyEvents.ProductRegistered,
    SupplyEvents.LotRegistered,
    SupplyEvents.LotRecalled,
]);

export function mayReceiveSupplyEvent(reader: RoleHolder, eventName: string, payload: unknown): boolean {
    if (!eventName.startsWith('supply.') || publicNotices.has(eventName)) {
        return true;
    }
    if (isRegulator(reader)) {
        return true;
    }
    if (!isTradingRole(reader)) {
        return false;
    }
    const event = (payload ?? {}) as Partial<SupplyStep> & { epcCount?: number; requester?: { mspId?: string } };
    if (eventName === SupplyEvents.VerificationRecorded) {
        return event.requester?.mspId === reader.mspId;
    }
    const lotLevel = event.epcCount === 0 && ['quarantine', 'clear', 'confirmIllegitimate'].includes(event.kind ?? '');
    return (
        lotLevel ||
        (event.actor !== undefined &&
            isParty({ actor: event.actor, from: event.from, to: event.to } as SupplyStep, reader.mspId))
    );
}
