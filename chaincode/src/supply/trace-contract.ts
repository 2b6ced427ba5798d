import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract, notFound } from '../common';
import { getProduct, requireLotRecord } from './catalog';
import { getPartner } from './access';
import {
    containerHistory,
    getContainer,
    getShipment,
    getUnit,
    listHoldings,
    lotHistory,
    lotWhereabouts,
    unitHistory,
} from './history';
import { requireGtin, requireLot, requireMspId } from './input';

/**
 * Reading the supply chain: master data (public to the channel), current custody and the chain
 * of custody (the regulator reads everything; partners what they took part in).
 */
@Info({ title: 'SupplyTrace', description: 'Master data, custody and chain of custody' })
export class SupplyTraceContract extends CareLedgerContract {
    constructor() {
        super('supply-trace');
    }

    @Transaction(false)
    @Returns('string')
    async GetPartner(ctx: Context, mspId: string): Promise<string> {
        const id = requireMspId(mspId, 'mspId');
        const partner = await getPartner(ctx, id);
        if (!partner) {
            throw notFound('trading partner', id);
        }
        return JSON.stringify(partner);
    }

    @Transaction(false)
    @Returns('string')
    async GetProduct(ctx: Context, gtin: string): Promise<string> {
        const id = requireGtin(gtin, 'gtin');
        const product = await getProduct(ctx, id);
        if (!product) {
            throw notFound('product', id);
        }
        return JSON.stringify(product);
    }

    /** A lot with its recall and suspicion state: public, as every verification discloses it. */
    @Transaction(false)
    @Returns('string')
    async GetLot(ctx: Context, gtin: string, lot: string): Promise<string> {
        const id = requireGtin(gtin, 'gtin');
        const number = requireLot(lot, 'lot');
        return JSON.stringify(await requireLotRecord(ctx, id, number));
    }

    @Transaction(false)
    @Returns('string')
    async GetUnit(ctx: Context, item: string): Promise<string> {
        return JSON.stringify(await getUnit(ctx, item));
    }

    @Transaction(false)
    @Returns('string')
    async GetContainer(ctx: Context, item: string): Promise<string> {
        return JSON.stringify(await getContainer(ctx, item));
    }

    @Transaction(false)
    @Returns('string')
    async GetUnitHistory(ctx: Context, item: string): Promise<string> {
        return JSON.stringify(await unitHistory(ctx, item));
    }

    @Transaction(false)
    @Returns('string')
    async GetContainerHistory(ctx: Context, item: string): Promise<string> {
        return JSON.stringify(await containerHistory(ctx, item));
    }

    @Transaction(false)
    @Returns('string')
    async GetLotHistory(ctx: Context, gtin: string, lot: string, pageSize: string, bookmark: string): Promise<string> {
        return JSON.stringify(await lotHistory(ctx, gtin, lot, pageSize, bookmark));
    }

    /** Regulator: where every unit of a lot is now, counted per custodian and status. */
    @Transaction(false)
    @Returns('string')
    async GetLotWhereabouts(ctx: Context, gtin: string, lot: string): Promise<string> {
        return JSON.stringify(await lotWhereabouts(ctx, gtin, lot));
    }

    /** The units of a lot one custodian holds, paginated (partners: their own only). */
    @Transaction(false)
    @Returns('string')
    async ListHoldings(
        ctx: Context,
        gtin: string,
        lot: string,
        custodian: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        return JSON.stringify(await listHoldings(ctx, gtin, lot, custodian, pageSize, bookmark));
    }

    @Transaction(false)
    @Returns('string')
    async GetShipment(ctx: Context, txId: string): Promise<string> {
        return JSON.stringify(await getShipment(ctx, txId));
    }
}
