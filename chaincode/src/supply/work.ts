import type { Context } from 'fabric-contract-api';
import { emitEvent, fromBytes, getStates, inWriteBatch, toBytes, txTimeIso } from '../common';
import type { Actor } from './access';
import { sgtinUri, ssccUri, type ItemIdentifier } from './gs1';
import {
    containerKey,
    containerStepKey,
    holdingKey,
    lotKey,
    lotStepKey,
    partnerKey,
    productKey,
    stepKey,
    unitKey,
    unitStepKey,
} from './keys';
import { MaxEventEpcs } from './limits';
import type {
    Container,
    DecommissionReason,
    Lot,
    LotQuantity,
    Product,
    StepEventPayload,
    StepKind,
    SupplyEventName,
    SupplyStep,
    TradingPartner,
    Unit,
} from './types';
import { epcisShapeOf } from './vocabulary';

/**
 * One supply transaction's reads and writes. Fabric's getState does not see the transaction's
 * own writes, so every object is read once through this cache and written once at the end by
 * {@link Work.commit}, which also keeps the holding index in step with custody, appends the
 * step to the history of every object it touched, and emits the one event.
 *
 * Many keys travel in few messages on a Fabric 3.1 peer: {@link Work.prefetch} reads a set of
 * keys in one GET_STATE_MULTIPLE per 1,000 keys, and commit sends every write as one
 * WRITE_BATCH_STATE per 1,000 records (../common/batched-state.ts).
 */
export class Work {
    readonly at: string;
    readonly txId: string;
    private readonly units = new Map<string, { before?: Unit; value: Unit }>();
    private readonly containers = new Map<string, { before?: Container; value: Container }>();
    private readonly lots = new Map<string, Lot | undefined>();
    private readonly products = new Map<string, Product | undefined>();
    private readonly touchedUnits = new Set<string>();
    private readonly touchedContainers = new Set<string>();
    private readonly changedLots = new Set<string>();
    /** Raw values read ahead by {@link Work.prefetch}; an empty array for a missing key. */
    private readonly fetched = new Map<string, Uint8Array>();

    constructor(readonly ctx: Context) {
        this.at = txTimeIso(ctx);
        this.txId = ctx.stub.getTxID();
    }

    private async read<T>(key: string): Promise<T | undefined> {
        const bytes = this.fetched.get(key) ?? (await this.ctx.stub.getState(key));
        return bytes && bytes.length > 0 ? fromBytes<T>(bytes) : undefined;
    }

    /** Reads `keys` not read yet in one batched request, so the typed getters below find them in memory. */
    async prefetch(keys: Iterable<string>): Promise<void> {
        const missing = [...new Set(keys)].filter(
            (key) =>
                !this.fetched.has(key) &&
                !this.units.has(key) &&
                !this.containers.has(key) &&
                !this.lots.has(key) &&
                !this.products.has(key),
        );
        const values = await getStates(this.ctx, missing);
        missing.forEach((key, index) => this.fetched.set(key, values[index]));
    }

    /** Prefetches the records of units and containers named by `items`, and any `alsoKeys`, in one request. */
    prefetchObjects(items: readonly ItemIdentifier[], alsoKeys: readonly string[] = []): Promise<void> {
        return this.prefetch([
            ...alsoKeys,
            ...items.map((item) =>
                item.kind === 'unit' ? unitKey(this.ctx, item.gtin, item.serial) : containerKey(this.ctx, item.sscc),
            ),
        ]);
    }

    /** Prefetches the lot records of `units`. */
    prefetchLots(units: readonly Pick<Unit, 'gtin' | 'lot'>[]): Promise<void> {
        return this.prefetch(units.map((unit) => lotKey(this.ctx, unit.gtin, unit.lot)));
    }

    async unit(gtin: string, serial: string): Promise<Unit | undefined> {
        const key = unitKey(this.ctx, gtin, serial);
        let entry = this.units.get(key);
        if (!entry) {
            const before = await this.read<Unit>(key);
            if (!before) {
                return undefined;
            }
            entry = { before, value: structuredClone(before) };
            this.units.set(key, entry);
        }
        return entry.value;
    }

    async container(sscc: string): Promise<Container | undefined> {
        const key = containerKey(this.ctx, sscc);
        let entry = this.containers.get(key);
        if (!entry) {
            const before = await this.read<Container>(key);
            if (!before) {
                return undefined;
            }
            entry = { before, value: structuredClone(before) };
            this.containers.set(key, entry);
        }
        return entry.value;
    }

    async lot(gtin: string, lot: string): Promise<Lot | undefined> {
        const key = lotKey(this.ctx, gtin, lot);
        if (!this.lots.has(key)) {
            this.lots.set(key, await this.read<Lot>(key));
        }
        return this.lots.get(key);
    }

    async product(gtin: string): Promise<Product | undefined> {
        const key = productKey(this.ctx, gtin);
        if (!this.products.has(key)) {
            this.products.set(key, await this.read<Product>(key));
        }
        return this.products.get(key);
    }

    /** A trading partner's record (read through the prefetch cache). */
    partner(mspId: string): Promise<TradingPartner | undefined> {
        return this.read<TradingPartner>(partnerKey(this.ctx, mspId));
    }

    /** A unit created by this transaction. */
    createUnit(unit: Unit): void {
        const key = unitKey(this.ctx, unit.gtin, unit.serial);
        this.units.set(key, { value: unit });
        this.touchedUnits.add(key);
    }

    /** A container created by this transaction. */
    createContainer(container: Container): void {
        const key = containerKey(this.ctx, container.sscc);
        this.containers.set(key, { value: container });
        this.touchedContainers.add(key);
    }

    /** The step concerns this unit: it is saved and the step joins its history. */
    touchUnit(unit: Unit): void {
        this.touchedUnits.add(unitKey(this.ctx, unit.gtin, unit.serial));
    }

    touchContainer(container: Container): void {
        this.touchedContainers.add(containerKey(this.ctx, container.sscc));
    }

    /** The lot record was changed (recall, suspicion) and is saved at commit. */
    changeLot(lot: Lot): void {
        const key = lotKey(this.ctx, lot.gtin, lot.lot);
        this.lots.set(key, lot);
        this.changedLots.add(key);
    }

    /**
     * Writes every touched object, the step and its indexes, and emits `event`.
     * `lots` overrides the per-lot quantities computed from touched units (lot-level steps).
     * With `indexHistory: false` (commissioning) the units' histories start from their
     * `commissionTxId` instead of an index entry each.
     */
    async commit(
        event: SupplyEventName,
        step: {
            kind: StepKind;
            actor: Actor;
            epcs: string[];
            from?: string;
            to?: string;
            parent?: string;
            reason?: string;
            decommissionReason?: DecommissionReason;
            recallClass?: SupplyStep['recallClass'];
            lots?: LotQuantity[];
        },
        options: { indexHistory?: boolean } = {},
    ): Promise<SupplyStep> {
        const { ctx } = this;
        const indexHistory = options.indexHistory ?? true;
        return inWriteBatch(ctx, () => this.write(event, step, indexHistory));
    }

    private async write(
        event: SupplyEventName,
        step: Parameters<Work['commit']>[1],
        indexHistory: boolean,
    ): Promise<SupplyStep> {
        const { ctx } = this;
        const shape = epcisShapeOf(step.kind, step.decommissionReason);
        const touchedUnits = [...this.touchedUnits].map((key) => this.units.get(key)!.value);
        const record: SupplyStep = {
            txId: this.txId,
            kind: step.kind,
            ...shape,
            at: this.at,
            actor: { mspId: step.actor.mspId, actorId: step.actor.actorId },
            from: step.from,
            to: step.to,
            epcs: step.epcs,
            parent: step.parent,
            lots: step.lots ?? lotQuantities(touchedUnits),
            reason: step.reason,
            recallClass: step.recallClass,
        };

        for (const key of this.touchedUnits) {
            const { before, value } = this.units.get(key)!;
            if (indexHistory) {
                await ctx.stub.putState(unitStepKey(ctx, value.gtin, value.serial, value.steps), toBytes(this.txId));
                value.steps += 1;
            }
            await ctx.stub.putState(key, toBytes(value));
            await this.saveHolding(before, value);
        }
        for (const key of this.touchedContainers) {
            const { value } = this.containers.get(key)!;
            await ctx.stub.putState(containerStepKey(ctx, value.sscc, value.steps), toBytes(this.txId));
            value.steps += 1;
            await ctx.stub.putState(key, toBytes(value));
        }
        for (const key of this.changedLots) {
            await ctx.stub.putState(key, toBytes(this.lots.get(key)));
        }
        await ctx.stub.putState(stepKey(ctx, this.txId), toBytes(record));
        for (const lot of record.lots) {
            await ctx.stub.putState(lotStepKey(ctx, lot.gtin, lot.lot, this.at, this.txId), toBytes(this.txId));
        }
        const payload: StepEventPayload = {
            ...record,
            epcs: record.epcs.slice(0, MaxEventEpcs),
            epcCount: record.epcs.length,
        };
        emitEvent(ctx, event, payload);
        return record;
    }

    /** Keeps `holding ~ gtin ~ lot ~ custodian ~ serial` equal to the unit's custody. */
    private async saveHolding(before: Unit | undefined, after: Unit): Promise<void> {
        const { ctx } = this;
        const unchanged =
            before !== undefined &&
            before.custodian === after.custodian &&
            before.status === after.status &&
            before.destination === after.destination;
        if (unchanged) {
            return;
        }
        if (before !== undefined && before.custodian !== after.custodian) {
            await ctx.stub.deleteState(holdingKey(ctx, before.gtin, before.lot, before.custodian, before.serial));
        }
        const holding = { status: after.status, destination: after.destination };
        await ctx.stub.putState(
            holdingKey(ctx, after.gtin, after.lot, after.custodian, after.serial),
            toBytes(holding),
        );
    }
}

/** Units per lot, sorted by GTIN then lot so the record is the same on every peer. */
export function lotQuantities(units: readonly Unit[]): LotQuantity[] {
    const byLot = new Map<string, LotQuantity>();
    for (const unit of units) {
        const key = `${unit.gtin}\u0000${unit.lot}`;
        const entry = byLot.get(key);
        if (entry) {
            entry.quantity += 1;
        } else {
            byLot.set(key, { gtin: unit.gtin, lot: unit.lot, expiry: unit.expiry, quantity: 1 });
        }
    }
    return [...byLot.values()].sort((a, b) => (a.gtin === b.gtin ? compare(a.lot, b.lot) : compare(a.gtin, b.gtin)));
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

export const unitUri = (unit: Pick<Unit, 'gtin' | 'serial'>) => sgtinUri(unit.gtin, unit.serial);
export const containerUri = (container: Pick<Container, 'sscc'>) => ssccUri(container.sscc);
