/**
 * Plain data of the supply domain, shared with the gateway. Every record is public world state
 * of the `careledger` channel (see README.md, "What partners can read"); none holds personal
 * data. Dates are ISO-8601 UTC instants of the recording transaction; expiry dates stay in
 * GS1's YYMMDD as printed on the pack.
 */

/** What the regulator authorised an organisation to do in the supply chain (DSCSA trading partner). */
export const PartnerKinds = ['manufacturer', 'distributor', 'dispenser'] as const;
export type PartnerKind = (typeof PartnerKinds)[number];

export interface TradingPartner {
    mspId: string;
    kind: PartnerKind;
    /** Optional GLN of the partner's main location, used as its EPCIS location. */
    gln?: string;
    authorizedAt: string;
    authorizedBy: string;
    txId: string;
}

export interface Product {
    gtin: string;
    /** Proprietary or established name, as on the label. */
    name: string;
    strength: string;
    dosageForm: string;
    /** MSP id of the org that registered it: the only one that registers its lots and commissions units. */
    manufacturer: string;
    registeredAt: string;
    txId: string;
}

export const RecallClasses = ['I', 'II', 'III'] as const;
export type RecallClass = (typeof RecallClasses)[number];

export interface Recall {
    recallClass: RecallClass;
    reason: string;
    at: string;
    by: string;
    txId: string;
}

/** Raised by a holder; cleared, or confirmed illegitimate, by the manufacturer or the regulator. */
export interface Suspicion {
    reason: string;
    /** When the suspicion was raised: the start of the 24-hour notification clock once confirmed. */
    since: string;
    by: string;
    txId: string;
}

export interface Illegitimacy {
    reason: string;
    confirmedAt: string;
    confirmedBy: string;
    /** When the product was first quarantined as suspect, if it was. */
    suspectSince?: string;
    /** 24 hours after confirmation: DSCSA's deadline to notify the regulator and trading partners. */
    notifyBy: string;
    txId: string;
}

export interface Lot {
    gtin: string;
    lot: string;
    /** YYMMDD, DD = 00 for end of month. */
    expiry: string;
    /** Units the manufacturer may commission into this lot. */
    quantity: number;
    manufacturer: string;
    registeredAt: string;
    txId: string;
    recall?: Recall;
    suspect?: Suspicion;
    illegitimate?: Illegitimacy;
}

/** One commissioning transaction into a lot: one key per batch, so batches never contend. */
export interface CommissioningBatch {
    gtin: string;
    lot: string;
    count: number;
    at: string;
    txId: string;
}

/**
 * Custody states. `active`: at its custodian; `in_transit`: shipped to `destination`, still in
 * the custodian's custody until received; `dispensed` and `decommissioned` are terminal.
 */
export const CustodyStatuses = ['active', 'in_transit', 'dispensed', 'decommissioned'] as const;
export type CustodyStatus = (typeof CustodyStatuses)[number];

export const TerminalStatuses: readonly CustodyStatus[] = ['dispensed', 'decommissioned'];

export const DecommissionReasons = ['damaged', 'destroyed', 'expired', 'stolen', 'sample', 'other'] as const;
export type DecommissionReason = (typeof DecommissionReasons)[number];

export interface Decommission {
    reason: DecommissionReason | 'illegitimate';
    at: string;
    by: string;
    txId: string;
}

/** State shared by units and containers: who holds it, where it is going, what it is in. */
export interface Custody {
    status: CustodyStatus;
    /** MSP id of the org in custody (the sender while in transit). */
    custodian: string;
    /** MSP id of the org it is in transit to. */
    destination?: string;
    /** Transaction id of the shipment it is in transit in. */
    shipment?: string;
    /** SSCC of the container it is packed in. */
    parent?: string;
    /** Number of history steps recorded for it; also the sequence of the next one. */
    steps: number;
}

/** A serialised unit (SGTIN). */
export interface Unit extends Custody {
    gtin: string;
    serial: string;
    lot: string;
    expiry: string;
    manufacturer: string;
    commissionedAt: string;
    commissionTxId: string;
    suspect?: Suspicion;
    illegitimate?: Illegitimacy;
    decommission?: Decommission;
    dispensedAt?: string;
}

/** A logistic unit (case, pallet) identified by its SSCC. */
export interface Container extends Custody {
    sscc: string;
    /** Direct children as EPC URIs (units and containers). */
    children: string[];
    /** Units and containers below it, all levels: the bound on what one move may touch. */
    descendants: number;
    /** Container levels it spans: 1 for a case of units, 2 for a pallet of cases. */
    levels: number;
    createdAt: string;
    createdBy: string;
}

/** CBV business steps the supply contract records. */
export const SupplyBizSteps = [
    'commissioning',
    'packing',
    'unpacking',
    'shipping',
    'receiving',
    'void_shipping',
    'dispensing',
    'decommissioning',
    'destroying',
    'holding',
    'inspecting',
] as const;
export type SupplyBizStep = (typeof SupplyBizSteps)[number];

/** CBV dispositions the supply contract records. */
export const SupplyDispositions = [
    'active',
    'in_progress',
    'in_transit',
    'dispensed',
    'recalled',
    'non_sellable_other',
    'destroyed',
    'damaged',
    'expired',
    'stolen',
    'inactive',
] as const;
export type SupplyDisposition = (typeof SupplyDispositions)[number];

/** What a step did, in supply terms; each maps to one EPCIS event (see vocabulary.ts). */
export const StepKinds = [
    'commission',
    'pack',
    'unpack',
    'ship',
    'receive',
    'reject',
    'dispense',
    'decommission',
    'recall',
    'quarantine',
    'clear',
    'confirmIllegitimate',
] as const;
export type StepKind = (typeof StepKinds)[number];

/** Units of one lot a step touched: the EPCIS quantity and instance master data. */
export interface LotQuantity {
    gtin: string;
    lot: string;
    expiry: string;
    quantity: number;
}

/**
 * One recorded supply-chain step, keyed by its transaction id, complete enough to be
 * exported as an EPCIS 2.0 ObjectEvent or AggregationEvent:
 * eventID `urn:careledger:tx:{txId}`, eventTime = recordTime = `at`, readPoint and
 * bizLocation the actor org, sourceList/destinationList the owning parties `from`/`to`.
 */
export interface SupplyStep {
    txId: string;
    kind: StepKind;
    eventType: 'ObjectEvent' | 'AggregationEvent';
    action: 'ADD' | 'OBSERVE' | 'DELETE';
    bizStep: SupplyBizStep;
    disposition: SupplyDisposition;
    at: string;
    /** The org and pseudonymous user who recorded it. */
    actor: { mspId: string; actorId: string };
    /** Owning party the objects came from (shipping, receiving, reject). */
    from?: string;
    /** Owning party the objects go to. */
    to?: string;
    /** EPC URIs of the objects the step names (top level: a shipped case, not its contents). Empty for commissioning and lot-level steps (see `lots`). */
    epcs: string[];
    /** Aggregation parent (SSCC URI) for packing and unpacking. */
    parent?: string;
    /** Units per lot the step touched, directly or inside containers. */
    lots: LotQuantity[];
    /** Why: recall, quarantine, clearance, decommissioning reasons. */
    reason?: string;
    recallClass?: RecallClass;
}

/** A step as a reader sees it in a history: the record, trimmed to what the reader may see. */
export type HistoryEntry = SupplyStep;

/** Verification, in the terms of the GS1 Lightweight Messaging Standard used by DSCSA's VRS. */
export const VerificationFailureReasons = [
    'No_match_GTIN_Serial',
    'No_match_GTIN_Serial_Lot',
    'No_match_GTIN_Serial_Expiry',
    'No_match_GTIN_Serial_Lot_Expiry',
    'Not_for_re-distribution',
] as const;
export type VerificationFailureReason = (typeof VerificationFailureReasons)[number];

export const AdditionalInfos = ['Illegitimate', 'Suspect', 'Recalled', 'Expired'] as const;
export type AdditionalInfo = (typeof AdditionalInfos)[number];

export interface VerificationRequest {
    gtin: string;
    serial: string;
    lot?: string;
    /** YYMMDD as printed. */
    expiry?: string;
}

export interface VerificationResult {
    /** The product identifier as asked. */
    request: VerificationRequest;
    verified: boolean;
    verificationFailureReason?: VerificationFailureReason;
    /** The most serious condition only: Illegitimate, then Suspect, Recalled, Expired. */
    additionalInfo?: AdditionalInfo;
    /** The transaction time the verdict holds for. */
    verificationTimestamp: string;
}

/** Contexts a recorded verification may name (Lightweight Messaging `context`). */
export const VerificationContexts = ['dscsaSaleableReturn', 'dscsaSuspectProduct'] as const;
export type VerificationContext = (typeof VerificationContexts)[number];

/** A verification a trading partner recorded on the ledger (a saleable return, a suspect investigation). */
export interface VerificationRecord extends VerificationResult {
    context: VerificationContext;
    requester: { mspId: string; actorId: string };
    txId: string;
}

/** Where units of a lot are now: one row per custodian and status. */
export interface LotWhereabouts {
    gtin: string;
    lot: string;
    total: number;
    byCustodian: Array<{ custodian: string; status: CustodyStatus; destination?: string; count: number }>;
}

/** One unit of a lot in a holdings listing. */
export interface Holding {
    gtin: string;
    lot: string;
    serial: string;
    custodian: string;
    status: CustodyStatus;
    destination?: string;
}

/** An open suspect investigation, for the regulator's 24-hour check. */
export interface OpenSuspicion extends Suspicion {
    scope: 'unit' | 'lot';
    gtin: string;
    lot?: string;
    serial?: string;
    /** True when open for more than 24 hours at the query's time. */
    overdue: boolean;
}

/** Chaincode event names and payloads; one per transaction. */
export const SupplyEvents = {
    PartnerAuthorized: 'supply.PartnerAuthorized',
    ProductRegistered: 'supply.ProductRegistered',
    LotRegistered: 'supply.LotRegistered',
    UnitsCommissioned: 'supply.UnitsCommissioned',
    Packed: 'supply.Packed',
    Unpacked: 'supply.Unpacked',
    Shipped: 'supply.Shipped',
    Received: 'supply.Received',
    ShipmentRejected: 'supply.ShipmentRejected',
    Dispensed: 'supply.Dispensed',
    Decommissioned: 'supply.Decommissioned',
    LotRecalled: 'supply.LotRecalled',
    Quarantined: 'supply.Quarantined',
    SuspicionCleared: 'supply.SuspicionCleared',
    IllegitimateConfirmed: 'supply.IllegitimateConfirmed',
    VerificationRecorded: 'supply.VerificationRecorded',
} as const;
export type SupplyEventName = (typeof SupplyEvents)[keyof typeof SupplyEvents];

/**
 * Payload of every step event: the step, its `epcs` cut to the first MaxEventEpcs (limits.ts);
 * `epcCount` says how many the step names.
 */
export interface StepEventPayload extends Omit<SupplyStep, 'epcs'> {
    epcs: string[];
    epcCount: number;
}

// ---- Transaction inputs (JSON arguments) ----

export interface AuthorizePartnerInput {
    mspId: string;
    kind: PartnerKind;
    gln?: string;
}

export interface RegisterProductInput {
    gtin: string;
    name: string;
    strength: string;
    dosageForm: string;
}

export interface RegisterLotInput {
    gtin: string;
    lot: string;
    expiry: string;
    quantity: number;
}

export interface CommissionInput {
    gtin: string;
    lot: string;
    serials: string[];
}

/**
 * Names a unit or container: a GS1 element string or Digital Link URI, or
 * `{ gtin, serial }` / `{ sscc }`.
 */
export type ItemRef = string | { gtin: string; serial: string } | { sscc: string };

export interface PackInput {
    /** The case or pallet; created on first packing. */
    sscc: string;
    children: ItemRef[];
}

export interface UnpackInput {
    sscc: string;
    /** Children to take out; all when omitted. */
    children?: ItemRef[];
}

export interface ShipInput {
    items: ItemRef[];
    /** MSP id of the receiving trading partner. */
    to: string;
}

export interface ReceiveInput {
    items: ItemRef[];
}

export interface RejectInput {
    items: ItemRef[];
    reason: string;
}

export interface DecommissionInput {
    item: ItemRef;
    reason: DecommissionReason;
}

export interface RecallInput {
    gtin: string;
    lot: string;
    recallClass: RecallClass;
    reason: string;
}

/** A unit or a whole lot, for quarantine, clearance and confirmation. */
export type SuspectTarget = { item: ItemRef } | { gtin: string; lot: string };

export type QuarantineInput = SuspectTarget & { reason: string };
export type ResolveSuspicionInput = SuspectTarget & { reason: string };

export interface RecordVerificationInput {
    /** The product identifier scanned: element string, Digital Link URI or `{ gtin, serial, lot?, expiry? }`. */
    product: string | VerificationRequest;
    context: VerificationContext;
}
