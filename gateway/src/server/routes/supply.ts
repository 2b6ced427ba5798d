import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { supply } from '@careledger/chaincode';
import type { LedgerSession } from '../../ledger';
import {
    checkVerificationQuery,
    lightweightVerificationResponse,
    VerificationRequestError,
    type VerificationQuery,
} from '../../standards/dscsa';
import { consortiumGlns } from '../../standards/gln-directory';
import { SupplyClient } from '../../supply';
import { lotExpiryPattern } from '../../supply/expiry';
import type { GatewayContext } from '../context';
import { invalidInput } from '../errors';
import { readModelOf, sourceProperty, stateSource, type VerificationSource } from '../read-model';
import { epcisDocumentOf, lotEpcisEvents, unitEpcisEvents } from './epcis';
import { anyObject, defineRoute, objectSchema, pageOf, pageQuery, type PageQuery } from './define';

const tag = 'supply';
const client = (session: LedgerSession) => new SupplyClient(session);

/** A unit or container as scanned (element string, Digital Link) or as `{ gtin, serial }` / `{ sscc }`. */
const itemRef = {
    description: 'GS1 element string, Digital Link URI, `{ gtin, serial }` or `{ sscc }`',
    anyOf: [
        { type: 'string', minLength: 1, maxLength: 512 },
        {
            type: 'object',
            required: ['gtin', 'serial'],
            additionalProperties: false,
            properties: { gtin: { type: 'string', maxLength: 14 }, serial: { type: 'string', maxLength: 20 } },
        },
        {
            type: 'object',
            required: ['sscc'],
            additionalProperties: false,
            properties: { sscc: { type: 'string', maxLength: 18 } },
        },
    ],
};
const items = { type: 'array', minItems: 1, maxItems: 10_000, items: itemRef };
const stepSchema = objectSchema(
    {
        txId: { type: 'string' },
        kind: { type: 'string' },
        eventType: { type: 'string' },
        action: { type: 'string' },
        bizStep: { type: 'string' },
        disposition: { type: 'string' },
        at: { type: 'string' },
        epcs: { type: 'array', items: { type: 'string' } },
    },
    ['txId', 'bizStep', 'disposition', 'at'],
);
const body = (properties: Record<string, object>, required: string[]) => ({
    type: 'object',
    required,
    additionalProperties: false,
    properties,
});
const reason = { type: 'string', minLength: 1, maxLength: 256 };
const target = {
    type: 'object',
    required: ['reason'],
    properties: {
        item: itemRef,
        gtin: { type: 'string', maxLength: 14 },
        lot: { type: 'string', maxLength: 20 },
        reason,
    },
};
const itemQuery = {
    type: 'object',
    required: ['item'],
    properties: { item: { type: 'string', minLength: 1, maxLength: 512 } },
};
const lotParams = {
    type: 'object',
    required: ['gtin', 'lot'],
    properties: { gtin: { type: 'string', maxLength: 14 }, lot: { type: 'string', maxLength: 20 } },
};
const epcisResponse = objectSchema(
    {
        '@context': { type: 'array', items: {} },
        type: { type: 'string', enum: ['EPCISDocument'] },
        schemaVersion: { type: 'string' },
        creationDate: { type: 'string' },
        epcisBody: objectSchema({ eventList: { type: 'array', items: anyObject } }, ['eventList']),
    },
    ['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody'],
);

export function supplyRoutes(app: FastifyInstance, context: GatewayContext): void {
    defineRoute<never, never, supply.AuthorizePartnerInput>(app, context, {
        method: 'POST',
        url: '/supply/partners',
        tag,
        summary: 'Authorise a trading partner (regulator)',
        body: body(
            {
                mspId: { type: 'string' },
                kind: { type: 'string', enum: [...supply.PartnerKinds] },
                gln: { type: 'string' },
            },
            ['mspId', 'kind'],
        ),
        response: anyObject,
        handler: async ({ actor, body }) => client(actor.session).authorizePartner(body),
    });

    defineRoute(app, context, {
        method: 'GET',
        url: '/supply/partners',
        tag,
        summary: 'The trading partners the regulator has authorised, among the consortium members',
        response: objectSchema(
            {
                items: {
                    type: 'array',
                    items: objectSchema({ mspId: { type: 'string' }, kind: { type: 'string' } }, ['mspId', 'kind']),
                },
            },
            ['items'],
        ),
        handler: async ({ actor }) => {
            const members = await context.ledger.identities.orgs();
            const found = await Promise.all(
                members.map(({ mspId }) =>
                    client(actor.session)
                        .getPartner(mspId)
                        .catch((error: { code?: string }) => {
                            if (error.code === 'NOT_FOUND') {
                                return undefined;
                            }
                            throw error;
                        }),
                ),
            );
            return { items: found.filter((partner) => partner !== undefined) };
        },
    });

    defineRoute<never, never, supply.RegisterProductInput>(app, context, {
        method: 'POST',
        url: '/supply/products',
        tag,
        summary: 'Register a product (manufacturer)',
        body: body(
            {
                gtin: { type: 'string' },
                name: { type: 'string' },
                strength: { type: 'string' },
                dosageForm: { type: 'string' },
            },
            ['gtin', 'name', 'strength', 'dosageForm'],
        ),
        status: 201,
        response: objectSchema({ gtin: { type: 'string' }, manufacturer: { type: 'string' } }, ['gtin']),
        handler: async ({ actor, body }) => client(actor.session).registerProduct(body),
    });

    defineRoute<{ gtin: string }>(app, context, {
        method: 'GET',
        url: '/supply/products/:gtin',
        tag,
        summary: 'A product',
        params: { type: 'object', required: ['gtin'], properties: { gtin: { type: 'string', maxLength: 14 } } },
        response: objectSchema({ gtin: { type: 'string' } }, ['gtin']),
        handler: async ({ actor, params }) => client(actor.session).getProduct(params.gtin),
    });

    defineRoute<never, never, supply.RegisterLotInput>(app, context, {
        method: 'POST',
        url: '/supply/lots',
        tag,
        summary: 'Register a lot (manufacturer)',
        body: body(
            {
                gtin: { type: 'string' },
                lot: { type: 'string' },
                expiry: {
                    type: 'string',
                    pattern: lotExpiryPattern,
                    description:
                        'ISO 8601 date (`2027-12-31`), or GS1 AI (17) YYMMDD as on the pack (`271231`; DD `00` = last day of the month). Stored and returned as YYMMDD.',
                    examples: ['2027-12-31', '271231'],
                },
                quantity: { type: 'integer', minimum: 1 },
            },
            ['gtin', 'lot', 'expiry', 'quantity'],
        ),
        status: 201,
        response: objectSchema({ gtin: { type: 'string' }, lot: { type: 'string' }, expiry: { type: 'string' } }, [
            'gtin',
            'lot',
        ]),
        handler: async ({ actor, body }) => client(actor.session).registerLot(body),
    });

    defineRoute<{ gtin: string; lot: string }>(app, context, {
        method: 'GET',
        url: '/supply/lots/:gtin/:lot',
        tag,
        summary: 'A lot, with its recall and suspicion state',
        params: lotParams,
        response: objectSchema({ gtin: { type: 'string' }, lot: { type: 'string' } }, ['gtin', 'lot']),
        handler: async ({ actor, params }) => client(actor.session).getLot(params.gtin, params.lot),
    });

    defineRoute<{ gtin: string; lot: string }, never, { serials: string[] }>(app, context, {
        method: 'POST',
        url: '/supply/lots/:gtin/:lot/commission',
        tag,
        summary: `Commission serialised units: one transaction of at most ${supply.MaxCommissionBatch} serials, all or nothing`,
        description:
            `More than ${supply.MaxCommissionBatch} serials are refused (400, body.serials) before anything is written: ` +
            'a request never commits in part. Send larger runs as several requests (the CLI batches them with progress).',
        params: lotParams,
        body: body(
            {
                serials: {
                    type: 'array',
                    minItems: 1,
                    maxItems: supply.MaxCommissionBatch,
                    items: { type: 'string', maxLength: 20 },
                },
            },
            ['serials'],
        ),
        status: 201,
        response: {
            type: 'object',
            required: ['commissioned', 'transactions'],
            properties: {
                commissioned: { type: 'integer' },
                transactions: { type: 'array', items: { type: 'string' } },
            },
        },
        handler: async ({ actor, params, body }) => {
            // One transaction: the contract commits every serial or none (#17 finding 14).
            const result = await client(actor.session).commission(params.gtin, params.lot, body.serials);
            return { commissioned: result.batch.count, transactions: [result.batch.txId] };
        },
    });

    const moves: Array<{
        url: string;
        summary: string;
        schema: object;
        run: (c: SupplyClient, b: Record<string, unknown>) => Promise<unknown>;
    }> = [
        {
            url: '/supply/pack',
            summary: 'Pack units or cases into a case or pallet (SSCC)',
            schema: body({ sscc: { type: 'string', maxLength: 18 }, children: items }, ['sscc', 'children']),
            run: (c, b) => c.pack(b.sscc as string, b.children as supply.ItemRef[]),
        },
        {
            url: '/supply/unpack',
            summary: 'Take children (all when omitted) out of a container',
            schema: body({ sscc: { type: 'string', maxLength: 18 }, children: items }, ['sscc']),
            run: (c, b) => c.unpack(b.sscc as string, b.children as supply.ItemRef[] | undefined),
        },
        {
            url: '/supply/ship',
            summary: 'Ship units or containers to a trading partner',
            schema: body({ items, to: { type: 'string', maxLength: 64 } }, ['items', 'to']),
            run: (c, b) => c.ship(b.items as supply.ItemRef[], b.to as string),
        },
        {
            url: '/supply/receive',
            summary: 'Receive a shipment addressed to this org',
            schema: body({ items }, ['items']),
            run: (c, b) => c.receive(b.items as supply.ItemRef[]),
        },
        {
            url: '/supply/reject',
            summary: 'Refuse a shipment: it goes back to the sender',
            schema: body({ items, reason }, ['items', 'reason']),
            run: (c, b) => c.reject(b.items as supply.ItemRef[], b.reason as string),
        },
        {
            url: '/supply/dispense',
            summary: 'Dispense a unit to a patient (licensed pharmacists)',
            schema: body({ item: itemRef }, ['item']),
            run: (c, b) => c.dispense(b.item as supply.ItemRef),
        },
        {
            url: '/supply/decommission',
            summary: 'Take a unit out of the supply chain',
            schema: body({ item: itemRef, reason: { type: 'string', enum: [...supply.DecommissionReasons] } }, [
                'item',
                'reason',
            ]),
            run: (c, b) => c.decommission(b.item as supply.ItemRef, b.reason as supply.DecommissionReason),
        },
        {
            url: '/supply/recalls',
            summary: 'Recall a lot (its manufacturer or the regulator)',
            schema: body(
                {
                    gtin: { type: 'string' },
                    lot: { type: 'string' },
                    recallClass: { type: 'string', enum: [...supply.RecallClasses] },
                    reason,
                },
                ['gtin', 'lot', 'recallClass', 'reason'],
            ),
            run: (c, b) => c.recall(b as unknown as supply.RecallInput),
        },
        {
            url: '/supply/suspicions',
            summary: 'Quarantine a unit or a lot as suspect',
            schema: target,
            run: (c, b) => c.quarantine(targetOf(b), b.reason as string),
        },
        {
            url: '/supply/suspicions/clear',
            summary: 'Clear a suspicion after investigation',
            schema: target,
            run: (c, b) => c.clearSuspicion(targetOf(b), b.reason as string),
        },
        {
            url: '/supply/suspicions/illegitimate',
            summary: 'Confirm a suspect product illegitimate (report to the regulator within 24 hours)',
            schema: target,
            run: (c, b) => c.confirmIllegitimate(targetOf(b), b.reason as string),
        },
    ];
    for (const move of moves) {
        defineRoute<never, never, Record<string, unknown>>(app, context, {
            method: 'POST',
            url: move.url,
            tag,
            summary: move.summary,
            body: move.schema,
            response: stepSchema,
            handler: async ({ actor, body }) => move.run(client(actor.session), body),
        });
    }

    defineRoute<never, PageQuery>(app, context, {
        method: 'GET',
        url: '/supply/suspicions',
        tag,
        summary: 'Open suspicions',
        querystring: pageQuery,
        response: pageOf(anyObject),
        handler: async ({ actor, query }) => client(actor.session).listOpenSuspicions(query),
    });

    defineRoute<never, { item: string }>(app, context, {
        method: 'GET',
        url: '/supply/unit',
        tag,
        summary: 'A unit now (custody, status)',
        querystring: itemQuery,
        response: objectSchema(
            {
                gtin: { type: 'string' },
                serial: { type: 'string' },
                status: { type: 'string' },
                custodian: { type: 'string' },
            },
            ['gtin', 'serial', 'status'],
        ),
        handler: async ({ actor, query }) => client(actor.session).getUnit(query.item),
    });

    defineRoute<never, { item: string }>(app, context, {
        method: 'GET',
        url: '/supply/unit/history',
        tag,
        summary: "A unit's chain of custody as this caller may see it",
        querystring: itemQuery,
        response: objectSchema(
            { steps: { type: 'array', items: stepSchema }, verifications: { type: 'array', items: anyObject } },
            ['steps'],
        ),
        handler: async ({ actor, query }) => client(actor.session).unitHistory(query.item),
    });

    defineRoute<never, { item: string }>(app, context, {
        method: 'GET',
        url: '/supply/unit/epcis',
        tag: 'standards',
        summary: "A unit's chain of custody as an EPCIS 2.0 JSON-LD document",
        querystring: itemQuery,
        response: epcisResponse,
        handler: async ({ actor, query }) => epcisDocumentOf(await unitEpcisEvents(actor.session, query.item)),
    });

    defineRoute<never, { item: string }>(app, context, {
        method: 'GET',
        url: '/supply/container',
        tag,
        summary: 'A case or pallet now, with its direct children',
        querystring: itemQuery,
        response: objectSchema({ sscc: { type: 'string' }, children: { type: 'array', items: { type: 'string' } } }, [
            'sscc',
        ]),
        handler: async ({ actor, query }) => client(actor.session).getContainer(query.item),
    });

    defineRoute<{ gtin: string; lot: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/supply/lots/:gtin/:lot/history',
        tag,
        summary: "A lot's steps the caller may read",
        params: lotParams,
        querystring: pageQuery,
        response: pageOf(stepSchema),
        handler: async ({ actor, params, query }) => client(actor.session).lotHistory(params.gtin, params.lot, query),
    });

    defineRoute<{ gtin: string; lot: string }>(app, context, {
        method: 'GET',
        url: '/supply/lots/:gtin/:lot/epcis',
        tag: 'standards',
        summary: "A lot's history as an EPCIS 2.0 JSON-LD document",
        params: lotParams,
        response: epcisResponse,
        handler: async ({ actor, params }) =>
            epcisDocumentOf(await lotEpcisEvents(actor.session, params.gtin, params.lot)),
    });

    defineRoute<{ gtin: string; lot: string }>(app, context, {
        method: 'GET',
        url: '/supply/lots/:gtin/:lot/whereabouts',
        tag,
        summary: 'Where every unit of a lot is now (regulator)',
        params: lotParams,
        response: anyObject,
        handler: async ({ actor, params }) => client(actor.session).lotWhereabouts(params.gtin, params.lot),
    });

    defineRoute<never, never, { product: string | supply.VerificationRequest; context?: supply.VerificationContext }>(
        app,
        context,
        {
            method: 'POST',
            url: '/supply/verifications',
            tag,
            summary: 'Verify a product identifier and record the verification (e.g. a saleable return)',
            body: body(
                {
                    product: { anyOf: [{ type: 'string', maxLength: 512 }, anyObject] },
                    context: { type: 'string', enum: [...supply.VerificationContexts] },
                },
                ['product'],
            ),
            status: 201,
            response: objectSchema({ verified: { type: 'boolean' }, txId: { type: 'string' } }, ['verified', 'txId']),
            handler: async ({ actor, body }) => client(actor.session).recordVerification(body.product, body.context),
        },
    );

    const verifyQuery = {
        type: 'object',
        properties: {
            '17': { type: 'string', pattern: '^\\d{6}$', description: 'Expiry YYMMDD' },
            linkType: { type: 'string' },
            context: { type: 'string' },
            reqGLN: { type: 'string', maxLength: 13, description: "Requester's GLN (13 digits, check digit)" },
            corrUUID: { type: 'string', maxLength: 64, description: 'Correlation UUID; generated when absent, echoed' },
            source: sourceProperty,
        },
    };
    const verifyResponse = objectSchema(
        {
            verificationTimestamp: { type: 'string' },
            responderGLN: { type: 'string' },
            data: objectSchema(
                {
                    verified: { type: 'boolean' },
                    verificationFailureReason: { type: 'string' },
                    additionalInfo: { type: 'string' },
                },
                ['verified'],
            ),
            corrUUID: { type: 'string' },
        },
        ['verificationTimestamp', 'responderGLN', 'data', 'corrUUID'],
    );
    type VerifyQuery = { '17'?: string; source?: VerificationSource } & VerificationQuery;
    // Every org has a party GLN in network/consortium.json (the standard requires responderGLN).
    const responderGLN = consortiumGlns().get(context.mspId)?.gln ?? '';
    const verify = async (
        session: LedgerSession,
        request: supply.VerificationRequest,
        query: VerifyQuery,
        reply: FastifyReply,
    ) => {
        let checked;
        try {
            checked = checkVerificationQuery(query, randomUUID);
        } catch (error) {
            if (error instanceof VerificationRequestError) throw invalidInput(error.field, error.message);
            throw error;
        }
        const envelope = { corrUUID: checked.corrUUID, responderGLN };
        if (query.source === 'index') {
            const { readModel, ...result } = await readModelOf(context).verifyProduct(request);
            stateSource(reply, readModel);
            return lightweightVerificationResponse(result, envelope);
        }
        stateSource(reply, undefined);
        return lightweightVerificationResponse(await client(session).verify(request), envelope);
    };

    defineRoute<never, never, { products: Array<string | supply.VerificationRequest> }>(app, context, {
        method: 'POST',
        url: '/supply/verify',
        public: true,
        tag,
        summary: `Verify a list of product identifiers in one query (at most ${supply.MaxVerifyBatch})`,
        description:
            'Each answer is the DSCSA verdict VerifyProduct gives for that identifier, in order. A malformed ' +
            'identifier rejects the whole list with 400 naming `products[i]`. Not recorded on the ledger.',
        body: body(
            {
                products: {
                    type: 'array',
                    minItems: 1,
                    maxItems: supply.MaxVerifyBatch,
                    items: { anyOf: [{ type: 'string', minLength: 1, maxLength: 512 }, anyObject] },
                },
            },
            ['products'],
        ),
        response: objectSchema(
            {
                results: {
                    type: 'array',
                    items: objectSchema(
                        {
                            verified: { type: 'boolean' },
                            verificationFailureReason: { type: 'string' },
                            additionalInfo: { type: 'string' },
                            verificationTimestamp: { type: 'string' },
                            request: anyObject,
                        },
                        ['verified'],
                    ),
                },
            },
            ['results'],
        ),
        handler: async ({ actor, body }) => ({ results: await client(actor.session).verifyMany(body.products) }),
    });

    defineRoute<{ gtin: string; lot: string; serial: string }, VerifyQuery>(app, context, {
        method: 'GET',
        url: '/verify/01/:gtin/10/:lot/21/:serial',
        public: true,
        tag: 'standards',
        summary: 'DSCSA verification (GS1 Lightweight Messaging response), Digital Link request with lot',
        params: {
            type: 'object',
            required: ['gtin', 'lot', 'serial'],
            properties: { gtin: { type: 'string' }, lot: { type: 'string' }, serial: { type: 'string' } },
        },
        querystring: verifyQuery,
        response: verifyResponse,
        handler: async ({ actor, params, query }, reply) =>
            verify(
                actor.session,
                { gtin: params.gtin, serial: params.serial, lot: params.lot, expiry: query['17'] },
                query,
                reply,
            ),
    });

    defineRoute<{ gtin: string; serial: string }, VerifyQuery>(app, context, {
        method: 'GET',
        url: '/verify/01/:gtin/21/:serial',
        public: true,
        tag: 'standards',
        summary: 'DSCSA verification (GS1 Lightweight Messaging response), Digital Link request without lot',
        params: {
            type: 'object',
            required: ['gtin', 'serial'],
            properties: { gtin: { type: 'string' }, serial: { type: 'string' } },
        },
        querystring: verifyQuery,
        response: verifyResponse,
        handler: async ({ actor, params, query }, reply) =>
            verify(actor.session, { gtin: params.gtin, serial: params.serial, expiry: query['17'] }, query, reply),
    });
}

function targetOf(body: Record<string, unknown>): supply.SuspectTarget {
    return body.item !== undefined
        ? { item: body.item as supply.ItemRef }
        : { gtin: String(body.gtin ?? ''), lot: String(body.lot ?? '') };
}
