import type { Context } from 'fabric-contract-api';
import { allByPartialKey, conflict, inWriteBatch, invalidArgument, parseJsonArg, toBytes, txTime } from '../common';
import { requirePartnerActor } from './access';
import { requireLotRecord, requireOwnProduct } from './catalog';
import { isExpired } from './gs1';
import { requireGtin, requireLot, requireSerial } from './input';
import { batchSerialsKey, lotBatchKey, lotBatchPrefix } from './keys';
import { MaxBatchesPerLot, MaxCommissionBatch } from './limits';
import { SupplyEvents, type CommissionInput, type CommissioningBatch, type SupplyStep, type Unit } from './types';
import { Work } from './work';

/**
 * Commissioning: the manufacturer gives serials to units of one of its lots, thousands per
 * transaction. Each batch is its own key, so batches into one lot never write the same key;
 * the lot's quantity is enforced by summing the lot's batches (a bounded read, which also
 * makes two batches racing for a lot's last units conflict instead of both passing).
 */
export interface CommissionResult {
    batch: CommissioningBatch;
    step: SupplyStep;
}

export async function commissionUnits(ctx: Context, raw: string): Promise<CommissionResult> {
    const actor = await requirePartnerActor(ctx, 'manufacturer');
    const input = parseJsonArg<Partial<CommissionInput>>(raw, 'batch');
    const gtin = requireGtin(input.gtin, 'batch.gtin');
    const lotNumber = requireLot(input.lot, 'batch.lot');
    const serials = requireSerials(input.serials);
    await requireOwnProduct(ctx, gtin, actor.mspId);
    const lot = await requireLotRecord(ctx, gtin, lotNumber);
    if (lot.recall) {
        throw conflict(`lot ${lotNumber} of ${gtin} is recalled; no units may be commissioned into it`, 'batch.lot');
    }
    if (lot.suspect || lot.illegitimate) {
        throw conflict(
            `lot ${lotNumber} of ${gtin} is under suspicion or illegitimate; no units may be commissioned into it`,
            'batch.lot',
        );
    }
    if (isExpired(lot.expiry, txTime(ctx))) {
        throw conflict(
            `lot ${lotNumber} of ${gtin} expired (${lot.expiry}); no units may be commissioned into it`,
            'batch.lot',
        );
    }

    const work = new Work(ctx);
    // One batched read of every serial (GET_STATE_MULTIPLE on Fabric 3.1) refuses a double commissioning.
    await work.prefetchObjects(serials.map((serial) => ({ kind: 'unit', gtin, serial })));
    for (let i = 0; i < serials.length; i += 1) {
        if (await work.unit(gtin, serials[i])) {
            throw conflict(`unit ${gtin}/${serials[i]} is already commissioned`, `batch.serials[${i}]`);
        }
    }
    const batches = await allByPartialKey<CommissioningBatch>(
        ctx,
        ...lotBatchPrefix(gtin, lotNumber),
        MaxBatchesPerLot,
    );
    const commissioned = batches.reduce((sum, { value }) => sum + value.count, 0);
    if (commissioned + serials.length > lot.quantity) {
        throw conflict(
            `lot ${lotNumber} of ${gtin} has ${commissioned} of ${lot.quantity} units commissioned; ${serials.length} more would exceed its quantity`,
            'batch.serials',
        );
    }

    const batch: CommissioningBatch = { gtin, lot: lotNumber, count: serials.length, at: work.at, txId: work.txId };
    await inWriteBatch(ctx, async () => {
        await ctx.stub.putState(lotBatchKey(ctx, gtin, lotNumber, work.txId), toBytes(batch));
        await ctx.stub.putState(batchSerialsKey(ctx, gtin, lotNumber, work.txId), toBytes(serials));
    });
    for (const serial of serials) {
        const unit: Unit = {
            gtin,
            serial,
            lot: lotNumber,
            expiry: lot.expiry,
            manufacturer: actor.mspId,
            status: 'active',
            custodian: actor.mspId,
            steps: 0,
            commissionedAt: work.at,
            commissionTxId: work.txId,
        };
        work.createUnit(unit);
    }
    const step = await work.commit(
        SupplyEvents.UnitsCommissioned,
        {
            kind: 'commission',
            actor,
            epcs: [],
            lots: [{ gtin, lot: lotNumber, expiry: lot.expiry, quantity: serials.length }],
        },
        { indexHistory: false },
    );
    return { batch, step };
}

function requireSerials(value: unknown): string[] {
    if (!Array.isArray(value)) {
        throw invalidArgument('batch.serials', 'must be an array');
    }
    if (value.length === 0) {
        throw invalidArgument('batch.serials', 'must not be empty');
    }
    if (value.length > MaxCommissionBatch) {
        throw invalidArgument('batch.serials', `must have at most ${MaxCommissionBatch} serials per transaction`);
    }
    const seen = new Map<string, number>();
    return value.map((raw, index) => {
        const serial = requireSerial(raw, `batch.serials[${index}]`);
        const first = seen.get(serial);
        if (first !== undefined) {
            throw invalidArgument(`batch.serials[${index}]`, `repeats batch.serials[${first}]`);
        }
        seen.set(serial, index);
        return serial;
    });
}

/** Units commissioned into a lot so far (sum of its batches). */
export async function commissionedCount(ctx: Context, gtin: string, lot: string): Promise<number> {
    const batches = await allByPartialKey<CommissioningBatch>(ctx, ...lotBatchPrefix(gtin, lot), MaxBatchesPerLot);
    return batches.reduce((sum, { value }) => sum + value.count, 0);
}
