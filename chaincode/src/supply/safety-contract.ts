import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common';
import { listOpenSuspicions } from './history';
import { clearSuspicion, confirmIllegitimate, quarantine, recallLot } from './safety';
import { recordVerification, verifyProduct, verifyProducts } from './verification';

/**
 * Product safety: recalls, suspect-product quarantine and its resolution, and DSCSA product
 * verification (the same verdict for every requester).
 */
@Info({ title: 'SupplySafety', description: 'Recalls, suspect products and product verification' })
export class SupplySafetyContract extends CareLedgerContract {
    constructor() {
        super('supply-safety');
    }

    /** Manufacturer of the product or regulator: recalls a lot (class I, II or III). */
    @Transaction()
    @Returns('string')
    async RecallLot(ctx: Context, recall: string): Promise<string> {
        return JSON.stringify(await recallLot(ctx, recall));
    }

    /** A holder (or the manufacturer or regulator, for a lot): quarantines a unit or lot as suspect. */
    @Transaction()
    @Returns('string')
    async Quarantine(ctx: Context, quarantining: string): Promise<string> {
        return JSON.stringify(await quarantine(ctx, quarantining));
    }

    /** Manufacturer or regulator: clears a suspicion after investigation. */
    @Transaction()
    @Returns('string')
    async ClearSuspicion(ctx: Context, clearance: string): Promise<string> {
        return JSON.stringify(await clearSuspicion(ctx, clearance));
    }

    /** Manufacturer or regulator: confirms a unit or lot illegitimate, which decommissions it. */
    @Transaction()
    @Returns('string')
    async ConfirmIllegitimate(ctx: Context, confirmation: string): Promise<string> {
        return JSON.stringify(await confirmIllegitimate(ctx, confirmation));
    }

    /** Anyone: verifies a product identifier (element string, Digital Link URI or JSON). */
    @Transaction(false)
    @Returns('string')
    async VerifyProduct(ctx: Context, product: string): Promise<string> {
        return JSON.stringify(await verifyProduct(ctx, product));
    }

    /** Anyone: verifies a list of product identifiers (JSON array, at most MaxVerifyBatch), each as VerifyProduct. */
    @Transaction(false)
    @Returns('string')
    async VerifyProducts(ctx: Context, products: string): Promise<string> {
        return JSON.stringify(await verifyProducts(ctx, products));
    }

    /** Trading partner: verifies and records the verification (saleable return, suspect investigation). */
    @Transaction()
    @Returns('string')
    async RecordVerification(ctx: Context, verification: string): Promise<string> {
        return JSON.stringify(await recordVerification(ctx, verification));
    }

    /** Regulator (all) or partner (its products, its reports): open suspect investigations. */
    @Transaction(false)
    @Returns('string')
    async ListOpenSuspicions(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
        return JSON.stringify(await listOpenSuspicions(ctx, pageSize, bookmark));
    }
}
