import type { Context } from 'fabric-contract-api';
import { conflict, forbidden, parseJsonArg, requireOneOf, txTime } from '../common';
import { requireValidCredential } from '../credentials/gate';
import { requirePartnerActor } from './access';
import { itemArgument, requireUnitItem } from './input';
import { DecommissionReasons, SupplyEvents, type DecommissionInput, type SupplyStep, type Unit } from './types';
import {
    nonSaleableReason,
    requireActive,
    requireCustodian,
    requireLotOf,
    requireNotQuarantined,
    requireObject,
    requireTopLevel,
    type SupplyObject,
} from './tree';
import { unitUri, Work } from './work';

/**
 * The end of a unit's journey: dispensed to a patient by a licensed pharmacist, or
 * decommissioned (damaged, destroyed, expired, stolen, sample). Both are terminal. No patient
 * identifier is taken or recorded: the dispensing record belongs in the pharmacy's system.
 */

/** The unit named, held active and unpacked by the caller's org. */
async function requireHeldUnit(work: Work, raw: unknown, field: string, mspId: string, action: string): Promise<Unit> {
    const object = (await requireObject(work, requireUnitItem(raw, field))) as SupplyObject & { kind: 'unit' };
    requireCustodian(object, mspId, action);
    requireActive(object, field);
    requireTopLevel(object, field, 'unpack it first');
    return object.value;
}

export const PharmacistLicense = 'PharmacistLicense';

export async function dispense(ctx: Context, rawItem: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx, 'dispenser');
    if (actor.role !== 'pharmacist') {
        throw forbidden(`dispensing requires a pharmacist; caller is ${actor.role}`);
    }
    await requireValidCredential(ctx, PharmacistLicense);
    const work = new Work(ctx);
    const item = itemArgument(rawItem);
    const unit = await requireHeldUnit(work, item, 'item', actor.mspId, 'dispense');
    const lot = await requireNotQuarantined(work, unit, 'item');
    const why = nonSaleableReason(lot, txTime(ctx));
    if (why) {
        throw conflict(`${why}; unit ${unit.gtin}/${unit.serial} may not be dispensed`, 'item');
    }
    unit.status = 'dispensed';
    unit.dispensedAt = work.at;
    work.touchUnit(unit);
    return work.commit(SupplyEvents.Dispensed, { kind: 'dispense', actor, epcs: [unitUri(unit)] });
}

export async function decommission(ctx: Context, raw: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<DecommissionInput>>(raw, 'decommission');
    const reason = requireOneOf(input.reason, 'decommission.reason', DecommissionReasons);
    const work = new Work(ctx);
    const unit = await requireHeldUnit(work, input.item, 'decommission.item', actor.mspId, 'decommission');
    const lot = await requireLotOf(work, unit);
    // Evidence of a suspect product stays intact until the manufacturer or regulator resolves it.
    if (unit.suspect || lot.suspect) {
        throw conflict(
            `${unit.suspect ? `unit ${unit.gtin}/${unit.serial}` : `lot ${lot.lot} of ${lot.gtin}`} is quarantined as suspect; the manufacturer or the regulator must clear it or confirm it illegitimate first`,
            'decommission.item',
        );
    }
    unit.status = 'decommissioned';
    unit.decommission = { reason, at: work.at, by: actor.mspId, txId: work.txId };
    work.touchUnit(unit);
    return work.commit(SupplyEvents.Decommissioned, {
        kind: 'decommission',
        actor,
        epcs: [unitUri(unit)],
        reason,
        decommissionReason: reason,
    });
}
