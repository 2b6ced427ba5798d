import { conflict, forbidden, invalidArgument, notFound } from '../common';
import { isExpired, parseItemIdentifier, type ItemIdentifier } from './gs1';
import { MaxObjectsPerMove } from './limits';
import { TerminalStatuses, type Container, type Lot, type Unit } from './types';
import { containerUri, unitUri, type Work } from './work';

/**
 * Units and containers as trees: a container moves with everything in it, so every rule of a
 * move is checked on every object below the one named, and every object is updated.
 */
export type SupplyObject = { kind: 'unit'; value: Unit } | { kind: 'container'; value: Container };

export interface Tree {
    root: SupplyObject;
    units: Unit[];
    containers: Container[];
}

/** How many more objects this transaction may still touch; shared by all items of one call. */
export class Budget {
    constructor(private remaining = MaxObjectsPerMove) {}

    take(count: number, field: string): void {
        if (count > this.remaining) {
            throw invalidArgument(field, `one transaction may touch at most ${MaxObjectsPerMove} units and containers`);
        }
        this.remaining -= count;
    }
}

export function describeObject(object: SupplyObject): string {
    return object.kind === 'unit'
        ? `unit ${object.value.gtin}/${object.value.serial}`
        : `container ${object.value.sscc}`;
}

export function uriOf(object: SupplyObject): string {
    return object.kind === 'unit' ? unitUri(object.value) : containerUri(object.value);
}

export async function findObject(work: Work, item: ItemIdentifier): Promise<SupplyObject | undefined> {
    if (item.kind === 'unit') {
        const value = await work.unit(item.gtin, item.serial);
        return value && { kind: 'unit', value };
    }
    const value = await work.container(item.sscc);
    return value && { kind: 'container', value };
}

export async function requireObject(work: Work, item: ItemIdentifier, field?: string): Promise<SupplyObject> {
    const object = await findObject(work, item);
    if (!object) {
        throw item.kind === 'unit'
            ? notFound('unit', `${item.gtin}/${item.serial}`, field)
            : notFound('container', item.sscc, field);
    }
    return object;
}

/**
 * The object and everything packed in it, at most the budget's worth, breadth first. Each
 * level's children are read in one batched request (a pallet of cases of units: two).
 */
export async function loadTree(work: Work, root: SupplyObject, field: string, budget: Budget): Promise<Tree> {
    const tree: Tree = { root, units: [], containers: [] };
    budget.take(1 + (root.kind === 'container' ? root.value.descendants : 0), field);
    let level: SupplyObject[] = [root];
    while (level.length > 0) {
        const children: Array<{ parent: Container; uri: string; item: ItemIdentifier }> = [];
        for (const object of level) {
            if (object.kind === 'unit') {
                tree.units.push(object.value);
                continue;
            }
            tree.containers.push(object.value);
            for (const uri of object.value.children) {
                children.push({ parent: object.value, uri, item: parseItemIdentifier(uri) });
            }
        }
        await work.prefetchObjects(children.map(({ item }) => item));
        const next: SupplyObject[] = [];
        for (const { parent, uri, item } of children) {
            const child = await findObject(work, item);
            if (!child) {
                throw new Error(`container ${parent.sscc} lists ${uri}, which does not exist`);
            }
            next.push(child);
        }
        level = next;
    }
    return tree;
}

export function allObjects(tree: Tree): SupplyObject[] {
    return [
        ...tree.containers.map((value) => ({ kind: 'container', value }) as SupplyObject),
        ...tree.units.map((value) => ({ kind: 'unit', value }) as SupplyObject),
    ];
}

/** Only the custodian acts on an object it holds. */
export function requireCustodian(object: SupplyObject, mspId: string, action: string): void {
    if (object.value.custodian !== mspId) {
        throw forbidden(
            `only ${object.value.custodian}, the custodian of ${describeObject(object)}, may ${action} it; caller is of ${mspId}`,
        );
    }
}

/** A packed object moves only with its container. */
export function requireTopLevel(object: SupplyObject, field: string, hint: string): void {
    if (object.value.parent !== undefined) {
        throw conflict(`${describeObject(object)} is packed in container ${object.value.parent}; ${hint}`, field);
    }
}

/** Dispensed and decommissioned objects never move again; objects in transit move only by receipt or rejection. */
export function requireActive(object: SupplyObject, field: string): void {
    const { status, destination, shipment } = object.value;
    if (TerminalStatuses.includes(status)) {
        throw conflict(`${describeObject(object)} was ${status}; it never moves again`, field);
    }
    if (status === 'in_transit') {
        throw conflict(
            `${describeObject(object)} is already in transit to ${destination} (shipment ${shipment})`,
            field,
        );
    }
}

/** A suspect or illegitimate unit or lot cannot move until the manufacturer or regulator resolves it. */
export async function requireNotQuarantined(work: Work, unit: Unit, field: string): Promise<Lot> {
    const lot = await requireLotOf(work, unit);
    if (unit.suspect) {
        throw conflict(`unit ${unit.gtin}/${unit.serial} is quarantined as suspect since ${unit.suspect.since}`, field);
    }
    if (lot.illegitimate) {
        throw conflict(
            `lot ${lot.lot} of ${lot.gtin} was confirmed illegitimate on ${lot.illegitimate.confirmedAt}`,
            field,
        );
    }
    if (lot.suspect) {
        throw conflict(`lot ${lot.lot} of ${lot.gtin} is quarantined as suspect since ${lot.suspect.since}`, field);
    }
    return lot;
}

export async function requireLotOf(work: Work, unit: Unit): Promise<Lot> {
    const lot = await work.lot(unit.gtin, unit.lot);
    if (!lot) {
        throw new Error(`unit ${unit.gtin}/${unit.serial} names lot ${unit.lot}, which does not exist`);
    }
    return lot;
}

/** Why a unit may no longer be sold: its lot is recalled, or it is past expiry. */
export function nonSaleableReason(lot: Lot, at: Date): string | undefined {
    if (lot.recall) {
        return `lot ${lot.lot} of ${lot.gtin} is recalled (class ${lot.recall.recallClass})`;
    }
    if (isExpired(lot.expiry, at)) {
        return `lot ${lot.lot} of ${lot.gtin} expired (${lot.expiry})`;
    }
    return undefined;
}
