import type { FastifyInstance } from 'fastify';
import { ConsentPurposes, type EhrCoding } from '@careledger/chaincode';
import type { GatewayContext } from '../context';
import { defineRoute, idParams, objectSchema } from './define';

interface UploadBody {
    recordId: string;
    patientId: string;
    type: EhrCoding;
    contentType: string;
    /** The document, base64. */
    content: string;
}

export function documentRoutes(app: FastifyInstance, context: GatewayContext): void {
    defineRoute<never, never, UploadBody>(app, context, {
        method: 'POST',
        url: '/documents',
        tag: 'documents',
        summary: 'Store a document (sealed under its own key) and register its pointer with SHA-256 and size',
        description:
            'The ledger decides first: the pointer (SHA-256, size, media type) is registered as the caller, which only a ' +
            "licensed clinician of the custodian may do; only then are the bytes sealed into this gateway's store, under a " +
            "random handle that the custodian's private data alone names (the location). A refused upload stores nothing. " +
            '`type.display` is accepted and dropped: free text never goes into transaction arguments.',
        body: {
            type: 'object',
            required: ['recordId', 'patientId', 'type', 'contentType', 'content'],
            additionalProperties: false,
            properties: {
                recordId: { type: 'string', maxLength: 128 },
                patientId: { type: 'string', maxLength: 128 },
                type: {
                    type: 'object',
                    required: ['system', 'code'],
                    additionalProperties: false,
                    properties: { system: { type: 'string' }, code: { type: 'string' }, display: { type: 'string' } },
                },
                contentType: { type: 'string', maxLength: 128 },
                content: { type: 'string', contentEncoding: 'base64', maxLength: 16_000_000 },
            },
        },
        status: 201,
        response: objectSchema(
            {
                recordId: { type: 'string' },
                sha256: { type: 'string' },
                size: { type: 'integer' },
            },
            ['recordId', 'sha256', 'size'],
        ),
        handler: async ({ actor, body }) =>
            context.documents.store(actor.session, Buffer.from(body.content, 'base64'), body.contentType, {
                recordId: body.recordId,
                patientId: body.patientId,
                type: body.type,
            }),
    });

    defineRoute<{ recordId: string }, { purpose: string }>(app, context, {
        method: 'GET',
        url: '/documents/:recordId',
        tag: 'documents',
        summary:
            "Read a record's document: audited consent check first, bytes only if their SHA-256 matches the ledger",
        params: idParams('recordId'),
        querystring: {
            type: 'object',
            required: ['purpose'],
            properties: { purpose: { type: 'string', enum: [...ConsentPurposes] } },
        },
        response: { type: 'string', format: 'binary', description: 'The document bytes, in its media type' },
        handler: async ({ actor, params, query }, reply) => {
            const document = await context.documents.read(actor.session, params.recordId, query.purpose);
            reply.type(document.contentType);
            reply.header('repr-digest', `sha-256=:${Buffer.from(document.sha256, 'hex').toString('base64')}:`);
            if (document.auditId) {
                reply.header('x-careledger-audit-id', document.auditId);
            }
            return reply.send(Buffer.from(document.bytes));
        },
    });
}
