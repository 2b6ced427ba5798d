import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common';
import { pack, unpack } from './aggregation';
import { authorizePartner, registerLot, registerProduct } from './catalog';
import { commissionUnits } from './commissioning';
import { receive, reject, ship } from './custody';
import { decommission, dispense } from './point-of-care';

/**
 * Drug supply-chain custody: trading partners, products and lots, commissioning of serialised
 * units, aggregation into cases and pallets, shipping and receiving, dispensing and
 * decommissioning. Every step is recorded as an EPCIS-ready step and emits one event. See
 * README.md in this folder for the rules and the data model.
 */
@Info({ title: 'Supply', description: 'Serialised drug custody: commissioning, aggregation, shipping, dispensing' })
export class SupplyContract extends CareLedgerContract {
    constructor() {
        super('supply');
    }

    /** Regulator: authorises an org as a manufacturer, distributor or dispenser (idempotent). */
    @Transaction()
    @Returns('string')
    async AuthorizePartner(ctx: Context, partner: string): Promise<string> {
        return JSON.stringify(await authorizePartner(ctx, partner));
    }

    /** Manufacturer: registers a product by GTIN. */
    @Transaction()
    @Returns('string')
    async RegisterProduct(ctx: Context, product: string): Promise<string> {
        return JSON.stringify(await registerProduct(ctx, product));
    }

    /** Manufacturer of the product: registers a lot with its expiry and quantity. */
    @Transaction()
    @Returns('string')
    async RegisterLot(ctx: Context, lot: string): Promise<string> {
        return JSON.stringify(await registerLot(ctx, lot));
    }

    /** Manufacturer of the product: commissions serials into one of its lots, in bulk. */
    @Transaction()
    @Returns('string')
    async CommissionUnits(ctx: Context, batch: string): Promise<string> {
        return JSON.stringify(await commissionUnits(ctx, batch));
    }

    /** Custodian: packs units or containers into a case or pallet (SSCC), created on first use. */
    @Transaction()
    @Returns('string')
    async Pack(ctx: Context, packing: string): Promise<string> {
        return JSON.stringify(await pack(ctx, packing));
    }

    /** Custodian: takes children (all by default) out of a top-level container. */
    @Transaction()
    @Returns('string')
    async Unpack(ctx: Context, unpacking: string): Promise<string> {
        return JSON.stringify(await unpack(ctx, unpacking));
    }

    /** Custodian: ships top-level units and containers to an authorised trading partner. */
    @Transaction()
    @Returns('string')
    async Ship(ctx: Context, shipment: string): Promise<string> {
        return JSON.stringify(await ship(ctx, shipment));
    }

    /** The org a shipment is in transit to: takes custody. */
    @Transaction()
    @Returns('string')
    async Receive(ctx: Context, receipt: string): Promise<string> {
        return JSON.stringify(await receive(ctx, receipt));
    }

    /** The org a shipment is in transit to: refuses it; it stays with the sender. */
    @Transaction()
    @Returns('string')
    async Reject(ctx: Context, rejection: string): Promise<string> {
        return JSON.stringify(await reject(ctx, rejection));
    }

    /** Licensed pharmacist of a dispenser holding the unit: dispenses it (terminal). */
    @Transaction()
    @Returns('string')
    async Dispense(ctx: Context, item: string): Promise<string> {
        return JSON.stringify(await dispense(ctx, item));
    }

    /** Custodian: takes a unit out of commerce for a reason (terminal). */
    @Transaction()
    @Returns('string')
    async Decommission(ctx: Context, decommissioning: string): Promise<string> {
        return JSON.stringify(await decommission(ctx, decommissioning));
    }
}
