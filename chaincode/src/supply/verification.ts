import type { Context } from 'fabric-contract-api';
import {
    emitEvent,
    fromBytes,
    getStates,
    invalidArgument,
    parseJsonArg,
    requireArray,
    requireOneOf,
    toBytes,
    txTime,
    txTimeIso,
} from '../common';
import { requirePartnerActor } from './access';
import { expiryToIsoDate, isExpired } from './gs1';
import { itemArgument, requireProductIdentifier } from './input';
import { lotKey, unitKey, verificationKey } from './keys';
import { MaxVerifyBatch } from './limits';
import {
    SupplyEvents,
    TerminalStatuses,
    VerificationContexts,
    type AdditionalInfo,
    type Lot,
    type RecordVerificationInput,
    type Unit,
    type VerificationFailureReason,
    type VerificationRecord,
    type VerificationRequest,
    type VerificationResult,
} from './types';

/**
 * Product verification in the terms of DSCSA's Verification Router Service (GS1 Lightweight
 * Messaging). The verdict depends only on the product identifier, the ledger and the
 * transaction time — never on who asks — so every requester gets the same answer:
 *
 * - unknown GTIN + serial: `verified: false`, No_match_GTIN_Serial;
 * - lot or expiry different from the commissioned unit's: `verified: false`,
 *   No_match_GTIN_Serial_Lot / _Expiry / _Lot_Expiry (expiries compare as calendar dates, so
 *   `261200` matches `261231`); a field the request leaves out is not compared;
 * - a dispensed or decommissioned unit: `verified: false`, Not_for_re-distribution;
 * - otherwise `verified: true`.
 *
 * `additionalInfo` accompanies any verdict on a known unit with the most serious of
 * Illegitimate, Suspect, Recalled, Expired (expired by the transaction's date, UTC).
 */
export function verdict(
    request: VerificationRequest,
    unit: Unit | undefined,
    lot: Lot | undefined,
    at: Date,
): VerificationResult {
    const base = { request, verificationTimestamp: at.toISOString() };
    if (!unit || !lot) {
        return { ...base, verified: false, verificationFailureReason: 'No_match_GTIN_Serial' };
    }
    const lotMismatch = request.lot !== undefined && request.lot !== unit.lot;
    const expiryMismatch =
        request.expiry !== undefined && expiryToIsoDate(request.expiry) !== expiryToIsoDate(unit.expiry);
    const additionalInfo = additionalInfoOf(unit, lot, at);
    const info = additionalInfo ? { additionalInfo } : {};
    let failure: VerificationFailureReason | undefined;
    if (lotMismatch && expiryMismatch) {
        failure = 'No_match_GTIN_Serial_Lot_Expiry';
    } else if (lotMismatch) {
        failure = 'No_match_GTIN_Serial_Lot';
    } else if (expiryMismatch) {
        failure = 'No_match_GTIN_Serial_Expiry';
    } else if (TerminalStatuses.includes(unit.status)) {
        failure = 'Not_for_re-distribution';
    }
    return failure
        ? { ...base, verified: false, verificationFailureReason: failure, ...info }
        : { ...base, verified: true, ...info };
}

function additionalInfoOf(unit: Unit, lot: Lot, at: Date): AdditionalInfo | undefined {
    if (unit.illegitimate || lot.illegitimate) return 'Illegitimate';
    if (unit.suspect || lot.suspect) return 'Suspect';
    if (lot.recall) return 'Recalled';
    if (isExpired(unit.expiry, at)) return 'Expired';
    return undefined;
}

async function read<T>(ctx: Context, key: string): Promise<T | undefined> {
    const bytes = await ctx.stub.getState(key);
    return bytes && bytes.length > 0 ? fromBytes<T>(bytes) : undefined;
}

async function verdictOnLedger(ctx: Context, request: VerificationRequest): Promise<VerificationResult> {
    const unit = await read<Unit>(ctx, unitKey(ctx, request.gtin, request.serial));
    const lot = unit && (await read<Lot>(ctx, lotKey(ctx, unit.gtin, unit.lot)));
    return verdict(request, unit, lot, txTime(ctx));
}

/** Any caller: the product identifier as scanned (element string, Digital Link) or its JSON. */
export async function verifyProduct(ctx: Context, raw: string): Promise<VerificationResult> {
    return verdictOnLedger(ctx, requireProductIdentifier(itemArgument(raw), 'product'));
}

/**
 * Any caller: a list of product identifiers (a pharmacist scanning a tote, a distributor
 * checking a returned case), each answered exactly as {@link verifyProduct} would, in order.
 * Units and then their lots are read in one batched request each. At most
 * {@link MaxVerifyBatch}; a malformed identifier fails the call naming `products[i]`.
 */
export async function verifyProducts(ctx: Context, raw: string): Promise<VerificationResult[]> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw invalidArgument('products', 'must be a JSON array of product identifiers');
    }
    const requests = requireArray<unknown>(parsed, 'products', { min: 1, max: MaxVerifyBatch }).map((product, i) =>
        requireProductIdentifier(product, `products[${i}]`),
    );
    const units = (
        await getStates(
            ctx,
            requests.map((request) => unitKey(ctx, request.gtin, request.serial)),
        )
    ).map((bytes) => (bytes && bytes.length > 0 ? fromBytes<Unit>(bytes) : undefined));
    const lotKeys = [...new Set(units.flatMap((unit) => (unit ? [lotKey(ctx, unit.gtin, unit.lot)] : [])))];
    const lotValues = await getStates(ctx, lotKeys);
    const lots = new Map(
        lotKeys.map((key, i) => [key, lotValues[i]?.length ? fromBytes<Lot>(lotValues[i]) : undefined]),
    );
    const at = txTime(ctx);
    return requests.map((request, i) => {
        const unit = units[i];
        return verdict(request, unit, unit && lots.get(lotKey(ctx, unit.gtin, unit.lot)), at);
    });
}

/**
 * A trading partner records a verification it relies on (DSCSA: before reselling a saleable
 * return; during a suspect-product investigation). Its own key per verification, so recording
 * never contends with the unit's custody.
 */
export async function recordVerification(ctx: Context, raw: string): Promise<VerificationRecord> {
    const actor = await requirePartnerActor(ctx);
    const input = parseJsonArg<Partial<RecordVerificationInput>>(raw, 'verification');
    const request = requireProductIdentifier(input.product, 'verification.product');
    const context = requireOneOf(input.context, 'verification.context', VerificationContexts);
    const result = await verdictOnLedger(ctx, request);
    const record: VerificationRecord = {
        ...result,
        context,
        requester: { mspId: actor.mspId, actorId: actor.actorId },
        txId: ctx.stub.getTxID(),
    };
    await ctx.stub.putState(
        verificationKey(ctx, request.gtin, request.serial, txTimeIso(ctx), record.txId),
        toBytes(record),
    );
    emitEvent(ctx, SupplyEvents.VerificationRecorded, record);
    return record;
}
