import type { FastifyInstance } from 'fastify';
import {
    BreakGlassReasonCodes,
    ConsentPurposes,
    MaxConsentsPerBatch,
    MaxRecordsPerBatch,
    type BreakGlassReasonCode,
    type ConsentPurpose,
    type GrantConsentInput,
    type Grantee,
} from '@careledger/chaincode';
import { EhrClient, flaggedPointers, type NewRecord, type RecordAmendment } from '../../ehr';
import { crashPoint } from '../crash-point';
import type { LedgerSession } from '../../ledger';
import type { GatewayContext } from '../context';
import { AuditedDenial, denialReasons } from '../errors';
import { anyObject, defineRoute, idParams, objectSchema, pageOf, pageQuery, type PageQuery } from './define';

const tag = 'ehr';
const client = (session: LedgerSession) => new EhrClient(session);

const coding = {
    type: 'object',
    required: ['system', 'code'],
    additionalProperties: false,
    properties: {
        system: { type: 'string', maxLength: 256 },
        code: { type: 'string', maxLength: 64 },
        display: { type: 'string', maxLength: 256 },
    },
};
const recordSchema = objectSchema(
    {
        id: { type: 'string' },
        seriesId: { type: 'string' },
        version: { type: 'integer' },
        patientId: { type: 'string' },
        custodianMsp: { type: 'string' },
        status: { type: 'string' },
        contentHash: { type: 'string' },
        size: { type: 'integer' },
        mediaType: { type: 'string' },
    },
    ['id', 'patientId', 'custodianMsp', 'status', 'contentHash'],
);
const auditSchema = objectSchema(
    {
        id: { type: 'string' },
        action: { type: 'string' },
        recorded: { type: 'string' },
        outcome: { type: 'string' },
        outcomeDesc: { type: 'string' },
    },
    ['id', 'outcome'],
);
const consentSchema = objectSchema(
    {
        id: { type: 'string' },
        patientId: { type: 'string' },
        status: { type: 'string', enum: ['active', 'inactive'] },
        grantee: anyObject,
        scope: anyObject,
        purposes: { type: 'array', items: { type: 'string' } },
        period: anyObject,
    },
    ['id', 'patientId', 'status', 'grantee', 'scope', 'purposes'],
);
const readSchema = objectSchema(
    {
        access: objectSchema({ allowed: { type: 'boolean' }, audit: auditSchema, record: recordSchema }, [
            'allowed',
            'audit',
        ]),
        location: objectSchema({
            location: { type: 'string' },
            contentHash: { type: 'string' },
            mediaType: { type: 'string' },
        }),
        reasonSalt: { type: 'string' },
    },
    ['access'],
);
const recordBody = (withPatient: boolean) => ({
    type: 'object',
    required: [
        ...(withPatient ? ['patientId'] : ['previousId']),
        'id',
        'type',
        'contentHash',
        'size',
        'mediaType',
        'location',
    ],
    additionalProperties: false,
    properties: {
        id: { type: 'string', maxLength: 128 },
        ...(withPatient
            ? { patientId: { type: 'string', maxLength: 128 } }
            : { previousId: { type: 'string', maxLength: 128 } }),
        type: coding,
        contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        contentSha1: {
            type: 'string',
            pattern: '^[A-Za-z0-9+/]{27}=$',
            description: 'SHA-1 of the bytes, base64 (FHIR R4 Attachment.hash); optional',
        },
        size: { type: 'integer', minimum: 0 },
        mediaType: { type: 'string', maxLength: 128 },
        location: {
            type: 'string',
            maxLength: 2048,
            description: 'Sent as transient data to the custodian peers only.',
        },
    },
});

const consentBody = {
    type: 'object',
    required: ['id', 'grantee', 'scope', 'purposes', 'period'],
    additionalProperties: false,
    properties: {
        id: { type: 'string', maxLength: 128 },
        patientId: { type: 'string', maxLength: 128 },
        grantee: {
            type: 'object',
            required: ['mspId'],
            additionalProperties: false,
            properties: {
                mspId: { type: 'string', maxLength: 64 },
                actorId: { type: 'string', maxLength: 128 },
            },
        },
        scope: {
            type: 'object',
            required: ['kind'],
            properties: {
                kind: { type: 'string', enum: ['all', 'type', 'records'] },
                typeCode: { type: 'string', maxLength: 64 },
                recordIds: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 128 } },
            },
        },
        purposes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...ConsentPurposes] } },
        period: {
            type: 'object',
            required: ['end'],
            additionalProperties: false,
            properties: { start: { type: 'string', maxLength: 40 }, end: { type: 'string', maxLength: 40 } },
        },
    },
};

export function ehrRoutes(app: FastifyInstance, context: GatewayContext): void {
    /** A client that journals two-step registrations for this gateway's recovery (see ehr/recovery.ts). */
    const journalling = (actor: { org: string; user: string; session: LedgerSession }) =>
        new EhrClient(actor.session, { journal: context.pendingJournal?.forUser(actor.org, actor.user) });
    const betweenSteps = { beforeLocation: async () => crashPoint('ehr-between-steps') };

    defineRoute(app, context, {
        method: 'POST',
        url: '/ehr/patients/enrol',
        tag,
        summary: "Bind the calling patient's id to this org (patients; repeat is harmless)",
        response: objectSchema({ patientId: { type: 'string' }, homeMsp: { type: 'string' } }, [
            'patientId',
            'homeMsp',
        ]),
        handler: async ({ actor }) => client(actor.session).enrolPatient(),
    });

    defineRoute<never, never, { mspId: string; actorId: string; until?: string }>(app, context, {
        method: 'POST',
        url: '/ehr/delegates',
        tag,
        summary: 'A patient names a delegate who may grant and revoke consents for them',
        body: {
            type: 'object',
            required: ['mspId', 'actorId'],
            additionalProperties: false,
            properties: {
                mspId: { type: 'string', maxLength: 64 },
                actorId: { type: 'string', maxLength: 128 },
                until: { type: 'string', maxLength: 40 },
            },
        },
        status: 201,
        response: objectSchema(
            { patientId: { type: 'string' }, mspId: { type: 'string' }, actorId: { type: 'string' } },
            ['patientId'],
        ),
        handler: async ({ actor, body }) => client(actor.session).nameDelegate(body),
    });

    defineRoute<never, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/delegates',
        tag,
        summary: "The calling patient's delegates",
        querystring: pageQuery,
        response: pageOf(anyObject),
        handler: async ({ actor, query }) => client(actor.session).listDelegates(query),
    });

    defineRoute<{ mspId: string; actorId: string }>(app, context, {
        method: 'DELETE',
        url: '/ehr/delegates/:mspId/:actorId',
        tag,
        summary: 'Remove a delegate',
        params: idParams('mspId', 'actorId'),
        response: anyObject,
        handler: async ({ actor, params }) => client(actor.session).removeDelegate(params.mspId, params.actorId),
    });

    defineRoute<never, never, NewRecord>(app, context, {
        method: 'POST',
        url: '/ehr/records',
        tag,
        summary:
            'Register a record pointer (clinicians of the custodian); see POST /documents to upload the document itself',
        body: recordBody(true),
        status: 201,
        response: objectSchema({ record: recordSchema, salt: { type: 'string' } }, ['record', 'salt']),
        handler: async ({ actor, body }) => journalling(actor).registerRecord(body, betweenSteps),
    });

    defineRoute<never, never, { records: NewRecord[] }>(app, context, {
        method: 'POST',
        url: '/ehr/records/bulk',
        tag,
        summary: `Register up to ${MaxRecordsPerBatch} record pointers in two transactions (clinicians of the custodian)`,
        description:
            'One RegisterRecords transaction for every pointer, then one StoreRecordLocations on the custodian peers only. ' +
            'Every item is checked first: a bad item is refused (400) naming records[i] and the field, and nothing is written. ' +
            '`type.display` is accepted and dropped (it never reaches the ledger); locations travel as transient data.',
        body: {
            type: 'object',
            required: ['records'],
            additionalProperties: false,
            properties: {
                records: { type: 'array', minItems: 1, maxItems: MaxRecordsPerBatch, items: recordBody(true) },
            },
        },
        status: 201,
        response: objectSchema(
            { records: { type: 'array', items: recordSchema }, salts: { type: 'array', items: { type: 'string' } } },
            ['records', 'salts'],
        ),
        handler: async ({ actor, body }) => journalling(actor).registerRecords(body.records, betweenSteps),
    });

    defineRoute<never, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/records/pending',
        tag,
        summary:
            "This org's pointers whose location never committed (its staff); `flagged`: those the gateway could not complete",
        querystring: pageQuery,
        response: objectSchema(
            {
                items: { type: 'array', items: recordSchema },
                bookmark: { type: 'string' },
                flagged: {
                    type: 'array',
                    items: objectSchema(
                        { recordId: { type: 'string' }, reason: { type: 'string' }, at: { type: 'string' } },
                        ['recordId', 'reason'],
                    ),
                },
            },
            ['items', 'bookmark', 'flagged'],
        ),
        handler: async ({ actor, query }) => {
            const page = await client(actor.session).listPendingRecords(query);
            const flagged = context.pendingJournal ? await flaggedPointers(context.pendingJournal, actor.org) : [];
            return { ...page, flagged };
        },
    });

    defineRoute<{ id: string }>(app, context, {
        method: 'POST',
        url: '/ehr/records/:id/cancel',
        tag,
        summary: 'Withdraw a pending pointer (its location never committed); its id may be registered again',
        params: idParams('id'),
        response: objectSchema({ recordId: { type: 'string' }, restored: { type: 'string' } }, ['recordId']),
        handler: async ({ actor, params }) => {
            const cancelled = await client(actor.session).cancelPendingRecord(params.id);
            await context.pendingJournal?.forgetRecord(params.id);
            return cancelled;
        },
    });

    defineRoute<{ id: string }, never, Omit<RecordAmendment, 'previousId'> & { previousId: string }>(app, context, {
        method: 'POST',
        url: '/ehr/records/:id/amend',
        tag,
        summary: 'A new version of a record (the path names the version it replaces)',
        params: idParams('id'),
        body: { ...recordBody(false), required: ['id', 'type', 'contentHash', 'size', 'mediaType', 'location'] },
        status: 201,
        response: objectSchema({ record: recordSchema, salt: { type: 'string' } }, ['record', 'salt']),
        handler: async ({ actor, params, body }) => journalling(actor).amendRecord({ ...body, previousId: params.id }),
    });

    defineRoute<{ id: string }>(app, context, {
        method: 'GET',
        url: '/ehr/records/:id',
        tag,
        summary: 'A record pointer or its erasure tombstone',
        params: idParams('id'),
        response: objectSchema({ id: { type: 'string' }, patientId: { type: 'string' } }, ['id', 'patientId']),
        handler: async ({ actor, params }) => client(actor.session).getRecord(params.id),
    });

    defineRoute<{ patientId: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/patients/:patientId/records',
        tag,
        summary: "A patient's live record pointers (`me` for the calling patient)",
        params: idParams('patientId'),
        querystring: pageQuery,
        response: pageOf(recordSchema),
        handler: async ({ actor, params, query }) =>
            client(actor.session).listRecordsByPatient(me(params.patientId), query),
    });

    defineRoute<{ mspId: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/custodians/:mspId/records',
        tag,
        summary: 'Record pointers an org holds',
        params: idParams('mspId'),
        querystring: pageQuery,
        response: pageOf(recordSchema),
        handler: async ({ actor, params, query }) => client(actor.session).listRecordsByCustodian(params.mspId, query),
    });

    defineRoute<never, never, GrantConsentInput>(app, context, {
        method: 'POST',
        url: '/ehr/consents',
        tag,
        summary: 'Grant a consent (the patient, or a delegate naming patientId)',
        body: consentBody,
        status: 201,
        response: consentSchema,
        handler: async ({ actor, body }) => client(actor.session).grantConsent(body),
    });

    defineRoute<never, never, { consents: GrantConsentInput[] }>(app, context, {
        method: 'POST',
        url: '/ehr/consents/bulk',
        tag,
        summary: `Grant up to ${MaxConsentsPerBatch} consents of one patient in one transaction`,
        description:
            'Every item is checked first: a bad item is refused naming consents[i] and the field, and nothing is written.',
        body: {
            type: 'object',
            required: ['consents'],
            additionalProperties: false,
            properties: {
                consents: { type: 'array', minItems: 1, maxItems: MaxConsentsPerBatch, items: consentBody },
            },
        },
        status: 201,
        response: objectSchema({ consents: { type: 'array', items: consentSchema } }, ['consents']),
        handler: async ({ actor, body }) => ({ consents: await client(actor.session).grantConsents(body.consents) }),
    });

    defineRoute<{ id: string }>(app, context, {
        method: 'POST',
        url: '/ehr/consents/:id/revoke',
        tag,
        summary: 'Revoke a consent',
        params: idParams('id'),
        response: consentSchema,
        handler: async ({ actor, params }) => client(actor.session).revokeConsent(params.id),
    });

    defineRoute<{ id: string }>(app, context, {
        method: 'GET',
        url: '/ehr/consents/:id',
        tag,
        summary: 'A consent',
        params: idParams('id'),
        response: consentSchema,
        handler: async ({ actor, params }) => client(actor.session).getConsent(params.id),
    });

    defineRoute<{ patientId: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/patients/:patientId/consents',
        tag,
        summary: "A patient's consents, revoked included (`me` for the calling patient)",
        params: idParams('patientId'),
        querystring: pageQuery,
        response: pageOf(consentSchema),
        handler: async ({ actor, params, query }) =>
            client(actor.session).listConsentsByPatient(me(params.patientId), query),
    });

    defineRoute<never, Grantee & PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/consents',
        tag,
        summary: 'Live consents naming a grantee',
        querystring: {
            type: 'object',
            required: ['mspId'],
            properties: {
                ...pageQuery.properties,
                mspId: { type: 'string', maxLength: 64 },
                actorId: { type: 'string', maxLength: 128 },
            },
        },
        response: pageOf(consentSchema),
        handler: async ({ actor, query }) => {
            const { mspId, actorId, ...page } = query;
            return client(actor.session).listConsentsByGrantee(actorId ? { mspId, actorId } : { mspId }, page);
        },
    });

    defineRoute<{ id: string }, never, { purpose: ConsentPurpose }>(app, context, {
        method: 'POST',
        url: '/ehr/records/:id/access',
        tag,
        summary: 'Audited read: consent check, audit entry, and the location when allowed',
        params: idParams('id'),
        body: {
            type: 'object',
            required: ['purpose'],
            additionalProperties: false,
            properties: { purpose: { type: 'string', enum: [...ConsentPurposes] } },
        },
        response: readSchema,
        handler: async ({ actor, params, body }) =>
            allowedOrDenied(await client(actor.session).readRecord(params.id, body.purpose)),
    });

    defineRoute<{ id: string }, never, { reasonCode: BreakGlassReasonCode; reason: string }>(app, context, {
        method: 'POST',
        url: '/ehr/records/:id/break-glass',
        tag,
        summary: 'Emergency override: audited and flagged; the free-text reason is transient, never stored',
        params: idParams('id'),
        body: {
            type: 'object',
            required: ['reasonCode', 'reason'],
            additionalProperties: false,
            properties: {
                reasonCode: { type: 'string', enum: [...BreakGlassReasonCodes] },
                reason: { type: 'string', minLength: 10, maxLength: 2000 },
            },
        },
        response: readSchema,
        handler: async ({ actor, params, body }) =>
            allowedOrDenied(await client(actor.session).readRecordInEmergency(params.id, body.reasonCode, body.reason)),
    });

    defineRoute<{ id: string }>(app, context, {
        method: 'GET',
        url: '/ehr/audit/:id',
        tag,
        summary: 'One audit entry',
        params: idParams('id'),
        response: auditSchema,
        handler: async ({ actor, params }) => client(actor.session).getAuditEntry(params.id),
    });

    defineRoute<{ id: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/records/:id/audit',
        tag,
        summary: 'Accesses to a record',
        params: idParams('id'),
        querystring: pageQuery,
        response: pageOf(auditSchema),
        handler: async ({ actor, params, query }) => client(actor.session).listAuditByRecord(params.id, query),
    });

    defineRoute<{ patientId: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/ehr/patients/:patientId/audit',
        tag,
        summary: "Every access to a patient's records, oldest first (`me` for the calling patient)",
        params: idParams('patientId'),
        querystring: pageQuery,
        response: pageOf(auditSchema),
        handler: async ({ actor, params, query }) =>
            client(actor.session).listAuditByPatient(me(params.patientId), query),
    });

    defineRoute<never, never, { custodianMsp: string }>(app, context, {
        method: 'POST',
        url: '/ehr/erasure',
        tag,
        summary:
            "Erase the calling patient's records at a custodian (tombstones, purges locations, destroys the stored documents' keys and bytes)",
        body: {
            type: 'object',
            required: ['custodianMsp'],
            additionalProperties: false,
            properties: { custodianMsp: { type: 'string', maxLength: 64 } },
        },
        response: {
            type: 'array',
            items: objectSchema({ id: { type: 'string' }, recordIds: { type: 'array', items: { type: 'string' } } }, [
                'id',
            ]),
        },
        handler: async ({ actor, body }) => {
            const receipts = await client(actor.session).eraseRecords(body.custodianMsp);
            // The documents this gateway holds for the erased records: their keys and bytes are destroyed.
            await context.documents.erase(receipts.flatMap((receipt) => receipt.recordIds));
            return receipts;
        },
    });

    defineRoute<{ id: string }, { custodianMsp?: string }>(app, context, {
        method: 'GET',
        url: '/ehr/records/:id/erasure-proof',
        tag,
        summary: 'Evidence that an erased record and its location are gone',
        params: idParams('id'),
        querystring: { type: 'object', properties: { custodianMsp: { type: 'string', maxLength: 64 } } },
        response: objectSchema({ recordId: { type: 'string' }, pointerErased: { type: 'boolean' } }, ['recordId']),
        handler: async ({ actor, params, query }) => client(actor.session).verifyErasure(params.id, query.custodianMsp),
    });
}

/** `me` in a path stands for the caller (the contract reads the patient id from the certificate). */
function me(patientId: string): string {
    return patientId === 'me' ? '' : patientId;
}

/**
 * A denied read is recorded on the ledger (the access transaction commits its audit entry) and
 * answered 403 with the reason and the id of that audit entry, like every other refusal.
 */
export function allowedOrDenied<
    T extends { access: { allowed: boolean; audit: { id: string; outcomeDesc?: string } } },
>(read: T): T {
    if (read.access.allowed) {
        return read;
    }
    const reason = read.access.audit.outcomeDesc ?? 'denied';
    throw new AuditedDenial(
        `access denied (${reason}): ${denialReasons[reason] ?? reason}; recorded in audit entry ${read.access.audit.id}`,
        read.access.audit.id,
        read.access.audit.id,
    );
}
