import type { Context } from 'fabric-contract-api';
import {
    allByPartialKey,
    caller,
    forbidden,
    fromBytes,
    notFound,
    pageByPartialKey,
    parsePageSize,
    txTime,
    type Caller,
    type Page,
} from '../common';
import { isRegulator, isTradingRole, requireRegulator, requireTradeReader } from './access';
import { requireLotRecord } from './catalog';
import { sgtinUri, ssccUri } from './gs1';
import { itemArgument, requireContainerItem, requireGtin, requireLot, requireMspId, requireUnitItem } from './input';
import {
    batchSerialsKey,
    containerKey,
    containerStepPrefix,
    holdingPrefix,
    lotStepPrefix,
    openSuspectPrefix,
    stepKey,
    unitKey,
    unitStepPrefix,
    verificationPrefix,
} from './keys';
import { SuspectNotificationMs } from './limits';
import type {
    Container,
    CustodyStatus,
    Holding,
    HistoryEntry,
    LotWhereabouts,
    OpenSuspicion,
    SupplyStep,
    Unit,
    VerificationRecord,
} from './types';

/**
 * The chain of custody, and who may read what of it. The regulator reads everything. A
 * trading partner reads the history of a unit or container up to the last step it took part
 * in (as actor, sender or receiver) — what it handed over, and what came before it, as DSCSA's
 * transaction history passes downstream — never where the product went after it left; of a
 * lot, the steps it took part in and the lot-level facts (recall, suspicion). Current custody
 * is shown to the custodian and to the org it is in transit to. "A trading partner" is its
 * trading roles (operator, pharmacist, admin) only: the patients and clinicians of a partner
 * org read no trade data (access.ts, mayReadTradeData).
 */

/** Bound on one object's history read in a query (a unit takes a few dozen steps in a lifetime). */
const MaxStepsPerObject = 10_000;
/** Page size used to scan a lot's holdings for counts. */
const ScanPage = 1_000;

async function read<T>(ctx: Context, key: string): Promise<T | undefined> {
    const bytes = await ctx.stub.getState(key);
    return bytes && bytes.length > 0 ? fromBytes<T>(bytes) : undefined;
}

async function requireStep(ctx: Context, txId: string): Promise<SupplyStep> {
    const step = await read<SupplyStep>(ctx, stepKey(ctx, txId));
    if (!step) {
        throw new Error(`history names transaction ${txId}, which recorded no step`);
    }
    return step;
}

export function isParty(step: SupplyStep, mspId: string): boolean {
    return step.actor.mspId === mspId || step.from === mspId || step.to === mspId;
}

/** Steps up to the reader's last involvement, or all of them for the regulator. */
function visibleSteps(steps: SupplyStep[], reader: Caller, what: string): SupplyStep[] {
    if (isRegulator(reader)) {
        return steps;
    }
    if (!isTradingRole(reader)) {
        throw forbidden(
            `the history of ${what} is trade data: the regulator and the operators, pharmacists and admins of the orgs that handled it read it; caller is ${reader.role ?? 'no role'} of ${reader.mspId}`,
        );
    }
    let last = -1;
    steps.forEach((step, index) => {
        if (isParty(step, reader.mspId)) {
            last = index;
        }
    });
    if (last === -1) {
        throw forbidden(
            `${reader.mspId} took no part in the history of ${what}; only the regulator and the orgs that handled it may read it`,
        );
    }
    return steps.slice(0, last + 1);
}

function mayReadCustody(custody: { custodian: string; destination?: string }, reader: Caller): boolean {
    return (
        isRegulator(reader) ||
        (isTradingRole(reader) && (custody.custodian === reader.mspId || custody.destination === reader.mspId))
    );
}

async function objectSteps(ctx: Context, prefix: [string, string[]]): Promise<SupplyStep[]> {
    const entries = await allByPartialKey<string>(ctx, ...prefix, MaxStepsPerObject);
    const steps: SupplyStep[] = [];
    for (const { value } of entries) {
        steps.push(await requireStep(ctx, value));
    }
    return steps;
}

async function requireUnitRecord(ctx: Context, raw: string): Promise<Unit> {
    const item = requireUnitItem(itemArgument(raw), 'item');
    const unit = await read<Unit>(ctx, unitKey(ctx, item.gtin, item.serial));
    if (!unit) {
        throw notFound('unit', `${item.gtin}/${item.serial}`);
    }
    return unit;
}

async function requireContainerRecord(ctx: Context, raw: string): Promise<Container> {
    const item = requireContainerItem(itemArgument(raw), 'item');
    const container = await read<Container>(ctx, containerKey(ctx, item.sscc));
    if (!container) {
        throw notFound('container', item.sscc);
    }
    return container;
}

/** A unit's current state: for the regulator, its custodian, and the org it is in transit to. */
export async function getUnit(ctx: Context, raw: string): Promise<Unit> {
    const unit = await requireUnitRecord(ctx, raw);
    const reader = caller(ctx);
    if (!mayReadCustody(unit, reader)) {
        throw forbidden(
            `only the regulator and the trading roles of the custodian or the receiving org may read the custody of unit ${unit.gtin}/${unit.serial}`,
        );
    }
    return unit;
}

export async function getContainer(ctx: Context, raw: string): Promise<Container> {
    const container = await requireContainerRecord(ctx, raw);
    const reader = caller(ctx);
    if (!mayReadCustody(container, reader)) {
        throw forbidden(
            `only the regulator and the trading roles of the custodian or the receiving org may read the custody of container ${container.sscc}`,
        );
    }
    return container;
}

export interface UnitHistory {
    /** Current state, when the reader may see custody now. */
    current?: Unit;
    steps: HistoryEntry[];
    /** Verifications recorded for this serial: all for the regulator, the reader's own otherwise. */
    verifications: VerificationRecord[];
}

/**
 * A unit's chain of custody, oldest first. Each step is shown as it concerns this unit: other
 * units' identifiers are left out and quantities are the unit's own, so one unit's history
 * does not disclose the size of the batches and shipments it travelled in.
 */
export async function unitHistory(ctx: Context, raw: string): Promise<UnitHistory> {
    const unit = await requireUnitRecord(ctx, raw);
    const reader = caller(ctx);
    const all = [
        await requireStep(ctx, unit.commissionTxId),
        ...(await objectSteps(ctx, unitStepPrefix(unit.gtin, unit.serial))),
    ];
    const steps = visibleSteps(all, reader, `unit ${unit.gtin}/${unit.serial}`).map((step) =>
        projectOnUnit(step, unit),
    );
    const recorded = await allByPartialKey<VerificationRecord>(
        ctx,
        ...verificationPrefix(unit.gtin, unit.serial),
        MaxStepsPerObject,
    );
    const verifications = recorded
        .map(({ value }) => value)
        .filter((record) => isRegulator(reader) || record.requester.mspId === reader.mspId);
    return { current: mayReadCustody(unit, reader) ? unit : undefined, steps, verifications };
}

function projectOnUnit(step: SupplyStep, unit: Unit): HistoryEntry {
    const self = sgtinUri(unit.gtin, unit.serial);
    const containerPrefix = ssccUri('');
    const epcs =
        step.kind === 'commission'
            ? [self]
            : step.epcs.filter((epc) => epc === self || epc.startsWith(containerPrefix));
    return { ...step, epcs, lots: [{ gtin: unit.gtin, lot: unit.lot, expiry: unit.expiry, quantity: 1 }] };
}

export interface ContainerHistory {
    current?: Container;
    steps: HistoryEntry[];
}

export async function containerHistory(ctx: Context, raw: string): Promise<ContainerHistory> {
    const container = await requireContainerRecord(ctx, raw);
    const reader = caller(ctx);
    const steps = visibleSteps(
        await objectSteps(ctx, containerStepPrefix(container.sscc)),
        reader,
        `container ${container.sscc}`,
    );
    return { current: mayReadCustody(container, reader) ? container : undefined, steps };
}

const lotLevelKinds = new Set<SupplyStep['kind']>(['recall', 'quarantine', 'clear', 'confirmIllegitimate']);

/**
 * Every step that touched a lot, in time order, one page at a time. Commissioning steps list
 * their serials for the regulator and the manufacturer.
 */
export async function lotHistory(
    ctx: Context,
    rawGtin: string,
    rawLot: string,
    rawPageSize: string,
    bookmark: string,
): Promise<Page<HistoryEntry>> {
    const gtin = requireGtin(rawGtin, 'gtin');
    const lotNumber = requireLot(rawLot, 'lot');
    const pageSize = parsePageSize(rawPageSize);
    const lot = await requireLotRecord(ctx, gtin, lotNumber);
    const reader = requireTradeReader(ctx, `the history of lot ${gtin}/${lotNumber}`);
    const regulator = isRegulator(reader);
    return pageByPartialKey<string, HistoryEntry>(
        ctx,
        ...lotStepPrefix(gtin, lotNumber),
        pageSize,
        bookmark ?? '',
        async (txId) => {
            const step = await requireStep(ctx, txId);
            const lotLevel = lotLevelKinds.has(step.kind) && step.epcs.length === 0;
            if (!regulator && !lotLevel && !isParty(step, reader.mspId)) {
                return undefined;
            }
            if (step.kind === 'commission' && (regulator || reader.mspId === lot.manufacturer)) {
                const serials = (await read<string[]>(ctx, batchSerialsKey(ctx, gtin, lotNumber, step.txId))) ?? [];
                return { ...step, epcs: serials.map((serial) => sgtinUri(gtin, serial)) };
            }
            return step;
        },
    );
}

/** The regulator's view of where every unit of a lot is now: counts per custodian and status. */
export async function lotWhereabouts(ctx: Context, rawGtin: string, rawLot: string): Promise<LotWhereabouts> {
    requireRegulator(ctx);
    const gtin = requireGtin(rawGtin, 'gtin');
    const lotNumber = requireLot(rawLot, 'lot');
    await requireLotRecord(ctx, gtin, lotNumber);
    const counts = new Map<string, { custodian: string; status: CustodyStatus; destination?: string; count: number }>();
    let total = 0;
    let bookmark = '';
    do {
        const page = await pageByPartialKey<HoldingValue, Holding>(
            ctx,
            ...holdingPrefix(gtin, lotNumber),
            ScanPage,
            bookmark,
            (value, key) => toHolding(ctx, key, value),
        );
        for (const holding of page.items) {
            const group = `${holding.custodian}\u0000${holding.status}\u0000${holding.destination ?? ''}`;
            const entry = counts.get(group) ?? {
                custodian: holding.custodian,
                status: holding.status,
                destination: holding.destination,
                count: 0,
            };
            entry.count += 1;
            counts.set(group, entry);
            total += 1;
        }
        bookmark = page.bookmark;
    } while (bookmark !== '');
    const byCustodian = [...counts.values()].sort((a, b) =>
        a.custodian === b.custodian
            ? a.status < b.status
                ? -1
                : a.status > b.status
                  ? 1
                  : 0
            : a.custodian < b.custodian
              ? -1
              : 1,
    );
    return { gtin, lot: lotNumber, total, byCustodian };
}

interface HoldingValue {
    status: CustodyStatus;
    destination?: string;
}

function toHolding(ctx: Context, key: string, value: HoldingValue): Holding {
    const { attributes } = ctx.stub.splitCompositeKey(key);
    const [gtin, lot, custodian, serial] = attributes;
    return { gtin, lot, serial, custodian, status: value.status, destination: value.destination };
}

/**
 * The units of a lot one org holds, a page at a time. The regulator may list any custodian's
 * (or all, when none is named); a partner only its own.
 */
export async function listHoldings(
    ctx: Context,
    rawGtin: string,
    rawLot: string,
    rawCustodian: string,
    rawPageSize: string,
    bookmark: string,
): Promise<Page<Holding>> {
    const gtin = requireGtin(rawGtin, 'gtin');
    const lotNumber = requireLot(rawLot, 'lot');
    const pageSize = parsePageSize(rawPageSize);
    const reader = requireTradeReader(ctx, 'holdings');
    let custodian = rawCustodian ? requireMspId(rawCustodian, 'custodian') : undefined;
    if (!isRegulator(reader)) {
        if (custodian !== undefined && custodian !== reader.mspId) {
            throw forbidden(`only the regulator may list another org's holdings; ${reader.mspId} may list its own`);
        }
        custodian = reader.mspId;
    }
    await requireLotRecord(ctx, gtin, lotNumber);
    return pageByPartialKey<HoldingValue, Holding>(
        ctx,
        ...holdingPrefix(gtin, lotNumber, custodian),
        pageSize,
        bookmark ?? '',
        (value, key) => toHolding(ctx, key, value),
    );
}

/** A shipment (the ship step) for its sender, its receiver and the regulator. */
export async function getShipment(ctx: Context, txId: string): Promise<SupplyStep> {
    const step = await read<SupplyStep>(ctx, stepKey(ctx, txId));
    if (!step || step.kind !== 'ship') {
        throw notFound('shipment', txId);
    }
    const reader = caller(ctx);
    if (!isRegulator(reader) && !(isTradingRole(reader) && isParty(step, reader.mspId))) {
        throw forbidden(
            `only the trading roles of ${step.from} and ${step.to}, and the regulator, may read shipment ${txId}`,
        );
    }
    return step;
}

/**
 * Open suspect investigations, lots first then units, each by GTIN: the regulator sees all; a
 * partner's trading roles see those on its own products and those it raised; other roles are
 * refused (trade data). `overdue` is true once open more than 24 hours at the query's time.
 */
export async function listOpenSuspicions(
    ctx: Context,
    rawPageSize: string,
    bookmark: string,
): Promise<Page<OpenSuspicion>> {
    const pageSize = parsePageSize(rawPageSize);
    const reader = requireTradeReader(ctx, 'open suspect investigations');
    const regulator = isRegulator(reader);
    const now = txTime(ctx).getTime();
    return pageByPartialKey<OpenSuspicion & { manufacturer: string }, OpenSuspicion>(
        ctx,
        ...openSuspectPrefix(),
        pageSize,
        bookmark ?? '',
        ({ manufacturer, ...open }) => {
            if (!regulator && manufacturer !== reader.mspId && open.by !== reader.mspId) {
                return undefined;
            }
            return { ...open, overdue: now - Date.parse(open.since) > SuspectNotificationMs };
        },
    );
}
