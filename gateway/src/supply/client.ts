import { supply, type Page } from '@careledger/chaincode';
import type { LedgerSession } from '../ledger';
import { gs1Expiry } from './expiry';

type ItemRef = supply.ItemRef;
type SupplyStep = supply.SupplyStep;

export interface PageRequest {
    pageSize?: number;
    bookmark?: string;
}

/** A unit (`{ item }`) or a whole lot (`{ gtin, lot }`) under suspicion. */
export type SuspectTarget = supply.SuspectTarget;

/**
 * Typed access to the supply contracts (`supply`, `supply-safety`, `supply-trace`) as one
 * identity. Identifiers may be given as scanned — a GS1 element string or Digital Link URI —
 * or as `{ gtin, serial }` / `{ sscc }`; the chaincode validates them (check digits, set 82,
 * expiry) and a malformed one comes back as `LedgerError` INVALID_ARGUMENT naming the field.
 * State changes are submitted; queries, including verification, are evaluated.
 *
 * @example
 * const maker = new SupplyClient(await env.session('manufacturer', 'operator1'));
 * await maker.registerProduct({ gtin: '09506000134352', name: 'Amoxicillin', strength: '500 mg', dosageForm: 'capsule' });
 * await maker.registerLot({ gtin: '09506000134352', lot: 'A1', expiry: '271231', quantity: 10000 });
 * await maker.commission('09506000134352', 'A1', ['S1', 'S2']);
 * await maker.pack('106141412345678908', ['(01)09506000134352(21)S1', { gtin: '09506000134352', serial: 'S2' }]);
 * const shipment = await maker.ship(['(00)106141412345678908'], 'DistributorMSP');
 * const verdict = await new SupplyClient(pharmacistSession).verify('(01)09506000134352(17)271231(10)A1(21)S1');
 */
export class SupplyClient {
    constructor(private readonly session: LedgerSession) {}

    // Master data -----------------------------------------------------------------------------

    /** Regulator: authorises a trading partner; repeating the same authorisation is a no-op. */
    authorizePartner(partner: supply.AuthorizePartnerInput): Promise<supply.TradingPartner> {
        return this.submit('supply', 'AuthorizePartner', [JSON.stringify(partner)]);
    }

    registerProduct(product: supply.RegisterProductInput): Promise<supply.Product> {
        return this.submit('supply', 'RegisterProduct', [JSON.stringify(product)]);
    }

    /** `expiry` as an ISO 8601 date (`2027-12-31`) or GS1 YYMMDD (`271231`); the ledger keeps YYMMDD. */
    registerLot(lot: supply.RegisterLotInput): Promise<supply.Lot> {
        const expiry = typeof lot.expiry === 'string' ? gs1Expiry(lot.expiry) : lot.expiry;
        return this.submit('supply', 'RegisterLot', [JSON.stringify({ ...lot, expiry })]);
    }

    getPartner(mspId: string): Promise<supply.TradingPartner> {
        return this.evaluate('supply-trace', 'GetPartner', [mspId]);
    }

    getProduct(gtin: string): Promise<supply.Product> {
        return this.evaluate('supply-trace', 'GetProduct', [gtin]);
    }

    getLot(gtin: string, lot: string): Promise<supply.Lot> {
        return this.evaluate('supply-trace', 'GetLot', [gtin, lot]);
    }

    // Commissioning and aggregation -----------------------------------------------------------

    /** One transaction of at most {@link supply.MaxCommissionBatch} serials. */
    commission(gtin: string, lot: string, serials: readonly string[]): Promise<supply.CommissionResult> {
        return this.submit('supply', 'CommissionUnits', [JSON.stringify({ gtin, lot, serials })]);
    }

    /**
     * Any number of serials, one transaction per {@link supply.MaxCommissionBatch}, in order.
     * Stops at the first rejected batch; the batches before it stay committed.
     */
    async commissionInBatches(
        gtin: string,
        lot: string,
        serials: readonly string[],
        onBatch?: (done: number, total: number) => void,
    ): Promise<supply.CommissionResult[]> {
        const results: supply.CommissionResult[] = [];
        for (let start = 0; start < serials.length; start += supply.MaxCommissionBatch) {
            results.push(await this.commission(gtin, lot, serials.slice(start, start + supply.MaxCommissionBatch)));
            onBatch?.(Math.min(start + supply.MaxCommissionBatch, serials.length), serials.length);
        }
        return results;
    }

    pack(sscc: string, children: readonly ItemRef[]): Promise<SupplyStep> {
        return this.submit('supply', 'Pack', [JSON.stringify({ sscc, children })]);
    }

    /** Takes `children` (all when omitted) out of a container. */
    unpack(sscc: string, children?: readonly ItemRef[]): Promise<SupplyStep> {
        return this.submit('supply', 'Unpack', [JSON.stringify({ sscc, children })]);
    }

    // Custody ---------------------------------------------------------------------------------

    /** Ships top-level units and containers to `to` (an MSP id); the step's `txId` names the shipment. */
    ship(items: readonly ItemRef[], to: string): Promise<SupplyStep> {
        return this.submit('supply', 'Ship', [JSON.stringify({ items, to })]);
    }

    receive(items: readonly ItemRef[]): Promise<SupplyStep> {
        return this.submit('supply', 'Receive', [JSON.stringify({ items })]);
    }

    reject(items: readonly ItemRef[], reason: string): Promise<SupplyStep> {
        return this.submit('supply', 'Reject', [JSON.stringify({ items, reason })]);
    }

    /** Pharmacist with a valid PharmacistLicense, at a dispenser holding the unit. */
    dispense(item: ItemRef): Promise<SupplyStep> {
        return this.submit('supply', 'Dispense', [typeof item === 'string' ? item : JSON.stringify(item)]);
    }

    decommission(item: ItemRef, reason: supply.DecommissionReason): Promise<SupplyStep> {
        return this.submit('supply', 'Decommission', [JSON.stringify({ item, reason })]);
    }

    // Safety ----------------------------------------------------------------------------------

    recall(recall: supply.RecallInput): Promise<SupplyStep> {
        return this.submit('supply-safety', 'RecallLot', [JSON.stringify(recall)]);
    }

    quarantine(target: SuspectTarget, reason: string): Promise<SupplyStep> {
        return this.submit('supply-safety', 'Quarantine', [JSON.stringify({ ...target, reason })]);
    }

    clearSuspicion(target: SuspectTarget, reason: string): Promise<SupplyStep> {
        return this.submit('supply-safety', 'ClearSuspicion', [JSON.stringify({ ...target, reason })]);
    }

    confirmIllegitimate(target: SuspectTarget, reason: string): Promise<SupplyStep> {
        return this.submit('supply-safety', 'ConfirmIllegitimate', [JSON.stringify({ ...target, reason })]);
    }

    /** DSCSA verification of a product identifier; the same verdict for every requester. Not recorded. */
    verify(product: string | supply.VerificationRequest): Promise<supply.VerificationResult> {
        return this.evaluate('supply-safety', 'VerifyProduct', [
            typeof product === 'string' ? product : JSON.stringify(product),
        ]);
    }

    /**
     * Verifies a list of product identifiers (at most {@link supply.MaxVerifyBatch}) in one
     * evaluation; each answer is what {@link SupplyClient.verify} gives for that identifier, in
     * order. A malformed identifier fails the call as INVALID_ARGUMENT naming `products[i]`.
     */
    verifyMany(products: ReadonlyArray<string | supply.VerificationRequest>): Promise<supply.VerificationResult[]> {
        return this.evaluate('supply-safety', 'VerifyProducts', [JSON.stringify(products)]);
    }

    /** Verifies and records the verification on the ledger (e.g. before reselling a saleable return). */
    recordVerification(
        product: string | supply.VerificationRequest,
        context: supply.VerificationContext = 'dscsaSaleableReturn',
    ): Promise<supply.VerificationRecord> {
        return this.submit('supply-safety', 'RecordVerification', [JSON.stringify({ product, context })]);
    }

    listOpenSuspicions(page: PageRequest = {}): Promise<Page<supply.OpenSuspicion>> {
        return this.evaluate('supply-safety', 'ListOpenSuspicions', pageArgs(page));
    }

    // Custody and chain of custody --------------------------------------------------------------

    getUnit(item: ItemRef): Promise<supply.Unit> {
        return this.evaluate('supply-trace', 'GetUnit', [itemArg(item)]);
    }

    getContainer(item: ItemRef): Promise<supply.Container> {
        return this.evaluate('supply-trace', 'GetContainer', [itemArg(item)]);
    }

    unitHistory(item: ItemRef): Promise<supply.UnitHistory> {
        return this.evaluate('supply-trace', 'GetUnitHistory', [itemArg(item)]);
    }

    containerHistory(item: ItemRef): Promise<supply.ContainerHistory> {
        return this.evaluate('supply-trace', 'GetContainerHistory', [itemArg(item)]);
    }

    lotHistory(gtin: string, lot: string, page: PageRequest = {}): Promise<Page<SupplyStep>> {
        return this.evaluate('supply-trace', 'GetLotHistory', [gtin, lot, ...pageArgs(page)]);
    }

    /** Every step of a lot the caller may read, following bookmarks. */
    async allLotHistory(gtin: string, lot: string, pageSize = 200): Promise<SupplyStep[]> {
        const steps: SupplyStep[] = [];
        let bookmark = '';
        do {
            const page = await this.lotHistory(gtin, lot, { pageSize, bookmark });
            steps.push(...page.items);
            bookmark = page.bookmark;
        } while (bookmark);
        return steps;
    }

    /** Regulator: where every unit of a lot is now, counted per custodian and status. */
    lotWhereabouts(gtin: string, lot: string): Promise<supply.LotWhereabouts> {
        return this.evaluate('supply-trace', 'GetLotWhereabouts', [gtin, lot]);
    }

    /** Units of a lot held by `custodian` (partners: only their own, the default). */
    listHoldings(
        gtin: string,
        lot: string,
        options: PageRequest & { custodian?: string } = {},
    ): Promise<Page<supply.Holding>> {
        return this.evaluate('supply-trace', 'ListHoldings', [
            gtin,
            lot,
            options.custodian ?? '',
            ...pageArgs(options),
        ]);
    }

    getShipment(txId: string): Promise<SupplyStep> {
        return this.evaluate('supply-trace', 'GetShipment', [txId]);
    }

    private async submit<T>(contract: string, name: string, args: string[]): Promise<T> {
        const { result } = await this.session.submit({ contract, name, args });
        return decode<T>(result);
    }

    private async evaluate<T>(contract: string, name: string, args: string[]): Promise<T> {
        return decode<T>(await this.session.evaluate({ contract, name, args }));
    }
}

function itemArg(item: ItemRef): string {
    return typeof item === 'string' ? item : JSON.stringify(item);
}

function pageArgs(page: PageRequest): [string, string] {
    return [page.pageSize === undefined ? '' : String(page.pageSize), page.bookmark ?? ''];
}

function decode<T>(bytes: Uint8Array): T {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
