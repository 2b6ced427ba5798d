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
        summary: 'Store a document (encrypted, content-addressed) and register its pointer with SHA-256 and size',
        description:
            "The bytes stay in this gateway's document store; the ledger gets the pointer (SHA-256, size, media type) and " +
            "the custodian's private data its location (an RFC 6920 `ni:` URI of the digest).",
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
                uri: { type: 'string' },
            },
            ['recordId', 'sha256', 'size', 'uri'],
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
