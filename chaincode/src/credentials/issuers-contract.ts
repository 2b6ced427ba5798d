import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common/contract';
import { conflict, invalidArgument, notFound } from '../common/errors';
import { emitEvent } from '../common/events';
import { Roles, type Role } from '../common/identity';
import { toBytes } from '../common/json';
import { pageByPartialKey, parsePageSize, type Page } from '../common/pagination';
import { txTimeIso } from '../common/time';
import { parseJsonArg, requireArray, requireOneOf } from '../common/validation';
import { requireRegistryManager } from './authority';
import { requireCredentialType, requireMspId, requireReason } from './input';
import { CredentialKeyTypes, issuerKey } from './keys';
import { findIssuer } from './store';
import { SubjectScopes, type RegisterIssuerInput, type TrustedIssuer } from './types';

/**
 * The issuer registry: which org, through which roles, may issue which credential type.
 * The regulator org's admins manage it (the consortium agreement gives the regulator that
 * role); everyone on the channel may read it.
 */
@Info({ title: 'Credential issuers', description: 'Registry of trusted credential issuers' })
export class CredentialIssuersContract extends CareLedgerContract {
    constructor() {
        super('credentials-issuers');
    }

    /**
     * Trusts `mspId` to issue `type` through identities of `roles`. Re-trusts a withdrawn
     * issuer (with the new roles and scope); CONFLICT if it is already trusted.
     */
    @Transaction()
    @Returns('string')
    async RegisterIssuer(ctx: Context, issuer: string): Promise<string> {
        const input = parseJsonArg<RegisterIssuerInput>(issuer, 'issuer');
        const type = requireCredentialType(input.type, 'issuer.type');
        const mspId = requireMspId(input.mspId, 'issuer.mspId');
        const roles = requireArray<unknown>(input.roles, 'issuer.roles', { min: 1, max: Roles.length }).map((role, i) =>
            requireOneOf<Role>(role, `issuer.roles[${i}]`, Roles),
        );
        if (new Set(roles).size !== roles.length) {
            throw invalidArgument('issuer.roles', 'must not repeat a role');
        }
        if (roles.includes('patient')) {
            throw invalidArgument('issuer.roles', 'patients do not issue professional credentials');
        }
        const subjectScope =
            input.subjectScope === undefined
                ? 'own-org'
                : requireOneOf(input.subjectScope, 'issuer.subjectScope', SubjectScopes);
        const actor = requireRegistryManager(ctx);

        const existing = await findIssuer(ctx, mspId, type);
        if (existing?.status === 'trusted') {
            throw conflict(`${mspId} is already a trusted issuer of ${type}`, 'issuer');
        }
        const now = txTimeIso(ctx);
        const entry: TrustedIssuer = {
            mspId,
            type,
            roles: [...roles].sort(),
            subjectScope,
            status: 'trusted',
            registeredAt: existing?.registeredAt ?? now,
            updatedAt: now,
            updatedBy: actor,
            txId: ctx.stub.getTxID(),
        };
        await ctx.stub.putState(issuerKey(ctx, mspId, type), toBytes(entry));
        emitEvent(ctx, 'credentials.IssuerRegistered', entry);
        return JSON.stringify(entry);
    }

    /**
     * Withdraws trust: from now on nothing `mspId` issued of `type` verifies as valid, and it
     * can no longer issue, renew or reinstate. Its credentials keep their own status.
     */
    @Transaction()
    @Returns('string')
    async WithdrawIssuer(
        ctx: Context,
        type: string,
        mspId: string,
        reasonCode: string,
        reasonReference: string,
    ): Promise<string> {
        const credentialType = requireCredentialType(type, 'type');
        const issuerMsp = requireMspId(mspId, 'mspId');
        const reason = requireReason(reasonCode, reasonReference);
        const actor = requireRegistryManager(ctx);

        const existing = await findIssuer(ctx, issuerMsp, credentialType);
        if (!existing) {
            throw notFound('issuer', `${issuerMsp}/${credentialType}`);
        }
        if (existing.status === 'withdrawn') {
            throw conflict(`trust in ${issuerMsp} as issuer of ${credentialType} is already withdrawn`, 'issuer');
        }
        const entry: TrustedIssuer = {
            ...existing,
            status: 'withdrawn',
            reason,
            updatedAt: txTimeIso(ctx),
            updatedBy: actor,
            txId: ctx.stub.getTxID(),
        };
        await ctx.stub.putState(issuerKey(ctx, issuerMsp, credentialType), toBytes(entry));
        emitEvent(ctx, 'credentials.IssuerWithdrawn', entry);
        return JSON.stringify(entry);
    }

    @Transaction(false)
    @Returns('string')
    async GetIssuer(ctx: Context, type: string, mspId: string): Promise<string> {
        const credentialType = requireCredentialType(type, 'type');
        const issuerMsp = requireMspId(mspId, 'mspId');
        const entry = await findIssuer(ctx, issuerMsp, credentialType);
        if (!entry) {
            throw notFound('issuer', `${issuerMsp}/${credentialType}`);
        }
        return JSON.stringify(entry);
    }

    /** Registry entries, by org then type; `mspId` (optional) limits the page to one org. */
    @Transaction(false)
    @Returns('string')
    async ListIssuers(ctx: Context, mspId: string, pageSize: string, bookmark: string): Promise<string> {
        const attributes = mspId ? [requireMspId(mspId, 'mspId')] : [];
        const page: Page<TrustedIssuer> = await pageByPartialKey<TrustedIssuer>(
            ctx,
            CredentialKeyTypes.issuer,
            attributes,
            parsePageSize(pageSize),
            bookmark ?? '',
        );
        return JSON.stringify(page);
    }
}
