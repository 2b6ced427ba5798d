import type { FastifyInstance } from 'fastify';
import {
    HistoryQueries,
    HistoryReports,
    reportCsv,
    reportNames,
    requireOperator,
    scopeOf,
    type Viewer,
} from '../../history';
import { LedgerError } from '../../ledger';
import { actorOf, authenticate, whoAmI, type Actor } from '../actor';
import { commonErrors, errorResponses } from '../errors';
import type { GatewayContext } from '../context';
import { anyObject, defineRoute } from './define';

/**
 * The history index's REST face: regulators' questions over the org's index of ledger blocks.
 * Who sees what is decided by the index's policy from the caller's certificate (system:WhoAmI);
 * every answer carries `blockHeight`, the number of blocks it reflects.
 */
export function historyRoutes(app: FastifyInstance, context: GatewayContext): void {
    const history = () => {
        if (!context.history) {
            throw new LedgerError('UNAVAILABLE', 'this gateway runs without a history index (CARELEDGER_HISTORY=off)');
        }
        return context.history;
    };
    const viewerOf = async (actor: Actor): Promise<Viewer> => {
        const who = await whoAmI(actor.session);
        return { mspId: who.mspId, role: who.role, actorId: who.actorId };
    };
    const scope = async (actor: Actor) => scopeOf(await viewerOf(actor));
    const queries = () => new HistoryQueries(history().db);
    const str = (description: string) => ({ type: 'string', description });
    const paging = {
        cursor: str('nextCursor of the previous page'),
        limit: str('rows per page (1-500, default 100)'),
    };
    const range = {
        from: str('ISO-8601 date or date-time, inclusive'),
        to: str('ISO-8601 date or date-time, inclusive'),
    };
    const query = (properties: Record<string, object>) => ({ type: 'object', properties });
    const answer = {
        type: 'object',
        required: ['blockHeight'],
        properties: { blockHeight: { type: 'integer', description: 'Blocks 0..blockHeight-1 are reflected' } },
        additionalProperties: true,
    };
    const route = (
        url: string,
        summary: string,
        description: string,
        properties: Record<string, object>,
        run: (actor: Actor, q: Record<string, unknown>) => Promise<unknown>,
    ) =>
        defineRoute(app, context, {
            method: 'GET',
            url,
            tag: 'history',
            summary,
            description,
            querystring: query(properties),
            response: answer,
            handler: ({ actor, query: q }) => run(actor, q),
        });

    route(
        '/history/status',
        'Index status',
        'Ingestion state, index and ledger heights, lag, database and schema version.',
        {},
        async () => {
            const status = await history().status();
            return { ...status, blockHeight: status.indexedHeight };
        },
    );
    route(
        '/history/transactions',
        'Transactions by key, function, org or time',
        'Every transaction (valid or not) in ledger order. `txId` finds one transaction (a client told "commit status unknown" checks its own before retrying; absent means not committed as of the index height in `blockHeight`). `key` is a key as the index writes it (`["supply.unit","<gtin>","<serial>"]`) or `objectType~part~part`.',
        {
            txId: str('transaction id (64 hex digits)'),
            key: str('ledger key'),
            function: str('e.g. ehr:GrantConsent or GrantConsent'),
            org: str('creator MSP id'),
            validationCode: str('e.g. VALID, MVCC_READ_CONFLICT'),
            event: str('chaincode event name'),
            ...range,
            ...paging,
        },
        async (actor, q) => queries().transactions(await scope(actor), q),
    );
    route(
        '/history/keys',
        'What a key held at a block',
        'The value of `key` as of block `block` (default: the index height), and the transaction that wrote it.',
        { key: str('ledger key'), block: str('block number') },
        async (actor, q) => queries().keyAt(await scope(actor), q),
    );
    route(
        '/history/supply/custody',
        'Chain of custody of a unit',
        'Every custody change of a unit, and of each case and pallet it travelled in.',
        { gtin: str('GTIN-14'), serial: str('serial number') },
        async (actor, q) => queries().custody(await scope(actor), q),
    );
    route(
        '/history/supply/lots',
        'Where every unit of a lot is now',
        'Counts by custodian and status; `units=true` lists the units, paged.',
        { gtin: str('GTIN-14'), lot: str('lot number'), units: str('true to list units'), ...paging },
        async (actor, q) => queries().lotWhereabouts(await scope(actor), q),
    );
    route(
        '/history/supply/recalls',
        'Recall reach',
        'Recalled lots: units, located and secured since the recall, dispensed after it, day by day.',
        { gtin: str('GTIN-14'), lot: str('lot number') },
        async (actor, q) => queries().recalls(await scope(actor), q),
    );
    route(
        '/history/supply/suspect-cases',
        'Suspect-product cases with timings',
        'Quarantines of units and lots, when and how they were resolved.',
        { status: str('open or closed'), ...range, ...paging },
        async (actor, q) => queries().suspectCases(await scope(actor), q),
    );
    route(
        '/history/ehr/audit',
        'EHR access audit search',
        'Access attempts by record, patient, practitioner, org, outcome, purpose, break-glass and time. A patient sees their own trail, a hospital its own, the regulator all.',
        {
            recordId: str('record id'),
            patientId: str('patient id'),
            practitioner: str('practitioner actor id'),
            agentOrg: str("practitioner's MSP id"),
            custodian: str("record custodian's MSP id"),
            outcome: str('allowed or denied'),
            purpose: str('v3-ActReason purpose, e.g. TREAT'),
            breakGlass: str('true or false'),
            ...range,
            ...paging,
        },
        async (actor, q) => queries().audit(await scope(actor), q),
    );
    route(
        '/history/credentials/misuse',
        'Accesses while a credential was suspended or revoked',
        'Allowed accesses by practitioners whose credential was suspended or revoked at the time (should be none).',
        { ...range, limit: str('rows (1-1000)') },
        async (actor, q) => queries().credentialMisuse(await scope(actor), q),
    );
    route(
        '/history/credentials/issuance',
        'Credential issuance history',
        'Every version of credentials: issue, renewal, suspension, reinstatement, revocation.',
        {
            credentialId: str('credential id'),
            issuer: str('issuer MSP id'),
            subjectOrg: str("subject's MSP id"),
            subject: str('subject actor id'),
            type: str('credential type'),
            ...range,
            ...paging,
        },
        async (actor, q) => queries().credentialHistory(await scope(actor), q),
    );

    app.route({
        method: 'GET',
        url: '/history/reports/:name',
        preHandler: authenticate(context),
        schema: {
            tags: ['history'],
            summary: 'Inspection reports (JSON, CSV, SVG chart)',
            description: `Reports: ${reportNames.join(', ')}. \`format\`: json (default), csv or svg. The block height is in the body and in the X-Block-Height header.`,
            security: [{ bearer: [] }],
            params: {
                type: 'object',
                properties: { name: { type: 'string', enum: [...reportNames] } },
                required: ['name'],
            },
            querystring: query({
                format: str('json, csv or svg'),
                gtin: str('recall-effectiveness: GTIN-14'),
                lot: str('recall-effectiveness: lot'),
                ...range,
            }),
            response: {
                200: {
                    description: 'The report: JSON (below), text/csv or image/svg+xml',
                    type: 'object',
                    additionalProperties: true,
                },
                ...errorResponses(...commonErrors),
            },
        },
        handler: async (request, reply) => {
            const actor = actorOf(request);
            const q = request.query as Record<string, unknown>;
            const report = await new HistoryReports(history().db).build(
                (request.params as { name: string }).name,
                await scope(actor),
                q,
            );
            reply.header('X-Block-Height', String(report.blockHeight));
            switch (q.format ?? 'json') {
                case 'csv':
                    return reply
                        .type('text/csv; charset=utf-8')
                        .header(
                            'Content-Disposition',
                            `attachment; filename="${report.name}-block-${report.blockHeight}.csv"`,
                        )
                        .send(reportCsv(report));
                case 'svg':
                    return reply.type('image/svg+xml').send(report.svg);
                default: {
                    const { svg: _svg, ...json } = report;
                    return json;
                }
            }
        },
    });

    defineRoute(app, context, {
        method: 'POST',
        url: '/history/verify',
        tag: 'history',
        summary: 'Verify the index against the ledger',
        description:
            "Reads every indexed block again from the org's peer and reports the first block where the index and the ledger differ. For the org's admins and the regulator.",
        response: anyObject,
        handler: async ({ actor }) => {
            requireOperator(await viewerOf(actor), context.mspId);
            const report = await history().verify();
            return { ...report, blockHeight: report.indexedHeight };
        },
    });
}
