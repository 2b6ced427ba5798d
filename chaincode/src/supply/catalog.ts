import type { Context } from 'fabric-contract-api';
import {
    conflict,
    emitEvent,
    forbidden,
    fromBytes,
    invalidArgument,
    notFound,
    parseJsonArg,
    RegulatorMsp,
    requireInteger,
    requireOneOf,
    requireString,
    toBytes,
    txTimeIso,
} from '../common';
import { getPartner, requirePartnerActor, requireRegulator } from './access';
import { requireExpiry, requireGln, requireGtin, requireLot, requireMspId } from './input';
import { lotKey, partnerKey, productKey } from './keys';
import { MaxLotQuantity } from './limits';
import {
    PartnerKinds,
    SupplyEvents,
    type AuthorizePartnerInput,
    type Lot,
    type Product,
    type RegisterLotInput,
    type RegisterProductInput,
    type TradingPartner,
} from './types';

/**
 * The supply chain's master data: which orgs are trading partners (authorised by the
 * regulator), which products exist (registered by their manufacturer) and their lots.
 */

async function read<T>(ctx: Context, key: string): Promise<T | undefined> {
    const bytes = await ctx.stub.getState(key);
    return bytes && bytes.length > 0 ? fromBytes<T>(bytes) : undefined;
}

/**
 * The regulator authorises an org as a manufacturer, distributor or dispenser. Repeating the
 * same authorisation returns the existing record and writes nothing, so setup is idempotent.
 */
export async function authorizePartner(ctx: Context, raw: string): Promise<TradingPartner> {
    const regulator = requireRegulator(ctx);
    const input = parseJsonArg<Partial<AuthorizePartnerInput>>(raw, 'partner');
    const mspId = requireMspId(input.mspId, 'partner.mspId');
    if (mspId === RegulatorMsp) {
        throw invalidArgument('partner.mspId', 'the regulator is not a trading partner');
    }
    const kind = requireOneOf(input.kind, 'partner.kind', PartnerKinds);
    const gln = input.gln === undefined ? undefined : requireGln(input.gln, 'partner.gln');
    const existing = await getPartner(ctx, mspId);
    if (existing) {
        if (existing.kind === kind && existing.gln === gln) {
            return existing;
        }
        throw conflict(
            `${mspId} is already authorised as a ${existing.kind}${existing.gln ? ` at GLN ${existing.gln}` : ''}`,
            'partner',
        );
    }
    const partner: TradingPartner = {
        mspId,
        kind,
        gln,
        authorizedAt: txTimeIso(ctx),
        authorizedBy: regulator.mspId,
        txId: ctx.stub.getTxID(),
    };
    await ctx.stub.putState(partnerKey(ctx, mspId), toBytes(partner));
    emitEvent(ctx, SupplyEvents.PartnerAuthorized, partner);
    return partner;
}

export async function registerProduct(ctx: Context, raw: string): Promise<Product> {
    const actor = await requirePartnerActor(ctx, 'manufacturer');
    const input = parseJsonArg<Partial<RegisterProductInput>>(raw, 'product');
    const gtin = requireGtin(input.gtin, 'product.gtin');
    const name = requireString(input.name, 'product.name', { max: 200 });
    const strength = requireString(input.strength, 'product.strength', { max: 64 });
    const dosageForm = requireString(input.dosageForm, 'product.dosageForm', { max: 64 });
    const key = productKey(ctx, gtin);
    const existing = await read<Product>(ctx, key);
    if (existing) {
        throw conflict(`product ${gtin} is already registered by ${existing.manufacturer}`, 'product.gtin');
    }
    const product: Product = {
        gtin,
        name,
        strength,
        dosageForm,
        manufacturer: actor.mspId,
        registeredAt: txTimeIso(ctx),
        txId: ctx.stub.getTxID(),
    };
    await ctx.stub.putState(key, toBytes(product));
    emitEvent(ctx, SupplyEvents.ProductRegistered, product);
    return product;
}

export async function getProduct(ctx: Context, gtin: string): Promise<Product | undefined> {
    return read<Product>(ctx, productKey(ctx, gtin));
}

export async function requireProduct(ctx: Context, gtin: string): Promise<Product> {
    const product = await getProduct(ctx, gtin);
    if (!product) {
        throw notFound('product', gtin);
    }
    return product;
}

/** The product, which the caller's org must have registered. */
export async function requireOwnProduct(ctx: Context, gtin: string, mspId: string): Promise<Product> {
    const product = await requireProduct(ctx, gtin);
    if (product.manufacturer !== mspId) {
        throw forbidden(
            `only ${product.manufacturer}, the manufacturer of ${gtin}, may do this; caller is of ${mspId}`,
        );
    }
    return product;
}

export async function registerLot(ctx: Context, raw: string): Promise<Lot> {
    const actor = await requirePartnerActor(ctx, 'manufacturer');
    const input = parseJsonArg<Partial<RegisterLotInput>>(raw, 'lot');
    const gtin = requireGtin(input.gtin, 'lot.gtin');
    const lotNumber = requireLot(input.lot, 'lot.lot');
    const expiry = requireExpiry(input.expiry, 'lot.expiry');
    const quantity = requireInteger(input.quantity, 'lot.quantity', { min: 1, max: MaxLotQuantity });
    await requireOwnProduct(ctx, gtin, actor.mspId);
    const key = lotKey(ctx, gtin, lotNumber);
    if (await read<Lot>(ctx, key)) {
        throw conflict(`lot ${lotNumber} of ${gtin} is already registered`, 'lot.lot');
    }
    const lot: Lot = {
        gtin,
        lot: lotNumber,
        expiry,
        quantity,
        manufacturer: actor.mspId,
        registeredAt: txTimeIso(ctx),
        txId: ctx.stub.getTxID(),
    };
    await ctx.stub.putState(key, toBytes(lot));
    emitEvent(ctx, SupplyEvents.LotRegistered, lot);
    return lot;
}

export async function getLot(ctx: Context, gtin: string, lot: string): Promise<Lot | undefined> {
    return read<Lot>(ctx, lotKey(ctx, gtin, lot));
}

export async function requireLotRecord(ctx: Context, gtin: string, lot: string): Promise<Lot> {
    const record = await getLot(ctx, gtin, lot);
    if (!record) {
        throw notFound('lot', `${lot} of ${gtin}`);
    }
    return record;
}
