import type { Context } from 'fabric-contract-api';
import {
    caller,
    conflict,
    forbidden,
    invalidArgument,
    notFound,
    parseJsonArg,
    requireOneOf,
    toBytes,
    txTime,
} from '../common';
import {
    isRegulator,
    requireManufacturerOrRegulator,
    requirePartnerActor,
    requireRegulator,
    type Actor,
} from './access';
import { requireLotRecord } from './catalog';
import { commissionedCount } from './commissioning';
import { requireGtin, requireLot, requireReason, requireUnitItem } from './input';
import { holdingPrefix, lotSuspectKey, unitSuspectKey } from './keys';
import { SuspectNotificationMs } from './limits';
import {
    RecallClasses,
    SupplyEvents,
    type Illegitimacy,
    type Lot,
    type LotQuantity,
    type OpenSuspicion,
    type RecallInput,
    type ResolveSuspicionInput,
    type SupplyStep,
    type Suspicion,
    type Unit,
} from './types';
import { requireObject } from './tree';
import { unitUri, Work } from './work';

/**
 * Recalls and suspect products (DSCSA §582). A recall is a lot-level fact every unit answers
 * to. A suspicion quarantines a unit or a lot (it cannot move, be dispensed or destroyed)
 * until the manufacturer or the regulator clears it or confirms it illegitimate; the time it
 * was raised is kept so the 24-hour notification duty can be checked.
 */

type Target = { scope: 'unit'; unit: Unit; lot: Lot } | { scope: 'lot'; lot: Lot };

/** `{ item }` for one unit, `{ gtin, lot }` for a whole lot. */
async function requireTarget(work: Work, input: Record<string, unknown>, field: string): Promise<Target> {
    if (input.item !== undefined) {
        if (input.gtin !== undefined || input.lot !== undefined) {
            throw invalidArgument(field, 'must name either { item } or { gtin, lot }, not both');
        }
        const object = await requireObject(work, requireUnitItem(input.item, `${field}.item`));
        const unit = object.value as Unit;
        const lot = await work.lot(unit.gtin, unit.lot);
        return { scope: 'unit', unit, lot: lot! };
    }
    const gtin = requireGtin(input.gtin, `${field}.gtin`);
    const lotNumber = requireLot(input.lot, `${field}.lot`);
    const lot = await work.lot(gtin, lotNumber);
    if (!lot) {
        throw notFound('lot', `${lotNumber} of ${gtin}`);
    }
    return { scope: 'lot', lot };
}

function describeTarget(target: Target): string {
    return target.scope === 'unit'
        ? `unit ${target.unit.gtin}/${target.unit.serial}`
        : `lot ${target.lot.lot} of ${target.lot.gtin}`;
}

async function lotLevelQuantity(work: Work, lot: Lot): Promise<LotQuantity[]> {
    return [
        {
            gtin: lot.gtin,
            lot: lot.lot,
            expiry: lot.expiry,
            quantity: await commissionedCount(work.ctx, lot.gtin, lot.lot),
        },
    ];
}

export async function recallLot(ctx: Context, raw: string): Promise<SupplyStep> {
    const input = parseJsonArg<Partial<RecallInput>>(raw, 'recall');
    const gtin = requireGtin(input.gtin, 'recall.gtin');
    const lotNumber = requireLot(input.lot, 'recall.lot');
    const recallClass = requireOneOf(input.recallClass, 'recall.recallClass', RecallClasses);
    const reason = requireReason(input.reason, 'recall.reason');
    const work = new Work(ctx);
    const lot = await requireLotRecord(ctx, gtin, lotNumber);
    const actor = await requireManufacturerOrRegulator(ctx, lot.manufacturer);
    const lots = await lotLevelQuantity(work, lot);
    if (lot.recall) {
        throw conflict(
            `lot ${lotNumber} of ${gtin} was already recalled on ${lot.recall.at} (class ${lot.recall.recallClass})`,
            'recall.lot',
        );
    }
    lot.recall = { recallClass, reason, at: work.at, by: actor.mspId, txId: work.txId };
    work.changeLot(lot);
    return work.commit(SupplyEvents.LotRecalled, {
        kind: 'recall',
        actor,
        epcs: [],
        reason,
        recallClass,
        lots,
    });
}

/**
 * Who may quarantine: for a unit, its custodian or the org it is in transit to; for a lot,
 * the manufacturer, the regulator, or an org holding at least one of its units.
 */
async function requireQuarantineRight(work: Work, target: Target): Promise<Actor> {
    const who = caller(work.ctx);
    if (target.scope === 'lot' && isRegulator(who)) {
        return requireRegulator(work.ctx);
    }
    const actor = await requirePartnerActor(work.ctx);
    if (target.scope === 'unit') {
        const { custodian, destination } = target.unit;
        if (actor.mspId !== custodian && actor.mspId !== destination) {
            throw forbidden(
                `only the custodian ${custodian}${destination ? ` or the receiving ${destination}` : ''} may quarantine ${describeTarget(target)}`,
            );
        }
        return actor;
    }
    if (actor.mspId === target.lot.manufacturer || (await holdsAnyOf(work, target.lot, actor.mspId))) {
        return actor;
    }
    throw forbidden(
        `only the manufacturer, the regulator or an org holding units of ${describeTarget(target)} may quarantine it`,
    );
}

/** Reads at most one holding entry: enough to know the org holds a unit of the lot. */
async function holdsAnyOf(work: Work, lot: Lot, mspId: string): Promise<boolean> {
    const iterator = await work.ctx.stub.getStateByPartialCompositeKey(...holdingPrefix(lot.gtin, lot.lot, mspId));
    try {
        const first = await iterator.next();
        return !first.done;
    } finally {
        await iterator.close();
    }
}

export async function quarantine(ctx: Context, raw: string): Promise<SupplyStep> {
    const input = parseJsonArg<Record<string, unknown>>(raw, 'quarantine');
    const reason = requireReason(input.reason, 'quarantine.reason');
    const work = new Work(ctx);
    const target = await requireTarget(work, input, 'quarantine');
    const actor = await requireQuarantineRight(work, target);
    const subject = target.scope === 'unit' ? target.unit : target.lot;
    if (subject.illegitimate || target.lot.illegitimate) {
        throw conflict(`${describeTarget(target)} was already confirmed illegitimate`, 'quarantine');
    }
    if (subject.suspect) {
        throw conflict(
            `${describeTarget(target)} is already quarantined as suspect since ${subject.suspect.since}`,
            'quarantine',
        );
    }
    if (target.scope === 'unit' && (target.unit.status === 'dispensed' || target.unit.status === 'decommissioned')) {
        throw conflict(
            `${describeTarget(target)} was ${target.unit.status}; it is out of the supply chain`,
            'quarantine',
        );
    }
    const suspicion: Suspicion = { reason, since: work.at, by: actor.mspId, txId: work.txId };
    subject.suspect = suspicion;
    return commitTargetStep(work, target, SupplyEvents.Quarantined, { kind: 'quarantine', actor, reason }, () =>
        saveOpenSuspicion(work, target, suspicion),
    );
}

export async function clearSuspicion(ctx: Context, raw: string): Promise<SupplyStep> {
    const input = parseJsonArg<Partial<ResolveSuspicionInput> & Record<string, unknown>>(raw, 'clearance');
    const reason = requireReason(input.reason, 'clearance.reason');
    const work = new Work(ctx);
    const target = await requireTarget(work, input, 'clearance');
    const actor = await requireManufacturerOrRegulator(ctx, target.lot.manufacturer);
    const subject = target.scope === 'unit' ? target.unit : target.lot;
    if (!subject.suspect) {
        throw conflict(`${describeTarget(target)} is not under suspicion`, 'clearance');
    }
    delete subject.suspect;
    return commitTargetStep(work, target, SupplyEvents.SuspicionCleared, { kind: 'clear', actor, reason }, () =>
        deleteOpenSuspicion(work, target),
    );
}

/**
 * The manufacturer or regulator confirms the product illegitimate: a unit is decommissioned
 * (or, already dispensed, stays so, flagged); a lot is decommissioned as a class — every unit
 * reads the lot's flag, so no transaction has to rewrite thousands of units.
 */
export async function confirmIllegitimate(ctx: Context, raw: string): Promise<SupplyStep> {
    const input = parseJsonArg<Partial<ResolveSuspicionInput> & Record<string, unknown>>(raw, 'confirmation');
    const reason = requireReason(input.reason, 'confirmation.reason');
    const work = new Work(ctx);
    const target = await requireTarget(work, input, 'confirmation');
    const actor = await requireManufacturerOrRegulator(ctx, target.lot.manufacturer);
    const subject = target.scope === 'unit' ? target.unit : target.lot;
    if (subject.illegitimate || (target.scope === 'unit' && target.lot.illegitimate)) {
        throw conflict(`${describeTarget(target)} was already confirmed illegitimate`, 'confirmation');
    }
    const confirmedAt = txTime(ctx);
    const illegitimacy: Illegitimacy = {
        reason,
        confirmedAt: work.at,
        confirmedBy: actor.mspId,
        suspectSince: subject.suspect?.since,
        notifyBy: new Date(confirmedAt.getTime() + SuspectNotificationMs).toISOString(),
        txId: work.txId,
    };
    subject.illegitimate = illegitimacy;
    const wasSuspect = subject.suspect !== undefined;
    delete subject.suspect;
    if (target.scope === 'unit' && target.unit.status !== 'dispensed' && target.unit.status !== 'decommissioned') {
        target.unit.status = 'decommissioned';
        target.unit.decommission = { reason: 'illegitimate', at: work.at, by: actor.mspId, txId: work.txId };
        delete target.unit.destination;
        delete target.unit.shipment;
    }
    return commitTargetStep(
        work,
        target,
        SupplyEvents.IllegitimateConfirmed,
        { kind: 'confirmIllegitimate', actor, reason },
        async () => {
            if (wasSuspect) {
                await deleteOpenSuspicion(work, target);
            }
        },
    );
}

async function commitTargetStep(
    work: Work,
    target: Target,
    event: (typeof SupplyEvents)[keyof typeof SupplyEvents],
    step: { kind: 'quarantine' | 'clear' | 'confirmIllegitimate'; actor: Actor; reason: string },
    writeSuspicionIndex: () => Promise<void>,
): Promise<SupplyStep> {
    if (target.scope === 'unit') {
        await writeSuspicionIndex();
        work.touchUnit(target.unit);
        return work.commit(event, { ...step, epcs: [unitUri(target.unit)] });
    }
    const lots = await lotLevelQuantity(work, target.lot);
    await writeSuspicionIndex();
    work.changeLot(target.lot);
    return work.commit(event, { ...step, epcs: [], lots });
}

function suspicionKey(work: Work, target: Target): string {
    return target.scope === 'unit'
        ? unitSuspectKey(work.ctx, target.unit.gtin, target.unit.serial)
        : lotSuspectKey(work.ctx, target.lot.gtin, target.lot.lot);
}

async function saveOpenSuspicion(work: Work, target: Target, suspicion: Suspicion): Promise<void> {
    const open: Omit<OpenSuspicion, 'overdue'> & { manufacturer: string } = {
        ...suspicion,
        scope: target.scope,
        gtin: target.lot.gtin,
        lot: target.lot.lot,
        serial: target.scope === 'unit' ? target.unit.serial : undefined,
        manufacturer: target.lot.manufacturer,
    };
    await work.ctx.stub.putState(suspicionKey(work, target), toBytes(open));
}

async function deleteOpenSuspicion(work: Work, target: Target): Promise<void> {
    await work.ctx.stub.deleteState(suspicionKey(work, target));
}
