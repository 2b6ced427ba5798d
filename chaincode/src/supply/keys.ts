import type { Context } from 'fabric-contract-api';
import { compositeKey } from '../common';

/**
 * Every composite key of the supply domain. One key per thing that changes on its own, so
 * transactions on different units never touch the same key: there is no lot counter, no
 * holder counter, no per-org inventory document.
 */
export const SupplyObjects = {
    partner: 'supply.partner',
    product: 'supply.product',
    lot: 'supply.lot',
    /** One per commissioning transaction into a lot: batches never contend with each other's writes. */
    lotBatch: 'supply.lotBatch',
    /** The serials of one batch, apart from the batch so summing a lot's batches reads little. */
    batchSerials: 'supply.batchSerials',
    unit: 'supply.unit',
    container: 'supply.container',
    /** gtin ~ lot ~ custodian ~ serial: where every unit of a lot is, without reading the units. */
    holding: 'supply.holding',
    /** txId: the step record, shared by every object the step touched. */
    step: 'supply.step',
    /** Per-object step sequence: sgtin ~ gtin ~ serial ~ seq, or sscc ~ sscc ~ seq. */
    objectStep: 'supply.objectStep',
    /** gtin ~ lot ~ time ~ txId: every step that touched a lot, in time order. */
    lotStep: 'supply.lotStep',
    /** Open suspect investigations: unit ~ gtin ~ serial, or lot ~ gtin ~ lot. */
    openSuspect: 'supply.openSuspect',
    /** gtin ~ serial ~ time ~ txId: verifications trading partners recorded, in time order. */
    verification: 'supply.verification',
} as const;

/** Object steps are numbered with fixed width so the key order is the step order. */
const sequenceWidth = 8;

export function sequencePart(seq: number): string {
    return String(seq).padStart(sequenceWidth, '0');
}

export const partnerKey = (ctx: Context, mspId: string) => compositeKey(ctx, SupplyObjects.partner, [mspId]);
export const productKey = (ctx: Context, gtin: string) => compositeKey(ctx, SupplyObjects.product, [gtin]);
export const lotKey = (ctx: Context, gtin: string, lot: string) => compositeKey(ctx, SupplyObjects.lot, [gtin, lot]);

export const lotBatchKey = (ctx: Context, gtin: string, lot: string, txId: string) =>
    compositeKey(ctx, SupplyObjects.lotBatch, [gtin, lot, txId]);
export const lotBatchPrefix = (gtin: string, lot: string): [string, string[]] => [SupplyObjects.lotBatch, [gtin, lot]];

export const batchSerialsKey = (ctx: Context, gtin: string, lot: string, txId: string) =>
    compositeKey(ctx, SupplyObjects.batchSerials, [gtin, lot, txId]);

export const unitKey = (ctx: Context, gtin: string, serial: string) =>
    compositeKey(ctx, SupplyObjects.unit, [gtin, serial]);
export const containerKey = (ctx: Context, sscc: string) => compositeKey(ctx, SupplyObjects.container, [sscc]);

export const holdingKey = (ctx: Context, gtin: string, lot: string, custodian: string, serial: string) =>
    compositeKey(ctx, SupplyObjects.holding, [gtin, lot, custodian, serial]);
/** Units of a lot, optionally only those of one custodian. */
export const holdingPrefix = (gtin: string, lot: string, custodian?: string): [string, string[]] => [
    SupplyObjects.holding,
    custodian === undefined ? [gtin, lot] : [gtin, lot, custodian],
];

export const stepKey = (ctx: Context, txId: string) => compositeKey(ctx, SupplyObjects.step, [txId]);

export const unitStepKey = (ctx: Context, gtin: string, serial: string, seq: number) =>
    compositeKey(ctx, SupplyObjects.objectStep, ['sgtin', gtin, serial, sequencePart(seq)]);
export const unitStepPrefix = (gtin: string, serial: string): [string, string[]] => [
    SupplyObjects.objectStep,
    ['sgtin', gtin, serial],
];
export const containerStepKey = (ctx: Context, sscc: string, seq: number) =>
    compositeKey(ctx, SupplyObjects.objectStep, ['sscc', sscc, sequencePart(seq)]);
export const containerStepPrefix = (sscc: string): [string, string[]] => [SupplyObjects.objectStep, ['sscc', sscc]];

export const lotStepKey = (ctx: Context, gtin: string, lot: string, at: string, txId: string) =>
    compositeKey(ctx, SupplyObjects.lotStep, [gtin, lot, at, txId]);
export const lotStepPrefix = (gtin: string, lot: string): [string, string[]] => [SupplyObjects.lotStep, [gtin, lot]];

export const unitSuspectKey = (ctx: Context, gtin: string, serial: string) =>
    compositeKey(ctx, SupplyObjects.openSuspect, ['unit', gtin, serial]);
export const lotSuspectKey = (ctx: Context, gtin: string, lot: string) =>
    compositeKey(ctx, SupplyObjects.openSuspect, ['lot', gtin, lot]);
export const openSuspectPrefix = (): [string, string[]] => [SupplyObjects.openSuspect, []];

export const verificationKey = (ctx: Context, gtin: string, serial: string, at: string, txId: string) =>
    compositeKey(ctx, SupplyObjects.verification, [gtin, serial, at, txId]);
export const verificationPrefix = (gtin: string, serial: string): [string, string[]] => [
    SupplyObjects.verification,
    [gtin, serial],
];
