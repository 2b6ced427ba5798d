import type { Context } from 'fabric-contract-api';
import { conflict, invalidArgument, notFound, parseJsonArg } from '../common';
import { requirePartnerActor } from './access';
import { parseItemIdentifier, ssccUri } from './gs1';
import { itemId, requireItems, requireSscc } from './input';
import { MaxContainerDepth, MaxObjectsPerMove } from './limits';
import { SupplyEvents, type Container, type PackInput, type SupplyStep, type UnpackInput } from './types';
import {
    allObjects,
    Budget,
    loadTree,
    requireActive,
    requireCustodian,
    requireNotQuarantined,
    requireObject,
    requireTopLevel,
    uriOf,
    type SupplyObject,
} from './tree';
import { Work } from './work';

/**
 * Aggregation: units into cases, cases into pallets (EPCIS AggregationEvent). Only a
 * top-level container at its custodian changes contents; a packed object then moves only with
 * its container.
 */

function levelsOf(object: SupplyObject): number {
    return object.kind === 'container' ? object.value.levels : 0;
}

function sizeOf(object: SupplyObject): number {
    return 1 + (object.kind === 'container' ? object.value.descendants : 0);
}

/** Loads the container named, which the caller's org must hold, active and not packed in another. */
async function requireOpenableContainer(
    work: Work,
    sscc: string,
    mspId: string,
    action: string,
): Promise<Container | undefined> {
    const container = await work.container(sscc);
    if (!container) {
        return undefined;
    }
    const object: SupplyObject = { kind: 'container', value: container };
    requireCustodian(object, mspId, action);
    requireActive(object, 'sscc');
    requireTopLevel(object, 'sscc', `unpack it from ${container.parent} first`);
    return container;
}

/** Packs units or containers into a container, creating it on first use. */
export async function pack(ctx: Context, raw: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<PackInput>>(raw, 'pack');
    const sscc = requireSscc(input.sscc, 'pack.sscc');
    const items = requireItems(input.children, 'pack.children', MaxObjectsPerMove);
    const work = new Work(ctx);
    let container = await requireOpenableContainer(work, sscc, actor.mspId, 'pack');
    if (!container) {
        container = {
            sscc,
            status: 'active',
            custodian: actor.mspId,
            children: [],
            descendants: 0,
            levels: 1,
            steps: 0,
            createdAt: work.at,
            createdBy: actor.mspId,
        };
        work.createContainer(container);
    }

    const budget = new Budget(MaxObjectsPerMove - 1 - container.descendants);
    const children: SupplyObject[] = [];
    await work.prefetchObjects(items);
    for (let i = 0; i < items.length; i += 1) {
        const field = `pack.children[${i}]`;
        if (items[i].kind === 'container' && itemId(items[i]) === sscc) {
            throw invalidArgument(field, 'a container cannot be packed into itself');
        }
        const child = await requireObject(work, items[i], field);
        requireCustodian(child, actor.mspId, 'pack');
        requireActive(child, field);
        requireTopLevel(child, field, `unpack it from ${child.value.parent} first`);
        if (1 + levelsOf(child) > MaxContainerDepth) {
            throw invalidArgument(field, `containers nest at most ${MaxContainerDepth} levels deep`);
        }
        const tree = await loadTree(work, child, field, budget);
        allObjects(tree).forEach((object) => requireActive(object, field));
        await work.prefetchLots(tree.units);
        for (const unit of tree.units) {
            await requireNotQuarantined(work, unit, field);
        }
        allObjects(tree).forEach((object) =>
            object.kind === 'unit' ? work.touchUnit(object.value) : work.touchContainer(object.value),
        );
        children.push(child);
    }

    for (const child of children) {
        child.value.parent = sscc;
        container.children.push(uriOf(child));
        container.descendants += sizeOf(child);
        container.levels = Math.max(container.levels, 1 + levelsOf(child));
    }
    work.touchContainer(container);
    return work.commit(SupplyEvents.Packed, {
        kind: 'pack',
        actor,
        epcs: children.map(uriOf),
        parent: ssccUri(sscc),
    });
}

/** Takes children out of a top-level container (all of them when none are named). */
export async function unpack(ctx: Context, raw: string): Promise<SupplyStep> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<UnpackInput>>(raw, 'unpack');
    const sscc = requireSscc(input.sscc, 'unpack.sscc');
    const named =
        input.children === undefined ? undefined : requireItems(input.children, 'unpack.children', MaxObjectsPerMove);
    const work = new Work(ctx);
    const container = await requireOpenableContainer(work, sscc, actor.mspId, 'unpack');
    if (!container) {
        throw notFound('container', sscc);
    }
    if (container.children.length === 0) {
        throw conflict(`container ${sscc} is empty`, 'unpack.sscc');
    }
    const uris = named
        ? named.map((item, i) => {
              const match = container.children.find((c) =>
                  item.kind === 'unit' ? sameUnit(c, item.gtin, item.serial) : c === ssccUri(item.sscc),
              );
              if (!match) {
                  throw conflict(
                      `${item.kind === 'unit' ? `unit ${item.gtin}/${item.serial}` : `container ${item.sscc}`} is not in container ${sscc}`,
                      `unpack.children[${i}]`,
                  );
              }
              return match;
          })
        : [...container.children];

    const budget = new Budget(MaxObjectsPerMove);
    const removed: SupplyObject[] = [];
    for (const uri of uris) {
        const child = await requireObject(work, parseItemIdentifier(uri));
        const tree = await loadTree(work, child, 'unpack.children', budget);
        allObjects(tree).forEach((object) =>
            object.kind === 'unit' ? work.touchUnit(object.value) : work.touchContainer(object.value),
        );
        delete child.value.parent;
        removed.push(child);
    }
    container.children = container.children.filter((c) => !uris.includes(c));
    container.descendants -= removed.reduce((sum, child) => sum + sizeOf(child), 0);
    container.levels = 1;
    for (const uri of container.children) {
        const remaining = parseItemIdentifier(uri);
        if (remaining.kind === 'container') {
            container.levels = Math.max(container.levels, 1 + levelsOf(await requireObject(work, remaining)));
        }
    }
    work.touchContainer(container);
    return work.commit(SupplyEvents.Unpacked, {
        kind: 'unpack',
        actor,
        epcs: removed.map(uriOf),
        parent: ssccUri(sscc),
    });
}

function sameUnit(uri: string, gtin: string, serial: string): boolean {
    const parsed = parseItemIdentifier(uri);
    return parsed.kind === 'unit' && parsed.gtin === gtin && parsed.serial === serial;
}
