import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsentPurposes, type ConsentPurpose, type Page } from '@careledger/chaincode';
import { EhrClient, type PageRequest } from '../../ehr';
import { LedgerError } from '../../ledger';
import {
    auditEventOf,
    batchResponseOf,
    consentOf,
    documentReferenceOf,
    FhirBase,
    FhirJson,
    operationOutcomeOf,
    provenanceOf,
    searchsetOf,
    type BatchResult,
    type FhirResource,
} from '../../standards/fhir';
import { FhirImportError, importedRecordOf } from '../../standards/fhir-import';
import {
    allValues,
    FhirSearchError,
    matchesDates,
    matchesToken,
    parseDateFilter,
    parseTokenFilter,
    type DateFilter,
    type TokenFilter,
} from '../../standards/fhir-search';
import { actorOf, authenticate } from '../actor';
import { decodeBookmark, encodeBookmark } from '../bookmarks';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponse, invalidInput } from '../errors';
import { parseJsonBody } from '../json-body';
import { allowedOrDenied } from './ehr';

/**
 * The FHIR R4 REST surface over the EHR ledger (`/fhir/r4`, docs/standards/fhir.md):
 * - read by id: DocumentReference (the audited read, POST /ehr/records/{id}/access: consent
 *   decided by the chaincode, an AuditEvent for every attempt, the document URL when allowed),
 *   Consent, AuditEvent, Provenance;
 * - search: by patient, date and type, `searchset` Bundles paged with `_count` and `_page`;
 * - create: an EHR POSTs a DocumentReference, or a `batch` Bundle of them, and each registers a
 *   pointer (free text is never read: standards/fhir-import.ts);
 * - a CapabilityStatement at `/fhir/r4/metadata`.
 * Every answer is `application/fhir+json`; every error an OperationOutcome (server/errors.ts,
 * the documented exemption). What a caller may read is what the chaincode lets that identity read.
 */
const anyResource = { type: 'object', additionalProperties: true } as const;
const responses = (status: number) => Object.fromEntries([status, ...commonErrors].map((code) => [code, anyResource]));
const oneOrMany = (schema: object) => ({ anyOf: [schema, { type: 'array', maxItems: 4, items: schema }] });
const paging = {
    _count: { type: 'integer', minimum: 1, maximum: 200, description: 'Page size (default 50)' },
    _page: { type: 'string', maxLength: 4096, description: 'Next page: taken from the Bundle link "next"' },
    _format: { type: 'string', maxLength: 64 },
};
const patientParam = {
    type: 'string',
    minLength: 1,
    maxLength: 72,
    description: 'Patient/<pseudonymous id> or the id',
};
const dateParam = oneOrMany({
    type: 'string',
    maxLength: 40,
    description: 'eq|ne|lt|le|gt|ge + YYYY[-MM[-DD[Thh:mm[:ss]Z]]]; repeated: all must hold',
});
const query = (properties: Record<string, object>) =>
    ({ type: 'object', additionalProperties: false, properties: { ...properties, ...paging } }) as const;
const idParams = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: '^[A-Za-z0-9\\-\\.]{1,64}$' } },
} as const;

interface SearchQuery {
    patient?: string;
    subject?: string;
    entity?: string;
    target?: string;
    date?: string | string[];
    type?: string;
    purpose?: ConsentPurpose;
    _count?: number;
    _page?: string;
}

const searchParams: Record<string, Array<{ name: string; type: string; documentation: string }>> = {
    DocumentReference: [
        { name: 'patient', type: 'reference', documentation: 'Patient/<pseudonymous id>' },
        { name: 'subject', type: 'reference', documentation: 'Same as patient' },
        { name: 'date', type: 'date', documentation: 'When the version was registered' },
        { name: 'type', type: 'token', documentation: 'LOINC document type: code or http://loinc.org|code' },
    ],
    Consent: [
        { name: 'patient', type: 'reference', documentation: 'Patient/<pseudonymous id>' },
        { name: 'date', type: 'date', documentation: 'When the consent was given' },
    ],
    AuditEvent: [
        { name: 'patient', type: 'reference', documentation: 'Patient/<pseudonymous id>' },
        { name: 'entity', type: 'reference', documentation: 'DocumentReference/<record id>' },
        { name: 'date', type: 'date', documentation: 'When the access was recorded' },
    ],
    Provenance: [
        { name: 'target', type: 'reference', documentation: 'DocumentReference/<record id>' },
        { name: 'patient', type: 'reference', documentation: 'Patient/<pseudonymous id>' },
    ],
};

export function capabilityStatement(publicUrl: string): FhirResource {
    const resource = (type: string) => ({
        type,
        interaction: [
            { code: 'read' },
            { code: 'search-type' },
            ...(type === 'DocumentReference' ? [{ code: 'create' }] : []),
        ],
        searchParam: searchParams[type],
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
            url: `${publicUrl}${FhirBase}`,
        },
        fhirVersion: '4.0.1',
        format: [FhirJson, 'json'],
        rest: [
            {
                mode: 'server',
                documentation:
                    'Reading a DocumentReference is the audited access: the ledger decides it from the caller (the patient, or a licensed clinician under a consent valid now for the purpose; query parameter purpose, default TREAT) and records an AuditEvent either way.',
                security: { description: 'Bearer token of an enrolled CareLedger user (POST /auth/token)' },
                resource: ['DocumentReference', 'Consent', 'AuditEvent', 'Provenance'].map(resource),
                interaction: [{ code: 'batch' }],
            },
        ],
    };
}

function send(reply: FastifyReply, status: number, resource: FhirResource): FastifyReply {
    return reply.status(status).type(FhirJson).send(resource);
}

/** The id of a `Type/<id>` reference, or the bare id. */
const bare = (reference: string, type: string) => reference.replace(new RegExp(`^${type}/`), '');

/** FHIR-side input errors as the gateway's typed error (status, field), answered as an OperationOutcome. */
function asInputError(error: unknown): unknown {
    return error instanceof FhirSearchError || error instanceof FhirImportError
        ? invalidInput(error.field, error.message)
        : error;
}

/**
 * One page of a ledger list narrowed by FHIR filters. The ledger pages by bookmark and the
 * chaincode decides what the caller may list; when a filter leaves a page empty the next ledger
 * page is read, so a Bundle is empty only when nothing further matches (or after 20 ledger pages,
 * with a next link).
 */
async function filteredPage<T>(
    list: (page: PageRequest) => Promise<Page<T>>,
    keep: (item: T) => boolean,
    pageSize: number,
    bookmark: string,
): Promise<Page<T>> {
    const items: T[] = [];
    let mark = bookmark;
    for (let read = 0; read < 20; read += 1) {
        const page = await list({ pageSize, bookmark: mark });
        items.push(...page.items.filter(keep));
        mark = page.bookmark;
        if (items.length > 0 || mark === '') break;
    }
    return { items, bookmark: mark };
}

export function fhirRoutes(app: FastifyInstance, context: GatewayContext): void {
    void app.register(async (scope) => {
        // FHIR's media type, parsed as strictly as application/json (depth, prototype keys).
        scope.addContentTypeParser(FhirJson, { parseAs: 'string' }, (_request, body, done) => {
            try {
                done(null, parseJsonBody(body as string));
            } catch (error) {
                done(error as Error, undefined);
            }
        });
        const client = (request: FastifyRequest) => new EhrClient(actorOf(request).session);
        const route = <Q>(
            method: 'GET' | 'POST',
            url: string,
            summary: string,
            schema: { params?: object; querystring?: object; body?: object },
            handler: (request: FastifyRequest, query: Q, reply: FastifyReply) => Promise<FhirResource>,
            status = 200,
        ) =>
            scope.route({
                method,
                url: `${FhirBase}${url}`,
                preHandler: authenticate(context),
                schema: { tags: ['fhir'], summary, security: [{ bearer: [] }], ...schema, response: responses(status) },
                handler: async (request, reply) => {
                    try {
                        return send(reply, status, await handler(request, request.query as Q, reply));
                    } catch (error) {
                        throw asInputError(error);
                    }
                },
            });

        const dates = (query: SearchQuery): DateFilter[] => allValues(query.date).map((v) => parseDateFilter(v));
        const types = (query: SearchQuery): TokenFilter[] | undefined =>
            query.type === undefined ? undefined : parseTokenFilter(query.type);
        const bookmarkOf = (query: SearchQuery) => {
            try {
                return decodeBookmark(query._page ?? '');
            } catch {
                throw new FhirSearchError('query._page', 'must be the _page of a next link this server returned');
            }
        };
        /** The patient searched for; '' lets the contract take the calling patient (others must name one). */
        const patientOf = (query: SearchQuery) => {
            if (query.patient !== undefined && query.subject !== undefined) {
                throw new FhirSearchError('query.subject', 'and patient name the same thing: send one');
            }
            const reference = query.patient ?? query.subject;
            return reference === undefined ? '' : bare(reference, 'Patient');
        };
        const bundle = <T>(request: FastifyRequest, page: Page<T>, map: (item: T) => FhirResource) => {
            const self = `${context.publicUrl}${request.url}`;
            let next: string | undefined;
            if (page.bookmark !== '') {
                const url = new URL(self);
                url.searchParams.set('_page', encodeBookmark(page.bookmark));
                next = url.toString();
            }
            return searchsetOf(page.items.map(map), self, next);
        };
        const pageSize = (query: SearchQuery) => query._count ?? 50;

        scope.get(
            `${FhirBase}/metadata`,
            { schema: { tags: ['fhir'], summary: 'FHIR CapabilityStatement', response: { 200: anyResource } } },
            async (_request, reply) => send(reply, 200, capabilityStatement(context.publicUrl)),
        );

        // DocumentReference ---------------------------------------------------------------------
        route<SearchQuery>(
            'GET',
            '/DocumentReference/:id',
            'FHIR read: the audited read of a record (consent decided and recorded by the ledger)',
            {
                params: idParams,
                querystring: query({
                    purpose: {
                        type: 'string',
                        enum: [...ConsentPurposes],
                        description: 'Purpose of use (default TREAT)',
                    },
                }),
            },
            async (request, q) => {
                const id = (request.params as { id: string }).id;
                const read = allowedOrDenied(await client(request).readRecord(id, q.purpose ?? 'TREAT'));
                return documentReferenceOf(read.access.record!, read.location?.location);
            },
        );
        route<SearchQuery>(
            'GET',
            '/DocumentReference',
            'FHIR search: DocumentReference by patient, date and type',
            {
                querystring: query({
                    patient: patientParam,
                    subject: patientParam,
                    date: dateParam,
                    type: { type: 'string', maxLength: 512 },
                }),
            },
            async (request, q) => {
                const patientId = patientOf(q);
                const [when, what] = [dates(q), types(q)];
                const page = await filteredPage(
                    (p) => client(request).listRecordsByPatient(patientId, p),
                    (record) => matchesDates(record.date, when) && (!what || matchesToken(record.type, what)),
                    pageSize(q),
                    bookmarkOf(q),
                );
                return bundle(request, page, (record) => documentReferenceOf(record));
            },
        );
        route<never>(
            'POST',
            '/DocumentReference',
            'FHIR create: an EHR registers a pointer (clinicians of the custodian)',
            { body: anyResource },
            async (request, _q, reply) => {
                const created = await importOne(client(request), request.body, 'body');
                reply.header('location', created.location);
                return created.resource;
            },
            201,
        );

        // Consent -------------------------------------------------------------------------------
        route<never>('GET', '/Consent/:id', 'FHIR read: a consent', { params: idParams }, async (request) =>
            consentOf(await client(request).getConsent((request.params as { id: string }).id)),
        );
        route<SearchQuery>(
            'GET',
            '/Consent',
            'FHIR search: Consent by patient and date',
            { querystring: query({ patient: patientParam, date: dateParam }) },
            async (request, q) => {
                const patientId = patientOf(q);
                const when = dates(q);
                const page = await filteredPage(
                    (p) => client(request).listConsentsByPatient(patientId, p),
                    (consent) => matchesDates(consent.dateTime, when),
                    pageSize(q),
                    bookmarkOf(q),
                );
                return bundle(request, page, consentOf);
            },
        );

        // AuditEvent ----------------------------------------------------------------------------
        route<never>(
            'GET',
            '/AuditEvent/:id',
            'FHIR read: an access audit entry',
            { params: idParams },
            async (request) => auditEventOf(await client(request).getAuditEntry((request.params as { id: string }).id)),
        );
        route<SearchQuery>(
            'GET',
            '/AuditEvent',
            'FHIR search: AuditEvent by patient or entity (record), and date',
            {
                querystring: query({
                    patient: patientParam,
                    entity: { type: 'string', minLength: 1, maxLength: 96 },
                    date: dateParam,
                }),
            },
            async (request, q) => {
                const when = dates(q);
                const ledger = client(request);
                const list = q.entity
                    ? (p: PageRequest) => ledger.listAuditByRecord(bare(q.entity!, 'DocumentReference'), p)
                    : (p: PageRequest) => ledger.listAuditByPatient(patientOf(q), p);
                const page = await filteredPage(
                    list,
                    (e) => matchesDates(e.recorded, when),
                    pageSize(q),
                    bookmarkOf(q),
                );
                return bundle(request, page, auditEventOf);
            },
        );

        // Provenance ----------------------------------------------------------------------------
        route<never>(
            'GET',
            '/Provenance/:id',
            'FHIR read: who registered a record version, when, replacing which (id = the record id)',
            { params: idParams },
            async (request) => provenanceOf(await client(request).getRecord((request.params as { id: string }).id)),
        );
        route<SearchQuery>(
            'GET',
            '/Provenance',
            'FHIR search: Provenance by target record or by patient',
            { querystring: query({ target: { type: 'string', minLength: 1, maxLength: 96 }, patient: patientParam }) },
            async (request, q) => {
                if (q.target !== undefined) {
                    const record = await client(request)
                        .getRecord(bare(q.target, 'DocumentReference'))
                        .catch((error: unknown) => {
                            if (error instanceof LedgerError && error.code === 'NOT_FOUND') return undefined;
                            throw error;
                        });
                    return bundle(request, { items: record ? [record] : [], bookmark: '' }, provenanceOf);
                }
                const patientId = patientOf(q);
                const page = await filteredPage(
                    (p) => client(request).listRecordsByPatient(patientId, p),
                    () => true,
                    pageSize(q),
                    bookmarkOf(q),
                );
                return bundle(request, page, provenanceOf);
            },
        );

        // Batch: a Bundle of DocumentReference creates ---------------------------------------------
        route<never>(
            'POST',
            '',
            'FHIR batch: a Bundle (type batch) of DocumentReference creates; each entry answered on its own',
            { body: anyResource },
            async (request) => {
                const bundleIn = request.body as { resourceType?: unknown; type?: unknown; entry?: unknown };
                if (bundleIn.resourceType !== 'Bundle') {
                    throw new FhirImportError('body.resourceType', 'must be Bundle');
                }
                if (bundleIn.type !== 'batch') {
                    throw new FhirImportError(
                        'body.type',
                        'must be batch: each pointer is its own ledger transaction, so all-or-nothing (transaction) cannot be promised',
                    );
                }
                const entries = Array.isArray(bundleIn.entry) ? bundleIn.entry : [];
                if (entries.length === 0 || entries.length > 50) {
                    throw new FhirImportError('body.entry', 'must hold 1 to 50 entries');
                }
                const ledger = client(request);
                const results: BatchResult[] = [];
                for (const [i, entry] of entries.entries()) {
                    const field = `body.entry.${i}`;
                    try {
                        const { request: call, resource } = (entry ?? {}) as {
                            request?: { method?: unknown; url?: unknown };
                            resource?: unknown;
                        };
                        if (call?.method !== 'POST' || call.url !== 'DocumentReference') {
                            throw new FhirImportError(
                                `${field}.request`,
                                'must be { method: POST, url: DocumentReference }',
                            );
                        }
                        results.push({ status: 201, ...(await importOne(ledger, resource, `${field}.resource`)) });
                    } catch (error) {
                        const { status, body } = errorResponse(asInputError(error));
                        results.push({
                            status,
                            outcome: operationOutcomeOf(status, body.message, body.field, body.auditId),
                        });
                    }
                }
                return batchResponseOf(results, context.publicUrl);
            },
        );
    });
}

/** Registers (or amends) the pointer a DocumentReference describes; the answer is the pointer as FHIR. */
async function importOne(
    ledger: EhrClient,
    resource: unknown,
    field: string,
): Promise<{ resource: FhirResource; location: string }> {
    const imported = importedRecordOf(resource, field);
    const { record } =
        imported.kind === 'register'
            ? await ledger.registerRecord(imported.record)
            : await ledger.amendRecord(imported.record);
    return { resource: documentReferenceOf(record), location: `${FhirBase}/DocumentReference/${record.id}` };
}
