import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common/contract';
import { conflict, forbidden, invalidArgument, notFound } from '../common/errors';
import { emitEvent } from '../common/events';
import { Roles, type Role } from '../common/identity';
import { toBytes } from '../common/json';
import { pageByPartialKey, parsePageSize, type Page } from '../common/pagination';
import { txTimeIso } from '../common/time';
import { parseJsonArg, requireArray, requireOneOf, requireString } from '../common/validation';
import { requireActor, requireRegistryManager } from './authority';
import { requireCredentialType, requireMspId, requireReason } from './input';
import { CredentialKeyTypes, issuerKey, issuerKeyKey } from './keys';
import { findIssuer, readJson } from './store';
import { SubjectScopes, type IssuerKey, type RegisterIssuerInput, type TrustedIssuer } from './types';

/** A P-256 Multikey: `z` (base58btc) + base58 of 0x80 0x24 and a 33-byte compressed point; always starts `zDn`. */
const P256Multikey = /^zDn[1-9A-HJ-NP-Za-km-z]{44,46}$/;

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

    /**
     * Binds a verification key to the caller's org: the key behind the org's issuer DID, with
     * which its gateway signs credentials (Data Integrity, `ecdsa-rdfc-2019`). Only an admin of
     * the org binds its own keys; the key is public. CONFLICT if already bound.
     */
    @Transaction()
    @Returns('string')
    async BindIssuerKey(ctx: Context, publicKeyMultibase: string): Promise<string> {
        const key = requirePublicKeyMultibase(publicKeyMultibase);
        const actor = requireOrgAdmin(ctx, 'binds');
        const existing = await readJson<IssuerKey>(ctx, issuerKeyKey(ctx, actor.mspId, key));
        if (existing) {
            throw conflict(`key ${key} is already bound to ${actor.mspId} (${existing.status})`, 'publicKeyMultibase');
        }
        const entry: IssuerKey = {
            mspId: actor.mspId,
            publicKeyMultibase: key,
            status: 'active',
            boundAt: txTimeIso(ctx),
            boundBy: actor,
            txId: ctx.stub.getTxID(),
        };
        await ctx.stub.putState(issuerKeyKey(ctx, actor.mspId, key), toBytes(entry));
        emitEvent(ctx, 'credentials.IssuerKeyBound', entry);
        return JSON.stringify(entry);
    }

    /** Retires one of the caller's org's keys: its signatures no longer verify (key compromise or rotation). */
    @Transaction()
    @Returns('string')
    async RetireIssuerKey(ctx: Context, publicKeyMultibase: string): Promise<string> {
        const key = requirePublicKeyMultibase(publicKeyMultibase);
        const actor = requireOrgAdmin(ctx, 'retires');
        const existing = await readJson<IssuerKey>(ctx, issuerKeyKey(ctx, actor.mspId, key));
        if (!existing) {
            throw notFound('issuer key', `${actor.mspId}/${key}`);
        }
        if (existing.status === 'retired') {
            throw conflict(`key ${key} of ${actor.mspId} is already retired`, 'publicKeyMultibase');
        }
        const entry: IssuerKey = {
            ...existing,
            status: 'retired',
            retiredAt: txTimeIso(ctx),
            txId: ctx.stub.getTxID(),
        };
        await ctx.stub.putState(issuerKeyKey(ctx, actor.mspId, key), toBytes(entry));
        emitEvent(ctx, 'credentials.IssuerKeyRetired', entry);
        return JSON.stringify(entry);
    }

    /** The keys bound to `mspId` (active and retired), in key order: what its DID document lists. */
    @Transaction(false)
    @Returns('string')
    async ListIssuerKeys(ctx: Context, mspId: string, pageSize: string, bookmark: string): Promise<string> {
        const page: Page<IssuerKey> = await pageByPartialKey<IssuerKey>(
            ctx,
            CredentialKeyTypes.issuerKey,
            [requireMspId(mspId, 'mspId')],
            parsePageSize(pageSize),
            bookmark ?? '',
        );
        return JSON.stringify(page);
    }
}

function requirePublicKeyMultibase(value: unknown): string {
    return requireString(value, 'publicKeyMultibase', {
        min: 47,
        max: 49,
        pattern: P256Multikey,
        patternRule: 'must be a P-256 Multikey (base58btc, starting "zDn")',
    });
}

function requireOrgAdmin(ctx: Context, verb: string) {
    const actor = requireActor(ctx);
    if (actor.role !== 'admin') {
        throw forbidden(`only an admin ${verb} the org's issuer keys; caller is ${actor.role} of ${actor.mspId}`);
    }
    return actor;
}
