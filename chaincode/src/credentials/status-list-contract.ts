import { createHash } from 'node:crypto';
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common/contract';
import { conflict, forbidden, invalidArgument, notFound } from '../common/errors';
import { emitEvent } from '../common/events';
import { toBytes } from '../common/json';
import { pageByPartialKey, parsePageSize, type Page } from '../common/pagination';
import { txTimeIso } from '../common/time';
import {
    parseJsonArg,
    requireId,
    requireInteger,
    requireOneOf,
    requireSha256Hex,
    requireString,
} from '../common/validation';
import { requireActor, requireIssuerOrgAdminOrRegulator } from './authority';
import { requireMspId } from './input';
import {
    CredentialKeyTypes,
    statusListCredentialKey,
    statusListHistoryKey,
    statusListKey,
    verifiableCredentialKey,
} from './keys';
import { findCredential, readJson } from './store';
import {
    StatusListLength,
    StatusPurposes,
    type PublishedCredential,
    type PublishedStatusList,
    type StatusListAnchor,
    type StatusListEntry,
    type StatusPurpose,
} from './types';

/**
 * W3C Bitstring Status List support. The ledger keeps each credential's index and status;
 * the issuer's gateway builds the list from `ListStatusListEntries`, publishes it, and
 * anchors the SHA-256 of the published status list credential here, so an off-ledger
 * verifier can check that the list it fetched is the one the issuer committed to.
 */
@Info({ title: 'Credential status lists', description: 'Bitstring Status List entries and anchors' })
export class CredentialStatusListContract extends CareLedgerContract {
    constructor() {
        super('credentials-status');
    }

    /**
     * Anchors the hash of `issuer`'s published `purpose` list. Only an admin of the issuing
     * org anchors its own lists. Written once per publication, not per credential change.
     */
    @Transaction()
    @Returns('string')
    async AnchorStatusList(ctx: Context, issuer: string, purpose: string, sha256: string): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const statusPurpose = requireOneOf<StatusPurpose>(purpose, 'purpose', StatusPurposes);
        const digest = requireSha256Hex(sha256, 'sha256');
        const anchor = await writeAnchor(ctx, issuerMsp, statusPurpose, digest);
        return JSON.stringify(anchor);
    }

    /** The latest anchor of `issuer`'s `purpose` list. */
    @Transaction(false)
    @Returns('string')
    async GetStatusListAnchor(ctx: Context, issuer: string, purpose: string): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const statusPurpose = requireOneOf<StatusPurpose>(purpose, 'purpose', StatusPurposes);
        const anchor = await readJson<StatusListAnchor>(ctx, statusListKey(ctx, issuerMsp, statusPurpose));
        if (!anchor) {
            throw notFound('status list anchor', `${issuerMsp}/${statusPurpose}`);
        }
        return JSON.stringify(anchor);
    }

    /** Every anchor of `issuer`'s `purpose` list, oldest first. */
    @Transaction(false)
    @Returns('string')
    async ListStatusListAnchors(
        ctx: Context,
        issuer: string,
        purpose: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const statusPurpose = requireOneOf<StatusPurpose>(purpose, 'purpose', StatusPurposes);
        const page: Page<StatusListAnchor> = await pageByPartialKey<StatusListAnchor>(
            ctx,
            CredentialKeyTypes.statusListHistory,
            [issuerMsp, statusPurpose],
            parsePageSize(pageSize),
            bookmark ?? '',
        );
        return JSON.stringify(page);
    }

    /**
     * `issuer`'s claimed status list slots in index order, each with its credential's current
     * status: what the gateway needs to set the revocation and suspension bits. For the
     * regulator or an admin of the issuing org.
     */
    @Transaction(false)
    @Returns('string')
    async ListStatusListEntries(ctx: Context, issuer: string, pageSize: string, bookmark: string): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const size = parsePageSize(pageSize);
        requireIssuerOrgAdminOrRegulator(ctx, issuerMsp);
        const page: Page<StatusListEntry> = await pageByPartialKey<{ credentialId: string }, StatusListEntry>(
            ctx,
            CredentialKeyTypes.statusSlot,
            [issuerMsp],
            size,
            bookmark ?? '',
            async ({ credentialId }) => {
                const credential = await findCredential(ctx, credentialId);
                return (
                    credential && {
                        statusListIndex: credential.statusListIndex,
                        credentialId,
                        status: credential.status,
                    }
                );
            },
        );
        return JSON.stringify(page);
    }

    /**
     * Publishes `issuer`'s signed `purpose` status list credential: kept whole, so every org's
     * gateway serves the same bytes for any issuer's list, and anchored (SHA-256 of exactly these
     * bytes). Only an admin of the issuing org publishes its lists. The signature is the
     * verifier's to check (the chaincode has no JSON-LD processor); this checks the list is
     * the issuer's, for this purpose, and carries a proof.
     */
    @Transaction()
    @Returns('string')
    async PublishStatusList(ctx: Context, issuer: string, purpose: string, credential: string): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const statusPurpose = requireOneOf<StatusPurpose>(purpose, 'purpose', StatusPurposes);
        const text = requireString(credential, 'credential', { max: 64 * 1024 });
        const document = parseJsonArg<{
            type?: unknown;
            issuer?: unknown;
            credentialSubject?: { statusPurpose?: unknown; encodedList?: unknown };
            proof?: unknown;
        }>(text, 'credential');
        if (!Array.isArray(document.type) || !document.type.includes('BitstringStatusListCredential')) {
            throw invalidArgument('credential.type', 'must include BitstringStatusListCredential');
        }
        if (typeof document.issuer !== 'string' || !document.issuer.endsWith(`:${issuerMsp}`)) {
            throw invalidArgument('credential.issuer', `must be the issuer DID of ${issuerMsp}`);
        }
        if (document.credentialSubject?.statusPurpose !== statusPurpose) {
            throw invalidArgument('credential.credentialSubject.statusPurpose', `must be ${statusPurpose}`);
        }
        if (typeof document.credentialSubject?.encodedList !== 'string') {
            throw invalidArgument('credential.credentialSubject.encodedList', 'is required');
        }
        if (typeof document.proof !== 'object' || document.proof === null) {
            throw invalidArgument('credential.proof', 'a published status list must be signed');
        }
        const digest = createHash('sha256').update(text, 'utf8').digest('hex');
        const anchor = await writeAnchor(ctx, issuerMsp, statusPurpose, digest);
        const published: PublishedStatusList = { credential: text, anchor };
        await ctx.stub.putState(statusListCredentialKey(ctx, issuerMsp, statusPurpose), toBytes(published));
        return JSON.stringify(anchor);
    }

    /**
     * Records the block the latest publication of `issuer`'s `purpose` list committed in. Only an
     * admin of the issuer, only for the latest anchor (`txId`), only once.
     */
    @Transaction()
    @Returns('string')
    async RecordStatusListBlock(
        ctx: Context,
        issuer: string,
        purpose: string,
        txId: string,
        blockNumber: string,
    ): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const statusPurpose = requireOneOf<StatusPurpose>(purpose, 'purpose', StatusPurposes);
        const anchoredTx = requireString(txId, 'txId', { max: 128 });
        const block = requireInteger(blockNumber, 'blockNumber', { min: 0 });
        const actor = requireActor(ctx);
        if (actor.mspId !== issuerMsp || actor.role !== 'admin') {
            throw forbidden(
                `only an admin of ${issuerMsp} records its anchors; caller is ${actor.role} of ${actor.mspId}`,
            );
        }
        const published = await readJson<PublishedStatusList>(
            ctx,
            statusListCredentialKey(ctx, issuerMsp, statusPurpose),
        );
        if (!published || published.anchor.txId !== anchoredTx) {
            throw conflict(
                `${anchoredTx} is not the latest publication of ${issuerMsp}'s ${statusPurpose} list`,
                'txId',
            );
        }
        if (published.anchor.blockNumber !== undefined) {
            throw conflict(`the block of ${anchoredTx} is already recorded`, 'blockNumber');
        }
        const anchor: StatusListAnchor = { ...published.anchor, blockNumber: block };
        await ctx.stub.putState(statusListKey(ctx, issuerMsp, statusPurpose), toBytes(anchor));
        await ctx.stub.putState(
            statusListHistoryKey(ctx, issuerMsp, statusPurpose, anchor.anchoredAt, anchor.txId),
            toBytes(anchor),
        );
        await ctx.stub.putState(
            statusListCredentialKey(ctx, issuerMsp, statusPurpose),
            toBytes({ ...published, anchor }),
        );
        return JSON.stringify(anchor);
    }

    /** `issuer`'s latest published `purpose` status list credential with its anchor; any channel member reads it. */
    @Transaction(false)
    @Returns('string')
    async GetStatusListCredential(ctx: Context, issuer: string, purpose: string): Promise<string> {
        const issuerMsp = requireMspId(issuer, 'issuer');
        const statusPurpose = requireOneOf<StatusPurpose>(purpose, 'purpose', StatusPurposes);
        const published = await readJson<PublishedStatusList>(
            ctx,
            statusListCredentialKey(ctx, issuerMsp, statusPurpose),
        );
        if (!published) {
            throw notFound('status list credential', `${issuerMsp}/${statusPurpose}`);
        }
        return JSON.stringify(published);
    }

    /**
     * Keeps the signed W3C VC of `credentialId` that its issuer's gateway made, so every org's
     * gateway serves it (the holder's included). Only an admin of the issuing org, once per
     * credential (a renewal is a new credential); the document must name this credential, its
     * issuer's DID and carry a proof (the signature is the verifier's to check).
     */
    @Transaction()
    @Returns('string')
    async PublishCredentialDocument(ctx: Context, credentialId: string, credential: string): Promise<string> {
        const id = requireId(credentialId, 'credentialId');
        const text = requireString(credential, 'credential', { max: 64 * 1024 });
        const document = parseJsonArg<{ id?: unknown; issuer?: unknown; proof?: unknown }>(text, 'credential');
        const stored = await findCredential(ctx, id);
        if (!stored) {
            throw notFound('credential', id);
        }
        const actor = requireActor(ctx);
        if (actor.mspId !== stored.issuer.mspId || actor.role !== 'admin') {
            throw forbidden(
                `only an admin of ${stored.issuer.mspId} publishes its credentials; caller is ${actor.role} of ${actor.mspId}`,
            );
        }
        if (document.id !== `urn:careledger:attestation:${encodeURIComponent(id)}`) {
            throw invalidArgument('credential.id', `must be urn:careledger:attestation:${encodeURIComponent(id)}`);
        }
        if (typeof document.issuer !== 'string' || !document.issuer.endsWith(`:${stored.issuer.mspId}`)) {
            throw invalidArgument('credential.issuer', `must be the issuer DID of ${stored.issuer.mspId}`);
        }
        if (typeof document.proof !== 'object' || document.proof === null) {
            throw invalidArgument('credential.proof', 'a published credential must be signed');
        }
        if (await readJson<PublishedCredential>(ctx, verifiableCredentialKey(ctx, id))) {
            throw conflict(`credential ${id} is already published`, 'credentialId');
        }
        const published: PublishedCredential = {
            credentialId: id,
            credential: text,
            publishedAt: txTimeIso(ctx),
            publishedBy: actor,
            txId: ctx.stub.getTxID(),
        };
        await ctx.stub.putState(verifiableCredentialKey(ctx, id), toBytes(published));
        return JSON.stringify(published);
    }

    /** The signed W3C VC of `credentialId`, as its issuer published it; any channel member reads it. */
    @Transaction(false)
    @Returns('string')
    async GetCredentialDocument(ctx: Context, credentialId: string): Promise<string> {
        const id = requireId(credentialId, 'credentialId');
        const published = await readJson<PublishedCredential>(ctx, verifiableCredentialKey(ctx, id));
        if (!published) {
            throw notFound('verifiable credential', id);
        }
        return JSON.stringify(published);
    }
}

/** Records `digest` as the latest anchor of the list and in its history; only the issuer's admin anchors. */
async function writeAnchor(
    ctx: Context,
    issuerMsp: string,
    statusPurpose: StatusPurpose,
    digest: string,
): Promise<StatusListAnchor> {
    const actor = requireActor(ctx);
    if (actor.mspId !== issuerMsp || actor.role !== 'admin') {
        throw forbidden(
            `only an admin of ${issuerMsp} anchors its status lists; caller is ${actor.role} of ${actor.mspId}`,
        );
    }
    const anchor: StatusListAnchor = {
        issuer: issuerMsp,
        purpose: statusPurpose,
        sha256: digest,
        listLength: StatusListLength,
        anchoredAt: txTimeIso(ctx),
        anchoredBy: actor,
        txId: ctx.stub.getTxID(),
    };
    await ctx.stub.putState(statusListKey(ctx, issuerMsp, statusPurpose), toBytes(anchor));
    await ctx.stub.putState(
        statusListHistoryKey(ctx, issuerMsp, statusPurpose, anchor.anchoredAt, anchor.txId),
        toBytes(anchor),
    );
    emitEvent(ctx, 'credentials.StatusListAnchored', anchor);
    return anchor;
}
