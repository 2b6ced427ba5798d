import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
    StatusListLength,
    StatusReasonCodes,
    type IssueCredentialInput,
    type RegisterIssuerInput,
    type RenewCredentialInput,
    type StatusReason,
} from '@careledger/chaincode';
import { CredentialsClient, type StatusListPurpose } from '../../credentials';
import type { LedgerSession } from '../../ledger';
import { attestationCredential, attestationOf, statusIndexes, statusListCredential } from '../../standards/vc';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses, forbiddenHere } from '../errors';
import { anyObject, defineRoute, idParams, objectSchema, pageOf, pageQuery, type PageQuery } from './define';

const actorSchema = objectSchema({ mspId: { type: 'string' }, actorId: { type: 'string' }, role: { type: 'string' } });
const practitionerSchema = {
    type: 'object',
    required: ['mspId', 'actorId'],
    additionalProperties: false,
    properties: { mspId: { type: 'string', maxLength: 64 }, actorId: { type: 'string', maxLength: 128 } },
};
const credentialSchema = objectSchema(
    {
        id: { type: 'string' },
        type: { type: 'string' },
        version: { type: 'integer' },
        subject: actorSchema,
        issuer: actorSchema,
        commitment: { type: 'string' },
        validFrom: { type: 'string' },
        validUntil: { type: 'string' },
        status: { type: 'string', enum: ['active', 'suspended', 'revoked'] },
        statusListIndex: { type: 'integer' },
        txId: { type: 'string' },
        verdict: { type: 'string' },
    },
    ['id', 'type', 'subject', 'issuer', 'status', 'statusListIndex'],
);
const issuerSchema = objectSchema(
    {
        mspId: { type: 'string' },
        type: { type: 'string' },
        roles: { type: 'array', items: { type: 'string' } },
        status: { type: 'string' },
    },
    ['mspId', 'type', 'status'],
);
const reasonBody = {
    type: 'object',
    required: ['code'],
    additionalProperties: false,
    properties: {
        code: { type: 'string', enum: [...StatusReasonCodes] },
        reference: { type: 'string', maxLength: 128 },
    },
};
const verdictSchema = objectSchema(
    {
        credentialId: { type: 'string' },
        verdict: { type: 'string' },
        reason: { type: 'string' },
        checkedAt: { type: 'string' },
    },
    ['verdict', 'reason'],
);
const purposeParams = {
    type: 'object',
    required: ['issuer', 'purpose'],
    properties: {
        issuer: { type: 'string', maxLength: 64 },
        purpose: { type: 'string', enum: ['revocation', 'suspension'] },
    },
};
const statusChanges = [
    ['suspend', 'Suspend (issuer or regulator, with a reason)'],
    ['reinstate', 'Lift a suspension'],
    ['revoke', 'Revoke: final'],
] as const;

export function credentialRoutes(app: FastifyInstance, context: GatewayContext): void {
    const client = (session: LedgerSession) => new CredentialsClient(session);
    const tag = 'credentials';

    defineRoute<never, { mspId?: string } & PageQuery>(app, context, {
        method: 'GET',
        url: '/credentials/issuers',
        tag,
        summary: 'Trusted issuers registry',
        querystring: {
            ...pageQuery,
            properties: { ...pageQuery.properties, mspId: { type: 'string', maxLength: 64 } },
        },
        response: pageOf(issuerSchema),
        handler: async ({ actor, query }) => client(actor.session).listIssuers(query),
    });

    defineRoute<never, never, RegisterIssuerInput>(app, context, {
        method: 'POST',
        url: '/credentials/issuers',
        tag,
        summary: 'Trust an org to issue a credential type (regulator admins)',
        body: {
            type: 'object',
            required: ['type', 'mspId', 'roles'],
            additionalProperties: false,
            properties: {
                type: { type: 'string', maxLength: 64 },
                mspId: { type: 'string', maxLength: 64 },
                roles: { type: 'array', minItems: 1, items: { type: 'string' } },
                subjectScope: { type: 'string', enum: ['own-org', 'any-org'] },
            },
        },
        status: 201,
        response: issuerSchema,
        handler: async ({ actor, body }) => client(actor.session).registerIssuer(body),
    });

    defineRoute<{ type: string; mspId: string }, never, StatusReason>(app, context, {
        method: 'POST',
        url: '/credentials/issuers/:mspId/:type/withdraw',
        tag,
        summary: 'Withdraw trust from an issuer (regulator admins)',
        params: idParams('mspId', 'type'),
        body: reasonBody,
        response: issuerSchema,
        handler: async ({ actor, params, body }) =>
            client(actor.session).withdrawIssuer(params.type, params.mspId, body),
    });

    defineRoute<never, never, IssueCredentialInput>(app, context, {
        method: 'POST',
        url: '/credentials',
        tag,
        summary: 'Issue a credential (attestation) to a practitioner',
        description:
            'Only the salted commitment of the credential document reaches the ledger; the holder keeps document and salt.',
        body: {
            type: 'object',
            required: ['id', 'type', 'subject', 'commitment'],
            additionalProperties: false,
            properties: {
                id: { type: 'string', maxLength: 128 },
                type: { type: 'string', maxLength: 64 },
                subject: practitionerSchema,
                commitment: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                validFrom: { type: 'string', maxLength: 40 },
                validUntil: { type: 'string', maxLength: 40 },
            },
        },
        status: 201,
        response: credentialSchema,
        handler: async ({ actor, body }) => client(actor.session).issue(body),
    });

    defineRoute<{ id: string }, never, Omit<RenewCredentialInput, 'previousId'>>(app, context, {
        method: 'POST',
        url: '/credentials/:id/renew',
        tag,
        summary: 'Renew: a new version replaces the current one',
        params: idParams('id'),
        body: {
            type: 'object',
            required: ['id', 'commitment'],
            additionalProperties: false,
            properties: {
                id: { type: 'string', maxLength: 128 },
                commitment: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                validFrom: { type: 'string', maxLength: 40 },
                validUntil: { type: 'string', maxLength: 40 },
            },
        },
        status: 201,
        response: credentialSchema,
        handler: async ({ actor, params, body }) => client(actor.session).renew({ ...body, previousId: params.id }),
    });

    for (const [action, summary] of statusChanges) {
        defineRoute<{ id: string }, never, StatusReason>(app, context, {
            method: 'POST',
            url: `/credentials/:id/${action}`,
            tag,
            summary,
            params: idParams('id'),
            body: reasonBody,
            response: credentialSchema,
            handler: async ({ actor, params, body }) => client(actor.session)[action](params.id, body),
        });
    }

    defineRoute<{ id: string }>(app, context, {
        method: 'GET',
        url: '/credentials/:id',
        tag,
        summary: 'A credential with its verdict now',
        params: idParams('id'),
        response: credentialSchema,
        handler: async ({ actor, params }) => client(actor.session).get(params.id),
    });

    defineRoute<{ id: string }>(app, context, {
        method: 'GET',
        url: '/credentials/:id/vc',
        tag: 'standards',
        summary: 'The credential as a W3C Verifiable Credential 2.0 with BitstringStatusListEntry credentialStatus',
        params: idParams('id'),
        response: objectSchema(
            {
                '@context': { type: 'array', items: { type: 'string' } },
                id: { type: 'string' },
                type: { type: 'array', items: { type: 'string' } },
                issuer: { type: 'string' },
                validFrom: { type: 'string' },
                validUntil: { type: 'string' },
                credentialSubject: anyObject,
                credentialStatus: { type: 'array', items: anyObject },
            },
            ['@context', 'type', 'issuer', 'validFrom', 'credentialSubject', 'credentialStatus'],
        ),
        handler: async ({ actor, params }) =>
            attestationCredential(attestationOf(await client(actor.session).get(params.id)), {
                baseUrl: context.publicUrl,
            }),
    });

    defineRoute<
        { id: string },
        never,
        { documentSha256?: string; salt?: string; commitment?: string; document?: string }
    >(app, context, {
        method: 'POST',
        url: '/credentials/:id/verify',
        public: true,
        tag,
        summary: 'Verify a presented credential: document (base64) + salt, or its SHA-256 + salt, or the commitment',
        description:
            'A document is hashed in this gateway; only its SHA-256 and the salt reach the ledger, in a query.',
        params: idParams('id'),
        body: {
            type: 'object',
            additionalProperties: false,
            properties: {
                document: { type: 'string', contentEncoding: 'base64', maxLength: 12_000_000 },
                documentSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                salt: { type: 'string', maxLength: 128 },
                commitment: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            },
        },
        response: verdictSchema,
        handler: async ({ actor, params, body }) => {
            const credentials = client(actor.session);
            if (body.commitment) {
                return credentials.verify(params.id, { commitment: body.commitment });
            }
            const salt = body.salt ?? '';
            if (body.document !== undefined) {
                return credentials.verify(params.id, { document: Buffer.from(body.document, 'base64'), salt });
            }
            return credentials.verify(params.id, { documentSha256: body.documentSha256 ?? '', salt });
        },
    });

    defineRoute<{ id: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/credentials/:id/history',
        tag,
        summary: "A credential's status changes",
        params: idParams('id'),
        querystring: pageQuery,
        response: pageOf(anyObject),
        handler: async ({ actor, params, query }) => client(actor.session).history(params.id, query),
    });

    defineRoute<{ mspId: string; actorId: string; type: string }>(app, context, {
        method: 'GET',
        url: '/practitioners/:mspId/:actorId/standing/:type',
        tag,
        summary: 'Does this practitioner hold a valid credential of this type now?',
        params: idParams('mspId', 'actorId', 'type'),
        response: objectSchema(
            { verdict: { type: 'string' }, reason: { type: 'string' }, credentialId: { type: 'string' } },
            ['verdict'],
        ),
        handler: async ({ actor, params }) =>
            client(actor.session).checkPractitioner({ mspId: params.mspId, actorId: params.actorId }, params.type),
    });

    defineRoute<{ mspId: string; actorId: string }, PageQuery>(app, context, {
        method: 'GET',
        url: '/practitioners/:mspId/:actorId/credentials',
        tag,
        summary: "A practitioner's credentials",
        params: idParams('mspId', 'actorId'),
        querystring: pageQuery,
        response: pageOf(credentialSchema),
        handler: async ({ actor, params, query }) =>
            client(actor.session).listBySubject({ mspId: params.mspId, actorId: params.actorId }, query),
    });

    defineRoute<{ issuer: string; purpose: StatusListPurpose }>(app, context, {
        method: 'POST',
        url: '/credentials/status/:issuer/:purpose/anchor',
        tag,
        summary: "Anchor this org's current status list on the ledger (issuer admins)",
        description:
            "Records the SHA-256 of the list's `encodedList`: a verifier can check a fetched list against the ledger.",
        params: purposeParams,
        status: 201,
        response: objectSchema(
            {
                issuer: { type: 'string' },
                purpose: { type: 'string' },
                sha256: { type: 'string' },
                txId: { type: 'string' },
            },
            ['sha256'],
        ),
        handler: async ({ actor, params }) => {
            const list = await buildStatusList(context, params.issuer, params.purpose, client(actor.session));
            return client(actor.session).anchorStatusList(
                params.issuer,
                params.purpose,
                sha256Of((list.credentialSubject as { encodedList: string }).encodedList),
            );
        },
    });

    // Public: verifiers anywhere fetch status lists without an account. The list is built as
    // this org's admin (only the issuer's admins and the regulator may list status entries),
    // which is the org publishing its own list, not a user's action.
    app.get<{ Params: { issuer: string; purpose: StatusListPurpose } }>(
        '/credentials/status/:issuer/:purpose',
        {
            schema: {
                tags: ['standards'],
                summary: "This org's Bitstring Status List credential (public, no token)",
                params: purposeParams,
                response: {
                    200: objectSchema(
                        {
                            '@context': { type: 'array', items: { type: 'string' } },
                            id: { type: 'string' },
                            type: { type: 'array', items: { type: 'string' } },
                            issuer: { type: 'string' },
                            validFrom: { type: 'string' },
                            credentialSubject: objectSchema(
                                {
                                    type: { type: 'string' },
                                    statusPurpose: { type: 'string' },
                                    encodedList: { type: 'string' },
                                },
                                ['type', 'statusPurpose', 'encodedList'],
                            ),
                        },
                        ['@context', 'type', 'issuer', 'credentialSubject'],
                    ),
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request) => {
            const admin = context.connect(await context.ledger.identities.get(context.org, 'admin'));
            return buildStatusList(
                context,
                request.params.issuer,
                request.params.purpose,
                new CredentialsClient(admin),
            );
        },
    );
}

async function buildStatusList(
    context: GatewayContext,
    issuer: string,
    purpose: StatusListPurpose,
    credentials: CredentialsClient,
): Promise<Record<string, unknown>> {
    if (issuer !== context.mspId) {
        throw forbiddenHere(`this gateway publishes ${context.mspId}'s status lists; ask ${issuer}'s gateway`);
    }
    const entries = await credentials.allStatusListEntries(issuer);
    return statusListCredential({
        issuerMspId: issuer,
        purpose,
        setIndexes: statusIndexes(entries, purpose),
        validFrom: new Date().toISOString(),
        urls: { baseUrl: context.publicUrl },
        bits: StatusListLength,
    });
}

/** What the ledger anchors: SHA-256 of the list's encodedList text. */
export function sha256Of(encodedList: string): string {
    return createHash('sha256').update(encodedList, 'utf8').digest('hex');
}
