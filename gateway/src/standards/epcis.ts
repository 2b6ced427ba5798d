import { epcisEventHash } from './epcis-hash';

/**
 * EPCIS 2.0 JSON-LD documents from supply-chain history. The builder takes events already in
 * EPCIS terms (CBV business steps and dispositions, GS1 Digital Link identifiers from
 * `gs1.ts`); mapping the supply contract's records to these inputs happens beside the
 * supply routes, so this file depends only on the standard.
 */
export const EpcisContext = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/**
 * The document's `@context`: GS1's, plus the CBV master-data namespace the ILMD fields use,
 * declared again inline (the same IRI GS1's context gives it, so its protection allows it).
 * Consumers that read namespaces only from inline contexts, such as GS1's reference event-hash
 * implementation, then expand `cbvmda:lotNumber` to `{urn:epcglobal:cbv:mda:}lotNumber` as
 * CBV 2.0's hash algorithm requires.
 */
export const EpcisDocumentContext: readonly [string, { cbvmda: string }] = [
    EpcisContext,
    { cbvmda: 'urn:epcglobal:cbv:mda:' },
];

export const BizSteps = [
    'commissioning',
    'packing',
    'unpacking',
    'shipping',
    'receiving',
    'dispensing',
    'decommissioning',
    'destroying',
    'holding',
    'inspecting',
    'void_shipping',
] as const;
export type BizStep = (typeof BizSteps)[number];

export const Dispositions = [
    'active',
    'in_transit',
    'in_progress',
    'dispensed',
    'recalled',
    'stolen',
    'destroyed',
    'expired',
    'damaged',
    'returned',
    'non_sellable_other',
    'sellable_accessible',
    'inactive',
    'unknown',
] as const;
export type Disposition = (typeof Dispositions)[number];

export type EpcisAction = 'ADD' | 'OBSERVE' | 'DELETE';

/** A party or location in a source or destination list. */
export interface SourceDestination {
    type: 'owning_party' | 'possessing_party' | 'location';
    id: string;
}

interface EventInputBase {
    /**
     * A URI unique to the event (`urn:uuid:` or `ni:///`, as GS1's shapes require). Omitted:
     * the CBV 2.0 event hash of the event itself (`epcis-hash.ts`).
     */
    eventId?: string;
    /** ISO-8601 instant. */
    eventTime: string;
    /** When the ledger recorded it (the block's transaction time); defaults to `eventTime`. */
    recordTime?: string;
    bizStep: BizStep;
    disposition?: Disposition;
    /** URI of where it happened (a GLN Digital Link, or the org's URN when it has no GLN). */
    readPoint?: string;
    bizLocation?: string;
    /** e.g. a purchase order or despatch advice: `{ type: 'po', id: 'urn:...' }`. */
    bizTransactions?: Array<{ type?: string; id: string }>;
    sources?: SourceDestination[];
    destinations?: SourceDestination[];
}

export interface ObjectEventInput extends EventInputBase {
    type: 'ObjectEvent';
    action: EpcisAction;
    /** Serialised units (SGTIN) or logistic units (SSCC). */
    epcs?: string[];
    /** Unserialised quantities of a class (LGTIN). */
    quantities?: Array<{ epcClass: string; quantity: number; uom?: string }>;
    /** Instance/lot master data, only with action ADD (commissioning). */
    lotNumber?: string;
    /** ISO date (YYYY-MM-DD). */
    expirationDate?: string;
}

export interface AggregationEventInput extends EventInputBase {
    type: 'AggregationEvent';
    action: EpcisAction;
    /** The container's SSCC URI. */
    parentId: string;
    childEpcs: string[];
}

export type EpcisEventInput = ObjectEventInput | AggregationEventInput;

export interface EpcisDocumentOptions {
    /** ISO-8601 instant the export was made. */
    creationDate: string;
    /** Optional sender, e.g. the org's GLN URI. */
    sender?: string;
}

export type JsonObject = Record<string, unknown>;

/** The document, events in eventTime order (stable for equal times, as recorded on the ledger). */
export function toEpcisDocument(events: readonly EpcisEventInput[], options: EpcisDocumentOptions): JsonObject {
    const ordered = events
        .map((event, index) => ({ event, index }))
        .sort((a, b) => Date.parse(a.event.eventTime) - Date.parse(b.event.eventTime) || a.index - b.index)
        .map(({ event }) => toEpcisEvent(event));
    return dropUndefined({
        '@context': [...EpcisDocumentContext],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: options.creationDate,
        sender: options.sender,
        epcisBody: { eventList: ordered },
    });
}

export function toEpcisEvent(input: EpcisEventInput): JsonObject {
    const event = renderEvent(input);
    return { type: event.type, eventID: input.eventId ?? epcisEventHash(event), ...event };
}

function renderEvent(input: EpcisEventInput): JsonObject {
    const common = {
        type: input.type,
        eventTime: new Date(input.eventTime).toISOString(),
        recordTime: new Date(input.recordTime ?? input.eventTime).toISOString(),
        // The ledger records instants in UTC; the offset says so explicitly.
        eventTimeZoneOffset: '+00:00',
    };
    const where = {
        bizStep: input.bizStep,
        disposition: input.disposition,
        readPoint: input.readPoint ? { id: input.readPoint } : undefined,
        bizLocation: input.bizLocation ? { id: input.bizLocation } : undefined,
        bizTransactionList: input.bizTransactions?.map((t) => dropUndefined({ type: t.type, bizTransaction: t.id })),
        sourceList: input.sources?.map((s) => ({ type: s.type, source: s.id })),
        destinationList: input.destinations?.map((d) => ({ type: d.type, destination: d.id })),
    };
    if (input.type === 'AggregationEvent') {
        return dropUndefined({
            ...common,
            parentID: input.parentId,
            childEPCs: [...input.childEpcs],
            action: input.action,
            ...where,
        });
    }
    const ilmd =
        input.action === 'ADD' && (input.lotNumber || input.expirationDate)
            ? dropUndefined({ 'cbvmda:lotNumber': input.lotNumber, 'cbvmda:itemExpirationDate': input.expirationDate })
            : undefined;
    return dropUndefined({
        ...common,
        epcList: input.epcs ? [...new Set(input.epcs)] : input.quantities ? undefined : [],
        quantityList: input.quantities?.map((q) =>
            dropUndefined({ epcClass: q.epcClass, quantity: q.quantity, uom: q.uom }),
        ),
        action: input.action,
        ...where,
        ilmd,
    });
}

function dropUndefined<T extends JsonObject>(value: T): JsonObject {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
