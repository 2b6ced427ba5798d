import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EhrClient } from '../../ehr';
import {
    auditEventOf,
    consentOf,
    documentReferenceOf,
    FhirJson,
    searchsetOf,
    type FhirResource,
} from '../../standards/fhir';
import { actorOf, authenticate } from '../actor';
import type { GatewayContext } from '../context';
import { commonErrors } from '../errors';

/**
 * A read-only FHIR R4 REST surface over the EHR ledger (`/fhir/r4`): read by id and search by
 * patient for DocumentReference, Consent and AuditEvent, `searchset` Bundles paged with the
 * ledger's bookmarks (`_count`, `_page`), a CapabilityStatement at `/fhir/r4/metadata`; every
 * answer `application/fhir+json`, every error an OperationOutcome. What a caller may read is
 * what the chaincode lets that identity read.
 */
const base = '/fhir/r4';
const anyResource = { type: 'object', additionalProperties: true } as const;
const responses = Object.fromEntries([200, ...commonErrors].map((status) => [status, anyResource]));
const searchQuery = {
    type: 'object',
    additionalProperties: false,
    properties: {
        patient: { type: 'string', minLength: 1, maxLength: 128 },
        entity: { type: 'string', minLength: 1, maxLength: 160 },
        _count: { type: 'integer', minimum: 1, maximum: 200 },
        _page: { type: 'string', maxLength: 2048 },
        _format: { type: 'string', maxLength: 64 },
    },
} as const;
type SearchQuery = { patient?: string; entity?: string; _count?: number; _page?: string };
const idParams = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: '^[A-Za-z0-9\\-\\.]{1,64}$' } },
} as const;

export function capabilityStatement(publicUrl: string): FhirResource {
    const search = [{ name: 'patient', type: 'reference', documentation: 'Patient/<pseudonymous id> or the id' }];
    const resource = (type: string, extra: Array<{ name: string; type: string; documentation: string }> = []) => ({
        type,
        interaction: [{ code: 'read' }, { code: 'search-type' }],
        searchParam: [...search, ...extra],
    });
    return {
        resourceType: 'CapabilityStatement',
        status: 'active',
        date: '2026-12-05',
        publisher: 'CareLedger',
        kind: 'instance',
        software: { name: 'CareLedger gateway' },
        implementation: {
            description: 'CareLedger FHIR R4 facade over the consortium ledger',
            url: `${publicUrl}${base}`,
        },
        fhirVersion: '4.0.1',
        format: [FhirJson, 'json'],
        rest: [
            {
                mode: 'server',
                security: { description: 'Bearer token of an enrolled CareLedger user (POST /auth/token)' },
                resource: [
                    resource('DocumentReference'),
                    resource('Consent'),
                    resource('AuditEvent', [
                        { name: 'entity', type: 'reference', documentation: 'DocumentReference/<record id>' },
                    ]),
                ],
            },
        ],
    };
}

function send(reply: FastifyReply, status: number, resource: FhirResource): FastifyReply {
    return reply.status(status).type(FhirJson).send(resource);
}

const bare = (reference: string, type: string) => reference.replace(new RegExp(`^${type}/`), '');

export function fhirRoutes(app: FastifyInstance, context: GatewayContext): void {
    void app.register(async (scope) => {
        const route = <Q>(
            url: string,
            summary: string,
            schema: { params?: object; querystring?: object },
            handler: (request: FastifyRequest, query: Q) => Promise<FhirResource>,
        ) =>
            scope.route({
                method: 'GET',
                url,
                preHandler: authenticate(context),
                schema: { tags: ['fhir'], summary, security: [{ bearer: [] }], ...schema, response: responses },
                handler: async (request, reply) => send(reply, 200, await handler(request, request.query as Q)),
            });
        const client = (request: FastifyRequest) => new EhrClient(actorOf(request).session);
        const selfUrl = (request: FastifyRequest) => `${context.publicUrl}${request.url}`;
        const nextUrl = (request: FastifyRequest, bookmark: string) => {
            if (!bookmark) return undefined;
            const url = new URL(`${context.publicUrl}${request.url}`);
            url.searchParams.set('_page', bookmark);
            return url.toString();
        };
        const page = (query: SearchQuery) => ({ pageSize: query._count ?? 50, bookmark: query._page ?? '' });

        scope.get(
            `${base}/metadata`,
            { schema: { tags: ['fhir'], summary: 'FHIR CapabilityStatement', response: { 200: anyResource } } },
            async (_request, reply) => send(reply, 200, capabilityStatement(context.publicUrl)),
        );

        route<never>(
            `${base}/DocumentReference/:id`,
            'FHIR read: a record pointer as DocumentReference',
            { params: idParams },
            async (request) =>
                documentReferenceOf(await client(request).getRecord((request.params as { id: string }).id)),
        );
        route<SearchQuery>(
            `${base}/DocumentReference`,
            'FHIR search: DocumentReference by patient',
            { querystring: searchQuery },
            async (request, query) => {
                const result = await client(request).listRecordsByPatient(
                    bare(query.patient ?? '', 'Patient'),
                    page(query),
                );
                return searchsetOf(
                    result.items.map(documentReferenceOf),
                    selfUrl(request),
                    nextUrl(request, result.bookmark),
                );
            },
        );
        route<never>(`${base}/Consent/:id`, 'FHIR read: a consent', { params: idParams }, async (request) =>
            consentOf(await client(request).getConsent((request.params as { id: string }).id)),
        );
        route<SearchQuery>(
            `${base}/Consent`,
            'FHIR search: Consent by patient',
            { querystring: searchQuery },
            async (request, query) => {
                const result = await client(request).listConsentsByPatient(
                    bare(query.patient ?? '', 'Patient'),
                    page(query),
                );
                return searchsetOf(result.items.map(consentOf), selfUrl(request), nextUrl(request, result.bookmark));
            },
        );
        route<never>(
            `${base}/AuditEvent/:id`,
            'FHIR read: an access audit entry',
            { params: idParams },
            async (request) => auditEventOf(await client(request).getAuditEntry((request.params as { id: string }).id)),
        );
        route<SearchQuery>(
            `${base}/AuditEvent`,
            'FHIR search: AuditEvent by patient or by entity (record)',
            { querystring: searchQuery },
            async (request, query) => {
                const result = query.entity
                    ? await client(request).listAuditByRecord(bare(query.entity, 'DocumentReference'), page(query))
                    : await client(request).listAuditByPatient(bare(query.patient ?? '', 'Patient'), page(query));
                return searchsetOf(result.items.map(auditEventOf), selfUrl(request), nextUrl(request, result.bookmark));
            },
        );
    });
}
