import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
    StatusReasonCodes,
    type Credential,
    type IssueCredentialInput,
    type RegisterIssuerInput,
    type RenewCredentialInput,
    type StatusReason,
} from '@careledger/chaincode';
import { CredentialsClient, documentSha256, type StatusListPurpose } from '../../credentials';
import { LedgerError, type LedgerSession } from '../../ledger';
import type { GatewayContext } from '../context';
import { readModelOf, sourceProperty, stateSource, type VerificationSource } from '../read-model';
import { publishedVc } from './verifiable-credentials';
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
    const ours = (credential: Credential) => credential.issuer.mspId === context.mspId;

    // The issuing org's gateway signs what it issued and publishes it on the ledger, from where
    // every gateway serves it; its first credential also publishes its status lists. A failure
    // here leaves the ledger change standing (it is committed): logged, and retried by
    // GET /credentials/:id/vc and POST /credentials/status/.../anchor.
    async function published(request: FastifyRequest, credential: Credential): Promise<Credential> {
        if (ours(credential)) {
            try {
                await context.issuer.publishCredential({ ...credential, verdict: 'valid' });
                await context.issuer.ensureStatusListsPublished();
            } catch (error) {
                request.log.error(
                    { err: error, credentialId: credential.id },
                    'publishing the signed credential failed',
                );
            }
        }
        return credential;
    }
    async function republish(request: FastifyRequest, credential: Credential, purpose: StatusListPurpose) {
        if (!ours(credential)) return;
        try {
            await context.issuer.publishStatusList(purpose);
        } catch (error) {
            request.log.error({ err: error, purpose }, 'publishing the status list failed');
        }
    }

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
        handler: async ({ actor, body, raw }) => published(raw, await client(actor.session).issue(body)),
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
        handler: async ({ actor, params, body, raw }) =>
            published(raw, await client(actor.session).renew({ ...body, previousId: params.id })),
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
            handler: async ({ actor, params, body, raw }) => {
                const changed = await client(actor.session)[action](params.id, body);
                await republish(raw, changed, action === 'revoke' ? 'revocation' : 'suspension');
                return changed;
            },
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

    defineRoute<
        { id: string },
        { source?: VerificationSource },
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
        querystring: { type: 'object', additionalProperties: false, properties: { source: sourceProperty } },
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
        handler: async ({ actor, params, query, body }, reply) => {
            const salt = body.salt ?? '';
            const proof = body.commitment
                ? { commitment: body.commitment }
                : {
                      documentSha256:
                          body.document !== undefined
                              ? documentSha256(Buffer.from(body.document, 'base64'))
                              : (body.documentSha256 ?? ''),
                      salt,
                  };
            if (query.source === 'index') {
                const answer = await readModelOf(context).verifyCredential(params.id, proof);
                stateSource(reply, answer.readModel);
                return answer;
            }
            stateSource(reply, undefined);
            return client(actor.session).verify(params.id, proof);
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
        summary: "Sign, publish and anchor this org's current status list (issuer admins)",
        description:
            'Builds the Bitstring Status List from the ledger, signs it with the org’s issuing key, keeps it on the ledger ' +
            '(every gateway serves it) and anchors its SHA-256 and block. Status changes made through this gateway do this by themselves.',
        params: purposeParams,
        status: 201,
        response: anchorSchema,
        handler: async ({ actor, params }) => {
            if (params.issuer !== context.mspId) {
                throw new LedgerError(
                    'FORBIDDEN',
                    `this gateway signs ${context.mspId}'s status lists; ${params.issuer}'s gateway signs its own`,
                );
            }
            // Published as the caller: the contract lets only the issuing org's admins publish.
            return context.issuer.publishStatusList(params.purpose, actor.session);
        },
    });

    publishedVc(app, context, client);
}

export const anchorSchema = objectSchema(
    {
        issuer: { type: 'string' },
        purpose: { type: 'string' },
        sha256: { type: 'string' },
        txId: { type: 'string' },
        anchoredAt: { type: 'string' },
        blockNumber: { type: 'integer' },
    },
    ['issuer', 'purpose', 'sha256', 'txId'],
);
