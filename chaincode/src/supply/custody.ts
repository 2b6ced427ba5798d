import type { Context } from 'fabric-contract-api';
import { conflict, forbidden, invalidArgument, parseJsonArg, txTime } from '../common';
import { requireAuthorizedDestination, requirePartnerActor, type PartnerActor } from './access';
import { requireItems, requireMspId, requireReason } from './input';
import { partnerKey } from './keys';
import { MaxObjectsPerMove } from './limits';
import {
    SupplyEvents,
    TerminalStatuses,
    type Custody,
    type ReceiveInput,
    type RejectInput,
    type ShipInput,
    type SupplyStep,
} from './types';
import {
    allObjects,
    Budget,
    describeObject,
    loadTree,
    nonSaleableReason,
    requireActive,
    requireCustodian,
    requireNotQuarantined,
    requireObject,
    requireTopLevel,
    uriOf,
    type Tree,
} from './tree';
import { Work } from './work';

/**
 * Custody transfer in two steps. The custodian ships to a named trading partner (the objects
 * are in transit, still in the sender's custody); only that partner receives them (custody
 * moves) or rejects them (they stay with the sender, active again). An object is only ever
 * at one custodian and in at most one shipment: a second ship finds it in transit.
 */

function touchAll(work: Work, trees: readonly Tree[]): void {
    for (const tree of trees) {
        for (const object of allObjects(tree)) {
            if (object.kind === 'unit') {
                work.touchUnit(object.value);
            } else {
                work.touchContainer(object.value);
            }
        }
    }
}

/** The end of a shipment: active again, unless it was decommissioned on the way (it travels on, terminal). */
function settle(custody: Custody): void {
    if (!TerminalStatuses.includes(custody.status)) {
        custody.status = 'active';
    }
    delete custody.destination;
    delete custody.shipment;
}

export async function ship(ctx: Context, raw: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<ShipInput>>(raw, 'shipment');
    const items = requireItems(input.items, 'shipment.items', MaxObjectsPerMove);
    const to = requireMspId(input.to, 'shipment.to');
    if (to === actor.mspId) {
        throw invalidArgument('shipment.to', `must be another org than the sender ${actor.mspId}`);
    }
    const work = new Work(ctx);
    // The destination's record and every named object in one batched read.
    await work.prefetchObjects(items, [partnerKey(ctx, to)]);
    await requireAuthorizedDestination(ctx, to, 'shipment.to', (mspId) => work.partner(mspId));

    const now = txTime(ctx);
    const budget = new Budget();
    const trees: Tree[] = [];
    for (let i = 0; i < items.length; i += 1) {
        const field = `shipment.items[${i}]`;
        const root = await requireObject(work, items[i], field);
        requireCustodian(root, actor.mspId, 'ship');
        requireTopLevel(root, field, 'ship the container, or unpack it first');
        requireActive(root, field);
        const tree = await loadTree(work, root, field, budget);
        // A unit decommissioned while packed (confirmed illegitimate) must be unpacked before its case moves.
        allObjects(tree).forEach((object) => requireActive(object, field));
        await work.prefetchLots(tree.units);
        for (const unit of tree.units) {
            const lot = await requireNotQuarantined(work, unit, field);
            const why = nonSaleableReason(lot, now);
            if (why && to !== unit.manufacturer) {
                throw conflict(
                    `${why}: its units may only be returned to the manufacturer ${unit.manufacturer}`,
                    field,
                );
            }
        }
        trees.push(tree);
    }
    for (const object of trees.flatMap(allObjects)) {
        object.value.status = 'in_transit';
        object.value.destination = to;
        object.value.shipment = work.txId;
    }
    touchAll(work, trees);
    return work.commit(SupplyEvents.Shipped, {
        kind: 'ship',
        actor,
        from: actor.mspId,
        to,
        epcs: trees.map((tree) => uriOf(tree.root)),
    });
}

/** The named objects, in transit to the caller's org from one sender. */
async function inboundTrees(
    work: Work,
    actor: PartnerActor,
    rawItems: unknown,
    field: string,
    action: 'receive' | 'reject',
): Promise<{ trees: Tree[]; sender: string }> {
    const items = requireItems(rawItems, field, MaxObjectsPerMove);
    const budget = new Budget();
    const trees: Tree[] = [];
    let sender: string | undefined;
    await work.prefetchObjects(items);
    for (let i = 0; i < items.length; i += 1) {
        const itemField = `${field}[${i}]`;
        const root = await requireObject(work, items[i], itemField);
        const { status, destination, custodian } = root.value;
        if (status !== 'in_transit') {
            throw conflict(`${describeObject(root)} is not in transit (it is ${status} at ${custodian})`, itemField);
        }
        if (destination !== actor.mspId) {
            throw forbidden(
                `${describeObject(root)} is in transit to ${destination}; only ${destination} may ${action} it`,
            );
        }
        requireTopLevel(root, itemField, `${action} the container it travels in`);
        if (sender !== undefined && custodian !== sender) {
            throw invalidArgument(
                itemField,
                `comes from ${custodian}, the other items from ${sender}; ${action} each sender's shipment separately`,
            );
        }
        sender = custodian;
        trees.push(await loadTree(work, root, itemField, budget));
    }
    return { trees, sender: sender! };
}

export async function receive(ctx: Context, raw: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<ReceiveInput>>(raw, 'receipt');
    const work = new Work(ctx);
    const { trees, sender } = await inboundTrees(work, actor, input.items, 'receipt.items', 'receive');
    for (const object of trees.flatMap(allObjects)) {
        object.value.custodian = actor.mspId;
        settle(object.value);
    }
    touchAll(work, trees);
    return work.commit(SupplyEvents.Received, {
        kind: 'receive',
        actor,
        from: sender,
        to: actor.mspId,
        epcs: trees.map((tree) => uriOf(tree.root)),
    });
}

/** The receiver refuses delivery: the objects stay in the sender's custody, active again. */
export async function reject(ctx: Context, raw: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<RejectInput>>(raw, 'rejection');
    const reason = requireReason(input.reason, 'rejection.reason');
    const work = new Work(ctx);
    const { trees, sender } = await inboundTrees(work, actor, input.items, 'rejection.items', 'reject');
    for (const object of trees.flatMap(allObjects)) {
        settle(object.value);
    }
    touchAll(work, trees);
    return work.commit(SupplyEvents.ShipmentRejected, {
        kind: 'reject',
        actor,
        from: sender,
        to: actor.mspId,
        epcs: trees.map((tree) => uriOf(tree.root)),
        reason,
    });
}
