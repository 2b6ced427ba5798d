import type { Context } from 'fabric-contract-api';
import { caller, forbidden, invalidArgument, RegulatorMsp, type Caller } from '../common';
import { fromBytes } from '../common/json';
import { partnerKey } from './keys';
import type { PartnerKind, TradingPartner } from './types';

/**
 * Who may act in the supply chain, decided from the certificate alone. Operators, pharmacists
 * and admins act for their org; the org must be a trading partner the regulator authorised.
 * Inspectors and admins of the regulator read everything and may recall, clear and confirm.
 */
export const PartnerRoles = ['operator', 'pharmacist', 'admin'] as const;
export const RegulatorRoles = ['inspector', 'admin'] as const;

export type Actor = Caller & { actorId: string };

export interface PartnerActor extends Actor {
    partner: TradingPartner;
}

export async function getPartner(ctx: Context, mspId: string): Promise<TradingPartner | undefined> {
    const bytes = await ctx.stub.getState(partnerKey(ctx, mspId));
    return bytes && bytes.length > 0 ? fromBytes<TradingPartner>(bytes) : undefined;
}

function requireActorId(who: Caller): Actor {
    if (!who.actorId) {
        throw forbidden("caller's certificate has no careledger.id attribute");
    }
    return who as Actor;
}

/** Who a rule looks at: the certificate's MSP and `careledger.role` (the gateway's history index passes the same). */
export type RoleHolder = Pick<Caller, 'mspId'> & { role?: string };

export function isRegulator(who: RoleHolder): boolean {
    return (
        who.mspId === RegulatorMsp && who.role !== undefined && (RegulatorRoles as readonly string[]).includes(who.role)
    );
}

/** An operator, pharmacist or admin of an org other than the regulator: the roles that act in trade. */
export function isTradingRole(who: RoleHolder): boolean {
    return (
        who.mspId !== RegulatorMsp && who.role !== undefined && (PartnerRoles as readonly string[]).includes(who.role)
    );
}

/**
 * Who may read supply trade data — chains of custody (unit, container, lot histories), current
 * custody, holdings, shipments, open suspect investigations: the regulator, and the trading roles
 * (operator, pharmacist, admin) of the orgs that took part, each what its org took part in. DSCSA
 * transaction information is confidential between trading partners and the regulator, so a
 * patient, physician or nurse of a partner org (a hospital) reads none of it. What is public to
 * every member: products, lots with their recall and suspicion status (a recall is a public
 * notice), authorised partners, and product verification. The history index applies the same
 * rule (gateway/src/history/policy.ts).
 */
export function mayReadTradeData(who: RoleHolder): boolean {
    return isRegulator(who) || isTradingRole(who);
}

/** The caller, who must be the regulator or a trading role (see {@link mayReadTradeData}). */
export function requireTradeReader(ctx: Context, what: string): Caller {
    const who = caller(ctx);
    if (!mayReadTradeData(who)) {
        throw forbidden(
            `${what} is trade data: the regulator and the operators, pharmacists and admins of the trading partners read it; caller is ${who.role ?? 'no role'} of ${who.mspId}`,
        );
    }
    return who;
}

/** An inspector or admin of the regulator. */
export function requireRegulator(ctx: Context): Actor {
    const who = caller(ctx);
    if (!isRegulator(who)) {
        throw forbidden(
            `requires an inspector or admin of ${RegulatorMsp}; caller is ${who.role ?? 'no role'} of ${who.mspId}`,
        );
    }
    return requireActorId(who);
}

/** An operator, pharmacist or admin of an authorised trading partner (of one of `kinds`, if given). */
export async function requirePartnerActor(ctx: Context, ...kinds: PartnerKind[]): Promise<PartnerActor> {
    const who = caller(ctx);
    if (who.mspId === RegulatorMsp || !who.role || !(PartnerRoles as readonly string[]).includes(who.role)) {
        throw forbidden(
            `requires an operator, pharmacist or admin of a trading partner; caller is ${who.role ?? 'no role'} of ${who.mspId}`,
        );
    }
    const actor = requireActorId(who);
    const partner = await getPartner(ctx, who.mspId);
    if (!partner) {
        throw forbidden(
            `${who.mspId} is not an authorised trading partner; the regulator authorises partners (supply:AuthorizePartner)`,
        );
    }
    if (kinds.length > 0 && !kinds.includes(partner.kind)) {
        throw forbidden(`requires a ${kinds.join(' or ')}; ${who.mspId} is authorised as a ${partner.kind}`);
    }
    return { ...actor, partner };
}

/** The receiving org of a shipment must be an authorised trading partner too (DSCSA: authorised trading partners only). */
export async function requireAuthorizedDestination(
    ctx: Context,
    mspId: string,
    field: string,
    read: (mspId: string) => Promise<TradingPartner | undefined> = (id) => getPartner(ctx, id),
): Promise<TradingPartner> {
    const partner = await read(mspId);
    if (!partner) {
        throw invalidArgument(field, `must be an authorised trading partner; ${mspId} is not`);
    }
    return partner;
}

/**
 * The manufacturer of the product (an actor of the org that registered it) or the regulator:
 * the two who recall, clear suspicions and confirm illegitimacy.
 */
export async function requireManufacturerOrRegulator(ctx: Context, manufacturer: string): Promise<Actor> {
    const who = caller(ctx);
    if (isRegulator(who)) {
        return requireActorId(who);
    }
    if (who.mspId !== manufacturer) {
        throw forbidden(`requires the manufacturer ${manufacturer} or the regulator; caller is of ${who.mspId}`);
    }
    return requirePartnerActor(ctx);
}
