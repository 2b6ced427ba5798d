import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { supply } from '@careledger/chaincode';
import type { LedgerSession } from '../../ledger';
import { EpcisDocumentContext, toEpcisDocument, toEpcisEvent, type JsonObject } from '../../standards/epcis';
import { epcisEventOfStep, isLotLevelStep } from '../../standards/supply-epcis';
import { SupplyClient } from '../../supply';
import type { GatewayContext } from '../context';
import { invalidInput } from '../errors';
import { anyObject, defineRoute, objectSchema } from './define';

/**
 * EPCIS 2.0 over REST, answered from the ledger: the exports of one unit, container or lot,
 * and `GET /epcis/events`, the standard's SimpleEventQuery with its query parameters and
 * paging (`perPage`, `nextPageToken`, a `Link: <...>; rel="next"` header). The query needs
 * one scope the ledger indexes (MATCH_epc / MATCH_anyEPC: units and containers;
 * MATCH_epcClass / MATCH_anyEPCClass: lots); the other parameters filter within it, with the
 * standard's meaning: MATCH_epc looks at epcList only, MATCH_anyEPC also at childEPCs and
 * parentID, so a unit's shipment inside a case is found by querying the case too. The whole
 * chain of custody of a unit, with its lot's recall, is the export `/supply/unit/epcis`.
 */
const client = (session: LedgerSession) => new SupplyClient(session);

/** A unit's chain of custody plus its lot's lot-level events (recall, suspicion), in time order. */
export async function unitEpcisEvents(session: LedgerSession, item: string): Promise<JsonObject[]> {
    const history = await client(session).unitHistory(item);
    const steps = [...history.steps];
    const lot = history.current ?? history.steps[0]?.lots[0];
    if (lot) {
        const seen = new Set(steps.map((step) => step.txId));
        const lotSteps = await client(session).allLotHistory(lot.gtin, lot.lot);
        steps.push(...lotSteps.filter((step) => isLotLevelStep(step) && !seen.has(step.txId)));
    }
    return steps.map((step) => toEpcisEvent(epcisEventOfStep(step)));
}

export async function lotEpcisEvents(session: LedgerSession, gtin: string, lot: string): Promise<JsonObject[]> {
    const steps = await client(session).allLotHistory(gtin, lot);
    return steps.map((step) => toEpcisEvent(epcisEventOfStep(step)));
}

/** Wraps already-built events in an EPCISDocument (creation time now, events in time order). */
export function epcisDocumentOf(events: JsonObject[]): JsonObject {
    const ordered = [...events].sort((a, b) => Date.parse(String(a.eventTime)) - Date.parse(String(b.eventTime)));
    const document = toEpcisDocument([], { creationDate: new Date().toISOString() });
    return { ...document, epcisBody: { eventList: ordered } };
}

const listParam = { type: 'string', minLength: 1, maxLength: 4096 };
const queryParams = {
    MATCH_epc: listParam,
    MATCH_anyEPC: listParam,
    MATCH_parentID: listParam,
    MATCH_epcClass: listParam,
    MATCH_anyEPCClass: listParam,
    eventType: listParam,
    EQ_action: listParam,
    EQ_bizStep: listParam,
    EQ_disposition: listParam,
    EQ_readPoint: listParam,
    EQ_bizLocation: listParam,
    EQ_eventID: listParam,
    GE_eventTime: { type: 'string', format: 'date-time' },
    LT_eventTime: { type: 'string', format: 'date-time' },
    GE_recordTime: { type: 'string', format: 'date-time' },
    LT_recordTime: { type: 'string', format: 'date-time' },
    perPage: { type: 'integer', minimum: 1, maximum: 500 },
    nextPageToken: { type: 'string', maxLength: 512 },
} as const;
type EventQuery = Partial<Record<Exclude<keyof typeof queryParams, 'perPage'>, string>> & { perPage?: number };

const queryDocument = objectSchema(
    {
        '@context': { type: 'array', items: {} },
        type: { type: 'string', enum: ['EPCISQueryDocument'] },
        schemaVersion: { type: 'string' },
        creationDate: { type: 'string' },
        epcisBody: anyObject,
    },
    ['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody'],
);

const list = (value: string | undefined) =>
    value === undefined
        ? undefined
        : value
              .split(',')
              .map((v) => v.trim())
              .filter(Boolean);
/** A CBV value as given (bare word, web URI or old URN) compared as the bare word. */
const bare = (value: string) =>
    value
        .replace(/^https:\/\/ref\.gs1\.org\/cbv\/(BizStep|Disp)-/, '')
        .replace(/^urn:epcglobal:cbv:(bizstep|disp):/, '');

/** The events of the query's scope, before filtering. */
async function scopedEvents(session: LedgerSession, query: EventQuery): Promise<JsonObject[]> {
    const epcs = [
        ...(list(query.MATCH_epc) ?? []),
        ...(list(query.MATCH_anyEPC) ?? []),
        ...(list(query.MATCH_parentID) ?? []),
    ];
    const classes = [...(list(query.MATCH_epcClass) ?? []), ...(list(query.MATCH_anyEPCClass) ?? [])];
    if (epcs.length === 0 && classes.length === 0) {
        throw invalidInput(
            'MATCH_epc',
            'QueryTooComplexException: give MATCH_epc, MATCH_anyEPC, MATCH_parentID, MATCH_epcClass or MATCH_anyEPCClass (the ledger indexes events by object and by lot)',
        );
    }
    if (epcs.length + classes.length > 20) {
        throw invalidInput('MATCH_epc', 'QueryTooComplexException: at most 20 objects and classes per query');
    }
    const events: JsonObject[] = [];
    for (const epc of epcs) {
        const identifier = parseOr400('MATCH_epc', epc);
        if (identifier.kind === 'container') {
            const history = await client(session).containerHistory(epc);
            events.push(...history.steps.map((step) => toEpcisEvent(epcisEventOfStep(step))));
        } else {
            events.push(...(await unitEpcisEvents(session, epc)));
        }
    }
    for (const epcClass of classes) {
        const match = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/10\/([^/?]+)$/.exec(epcClass);
        if (!match) {
            throw invalidInput(
                'MATCH_epcClass',
                `QueryParameterException: ${epcClass} is not an LGTIN Digital Link (https://id.gs1.org/01/{gtin}/10/{lot})`,
            );
        }
        events.push(...(await lotEpcisEvents(session, match[1], decodeURIComponent(match[2]))));
    }
    const unique = new Map(events.map((event) => [String(event.eventID), event]));
    return [...unique.values()];
}

function parseOr400(field: string, epc: string): supply.gs1.ItemIdentifier {
    try {
        return supply.gs1.parseItemIdentifier(epc);
    } catch (error) {
        throw invalidInput(field, `QueryParameterException: ${epc}: ${(error as Error).message}`);
    }
}

function matches(event: JsonObject, query: EventQuery): boolean {
    const epcs = [
        ...((event.epcList as string[] | undefined) ?? []),
        ...((event.childEPCs as string[] | undefined) ?? []),
        ...(event.parentID ? [String(event.parentID)] : []),
    ];
    const inList = (value: string | undefined, wanted: string[] | undefined, normalise = (v: string) => v) =>
        wanted === undefined || (value !== undefined && wanted.map(normalise).includes(normalise(value)));
    const time = Date.parse(String(event.eventTime));
    const recorded = Date.parse(String(event.recordTime));
    const epcMatch = list(query.MATCH_epc);
    const parentMatch = list(query.MATCH_parentID);
    return (
        inList(String(event.type), list(query.eventType)) &&
        inList(event.action as string | undefined, list(query.EQ_action)) &&
        inList(event.bizStep as string | undefined, list(query.EQ_bizStep), bare) &&
        inList(event.disposition as string | undefined, list(query.EQ_disposition), bare) &&
        inList((event.readPoint as JsonObject | undefined)?.id as string | undefined, list(query.EQ_readPoint)) &&
        inList((event.bizLocation as JsonObject | undefined)?.id as string | undefined, list(query.EQ_bizLocation)) &&
        inList(String(event.eventID), list(query.EQ_eventID)) &&
        (epcMatch === undefined || ((event.epcList as string[] | undefined) ?? []).some((e) => epcMatch.includes(e))) &&
        (parentMatch === undefined || (event.parentID !== undefined && parentMatch.includes(String(event.parentID)))) &&
        (list(query.MATCH_anyEPC) === undefined || epcs.some((e) => list(query.MATCH_anyEPC)!.includes(e))) &&
        (query.GE_eventTime === undefined || time >= Date.parse(query.GE_eventTime)) &&
        (query.LT_eventTime === undefined || time < Date.parse(query.LT_eventTime)) &&
        (query.GE_recordTime === undefined || recorded >= Date.parse(query.GE_recordTime)) &&
        (query.LT_recordTime === undefined || recorded < Date.parse(query.LT_recordTime))
    );
}

/** The page token binds the offset to the query it continues, so it cannot be replayed on another. */
function queryDigest(query: EventQuery): string {
    const { nextPageToken: _token, perPage: _perPage, ...rest } = query;
    const canonical = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function pageStart(query: EventQuery): number {
    if (!query.nextPageToken) return 0;
    const [digest, offset] = Buffer.from(query.nextPageToken, 'base64url').toString('utf8').split(':');
    if (digest !== queryDigest(query) || !/^\d+$/.test(offset ?? '')) {
        throw invalidInput('nextPageToken', 'QueryParameterException: nextPageToken does not continue this query');
    }
    return Number(offset);
}

export function epcisRoutes(app: FastifyInstance, context: GatewayContext): void {
    defineRoute<never, EventQuery>(app, context, {
        method: 'GET',
        url: '/epcis/events',
        tag: 'standards',
        summary: 'EPCIS 2.0 event query (SimpleEventQuery parameters, paged), answered from the ledger',
        description:
            'One scope is required: MATCH_epc / MATCH_anyEPC / MATCH_parentID (units by SGTIN, containers by SSCC, as Digital Link URIs or GS1 element strings) or MATCH_epcClass / MATCH_anyEPCClass (lots, LGTIN Digital Link). Lists are comma-separated. Paging: perPage (default 30) and the nextPageToken of the Link header (rel="next").',
        querystring: { type: 'object', additionalProperties: false, properties: queryParams },
        response: queryDocument,
        handler: async ({ actor, query, raw }, reply) => {
            const perPage = query.perPage ?? 30;
            const start = pageStart(query);
            const events = (await scopedEvents(actor.session, query))
                .filter((event) => matches(event, query))
                .sort(
                    (a, b) =>
                        Date.parse(String(a.eventTime)) - Date.parse(String(b.eventTime)) ||
                        String(a.eventID).localeCompare(String(b.eventID)),
                );
            const page = events.slice(start, start + perPage);
            if (start + perPage < events.length) {
                const token = Buffer.from(`${queryDigest(query)}:${start + perPage}`).toString('base64url');
                const next = new URLSearchParams(raw.query as Record<string, string>);
                next.set('nextPageToken', token);
                reply.header('link', `<${context.publicUrl}/epcis/events?${next.toString()}>; rel="next"`);
            }
            reply.header('gs1-epcis-version', '2.0.0');
            reply.header('gs1-cbv-version', '2.0.0');
            return {
                '@context': [...EpcisDocumentContext],
                type: 'EPCISQueryDocument',
                schemaVersion: '2.0',
                creationDate: new Date().toISOString(),
                epcisBody: {
                    queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page } },
                },
            };
        },
    });
}
