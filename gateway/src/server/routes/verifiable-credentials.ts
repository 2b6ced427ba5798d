import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PublishedStatusList } from '@careledger/chaincode';
import type { CredentialsClient, StatusListPurpose } from '../../credentials';
import { CredentialVerifier } from '../../credentials/verifier';
import { LedgerError, type LedgerSession } from '../../ledger';
import { VcMediaType, VpMediaType } from '../../standards/vc';
import { CareLedgerContext, CareLedgerContextPath } from '../../standards/vc/careledger-context';
import { didDocument, DidsPath, issuerDid } from '../../standards/vc/did-web';
import type { GatewayContext } from '../context';
import { commonErrors, errorResponses } from '../errors';
import { anyObject, defineRoute, idParams, objectSchema } from './define';

/**
 * W3C VC 2.0 faces of the credentials domain: signed credentials and status lists (served from
 * the ledger, so every org's gateway gives the same bytes for any issuer), issuer DID documents
 * (did:web, keys from the ledger), CareLedger's JSON-LD context, presentations with a
 * challenge and domain, and verification of credentials and presentations.
 * Media types as VC 2.0 registers them: `application/vc`, `application/vp`.
 */
const purposeParams = {
    type: 'object',
    required: ['issuer', 'purpose'],
    properties: {
        issuer: { type: 'string', maxLength: 64 },
        purpose: { type: 'string', enum: ['revocation', 'suspension'] },
    },
};
const problemsSchema = {
    type: 'array',
    items: objectSchema({ code: { type: 'string' }, message: { type: 'string' } }, ['code', 'message']),
};
const verificationSchema = objectSchema(
    {
        verified: { type: 'boolean' },
        id: { type: 'string' },
        issuer: { type: 'string' },
        holder: { type: 'string' },
        problems: problemsSchema,
        credentials: { type: 'array', items: anyObject },
    },
    ['verified', 'problems'],
);
const documentResponse = (description: string) => ({
    200: { description, type: 'object', additionalProperties: true },
    ...errorResponses(...commonErrors),
});

export function publishedVc(
    app: FastifyInstance,
    context: GatewayContext,
    client: (session: LedgerSession) => CredentialsClient,
): void {
    /** Reads anyone may make: as the org's admin, queries only (the public documents of the ledger). */
    const reader = async () => client(context.connect(await context.ledger.identities.get(context.org, 'admin')));
    const send = (reply: FastifyReply, type: string, text: string) =>
        reply.type(type).header('cache-control', 'no-cache').send(text);

    defineRoute<{ id: string }>(app, context, {
        method: 'GET',
        url: '/credentials/:id/vc',
        tag: 'standards',
        summary: 'The credential as a signed W3C Verifiable Credential 2.0 (application/vc)',
        description:
            'Data Integrity proof (ecdsa-rdfc-2019, P-256) by the issuing org’s key; issuer is its did:web; ' +
            'credentialStatus points at its Bitstring Status Lists. Served from the ledger by every org’s gateway.',
        params: idParams('id'),
        response: { description: 'application/vc', type: 'object', additionalProperties: true },
        handler: async ({ actor, params }, reply) => {
            const credentials = client(actor.session);
            const credential = await credentials.get(params.id);
            let text = await credentials
                .getCredentialDocument(params.id)
                .then((published) => published.credential)
                .catch((error: unknown) => {
                    if (error instanceof LedgerError && error.code === 'NOT_FOUND') return undefined;
                    throw error;
                });
            if (text === undefined) {
                if (credential.issuer.mspId !== context.mspId) {
                    throw new LedgerError(
                        'NOT_FOUND',
                        `${credential.issuer.mspId} has not published the signed credential ${params.id} yet; its gateway does on issue`,
                    );
                }
                text = await context.issuer.publishCredential(credential);
                await context.issuer.ensureStatusListsPublished();
            }
            return send(reply, VcMediaType, text);
        },
    });

    app.get<{ Params: { issuer: string; purpose: StatusListPurpose } }>(
        '/credentials/status/:issuer/:purpose',
        {
            schema: {
                tags: ['standards'],
                summary: "Any issuer's signed Bitstring Status List credential (public; application/vc)",
                description:
                    'The list as its issuer signed and published it on the ledger: every org’s gateway serves the same bytes.',
                params: purposeParams,
                response: documentResponse('application/vc'),
            },
        },
        async (request, reply) => {
            const published = await (
                await reader()
            ).getStatusListCredential(request.params.issuer, request.params.purpose);
            return send(reply, VcMediaType, published.credential);
        },
    );

    app.get<{ Params: { issuer: string; purpose: StatusListPurpose } }>(
        '/credentials/status/:issuer/:purpose/anchor',
        {
            schema: {
                tags: ['standards'],
                summary: "The ledger anchor of an issuer's published status list (public)",
                description:
                    'SHA-256 of the status list credential’s exact bytes, the anchoring transaction and its block.',
                params: purposeParams,
                response: {
                    200: objectSchema(
                        {
                            issuer: { type: 'string' },
                            purpose: { type: 'string' },
                            sha256: { type: 'string' },
                            txId: { type: 'string' },
                            anchoredAt: { type: 'string' },
                            blockNumber: { type: 'integer' },
                            statusListCredential: { type: 'string' },
                        },
                        ['issuer', 'purpose', 'sha256', 'txId'],
                    ),
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request) => {
            const published: PublishedStatusList = await (
                await reader()
            ).getStatusListCredential(request.params.issuer, request.params.purpose);
            const { anchoredBy: _by, ...anchor } = published.anchor;
            return { ...anchor, statusListCredential: (JSON.parse(published.credential) as { id: string }).id };
        },
    );

    app.get<{ Params: { issuer: string } }>(
        `${DidsPath}/:issuer/did.json`,
        {
            schema: {
                tags: ['standards'],
                description: 'A path of any MSP id: an org that is not in the consortium, or has bound no key, is 404.',
                summary: "An org's issuer DID document (did:web; public; keys as the ledger binds them)",
                params: idParams('issuer'),
                response: documentResponse('application/did+json'),
            },
        },
        async (request, reply) => {
            const keys = await (
                await reader()
            )
                .allIssuerKeys(request.params.issuer)
                .catch(noSuchOrg(request.params.issuer));
            const active = keys.filter((k) => k.status === 'active').map((k) => k.publicKeyMultibase);
            if (active.length === 0) {
                throw new LedgerError('NOT_FOUND', `the ledger binds no issuing key to ${request.params.issuer}`);
            }
            const document = didDocument(issuerDid(context.publicUrl, request.params.issuer), active);
            return send(reply, 'application/did+json', JSON.stringify(document));
        },
    );

    app.get<{ Params: { mspId: string; type: string } }>(
        '/credentials/issuers/:mspId/:type',
        {
            schema: {
                tags: ['standards'],
                summary: 'Does the consortium trust this org to issue this credential type? (public registry entry)',
                params: idParams('mspId', 'type'),
                response: {
                    200: objectSchema(
                        { mspId: { type: 'string' }, type: { type: 'string' }, status: { type: 'string' } },
                        ['mspId', 'type', 'status'],
                    ),
                    ...errorResponses(...commonErrors),
                },
            },
        },
        async (request) => {
            const {
                roles: _roles,
                updatedBy: _by,
                ...entry
            } = await (await reader()).getIssuer(request.params.type, request.params.mspId);
            return entry;
        },
    );

    app.get(
        CareLedgerContextPath,
        {
            schema: {
                tags: ['standards'],
                summary: "CareLedger's JSON-LD context for its credentials (public)",
                response: documentResponse('application/ld+json'),
            },
        },
        async (_request, reply) => send(reply, 'application/ld+json', JSON.stringify(CareLedgerContext)),
    );

    defineRoute<never, never, { credentialIds: string[]; challenge: string; domain: string }>(app, context, {
        method: 'POST',
        url: '/presentations/prove',
        tag: 'standards',
        summary: 'Wrap credentials in a signed Verifiable Presentation with the verifier’s challenge and domain',
        description:
            'The holder (a credential’s subject, or an admin of the subject’s org) asks its own org’s gateway, which ' +
            'signs as holder (proofPurpose authentication) with the org’s key: a custodial wallet. application/vp.',
        body: {
            type: 'object',
            required: ['credentialIds', 'challenge', 'domain'],
            additionalProperties: false,
            properties: {
                credentialIds: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 128 } },
                challenge: { type: 'string', minLength: 8, maxLength: 256 },
                domain: { type: 'string', minLength: 1, maxLength: 256 },
            },
        },
        response: { description: 'application/vp', type: 'object', additionalProperties: true },
        handler: async ({ actor, body }, reply) => {
            const credentials = client(actor.session);
            const whoAmI = actor.identity.mspId;
            const documents: object[] = [];
            for (const id of body.credentialIds) {
                // The holder's right to the credential: the ledger decides (history is readable by the
                // subject and its org's admins, and by the issuer and regulator, who are not holders).
                const credential = await credentials.get(id);
                if (credential.subject.mspId !== context.mspId || whoAmI !== context.mspId) {
                    throw new LedgerError(
                        'FORBIDDEN',
                        `${id} is held by a practitioner of ${credential.subject.mspId}`,
                    );
                }
                await credentials.history(id, { pageSize: 1 });
                const published = await credentials.getCredentialDocument(id).catch((error: unknown) => {
                    if (error instanceof LedgerError && error.code === 'NOT_FOUND') {
                        throw new LedgerError(
                            'CONFLICT',
                            `${id} has no signed credential yet: its issuer publishes it`,
                        );
                    }
                    throw error;
                });
                documents.push(JSON.parse(published.credential) as object);
            }
            const presentation = await context.issuer.presentation(documents, {
                challenge: body.challenge,
                domain: body.domain,
            });
            return send(reply, VpMediaType, JSON.stringify(presentation));
        },
    });

    defineRoute<never, never, { verifiableCredential: unknown }>(app, context, {
        method: 'POST',
        url: '/credentials/verify',
        public: true,
        tag: 'standards',
        summary: 'Verify a W3C Verifiable Credential (proof, issuer key and trust on the ledger, validity, status)',
        body: {
            type: 'object',
            required: ['verifiableCredential'],
            additionalProperties: false,
            properties: { verifiableCredential: anyObject, options: anyObject },
        },
        response: verificationSchema,
        handler: async ({ actor, body }) =>
            new CredentialVerifier(client(actor.session)).verifyCredential(body.verifiableCredential),
    });

    defineRoute<never, never, { verifiablePresentation: unknown; options?: { challenge?: string; domain?: string } }>(
        app,
        context,
        {
            method: 'POST',
            url: '/presentations/verify',
            public: true,
            tag: 'standards',
            summary:
                'Verify a Verifiable Presentation: holder proof with the expected challenge and domain, and each credential',
            body: {
                type: 'object',
                required: ['verifiablePresentation', 'options'],
                additionalProperties: false,
                properties: {
                    verifiablePresentation: anyObject,
                    options: {
                        type: 'object',
                        required: ['challenge', 'domain'],
                        additionalProperties: false,
                        properties: {
                            challenge: { type: 'string', maxLength: 256 },
                            domain: { type: 'string', maxLength: 256 },
                        },
                    },
                },
            },
            response: verificationSchema,
            handler: async ({ actor, body }) =>
                new CredentialVerifier(client(actor.session)).verifyPresentation(
                    body.verifiablePresentation,
                    body.options,
                ),
        },
    );
}

/** A DID or registry entry of an org the consortium does not have is not found (not a malformed request). */
function noSuchOrg(mspId: string) {
    return (error: unknown): never => {
        if (error instanceof LedgerError && error.code === 'INVALID_ARGUMENT' && error.options.field === 'mspId') {
            throw new LedgerError('NOT_FOUND', `no org ${mspId} in this consortium`);
        }
        throw error;
    };
}
