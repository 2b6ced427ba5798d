import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common/contract';
import { forbidden, notFound } from '../common/errors';
import { emitEvent } from '../common/events';
import { toBytes } from '../common/json';
import { pageByPartialKey, parsePageSize, type Page } from '../common/pagination';
import { txTimeIso } from '../common/time';
import { requireOneOf, requireSha256Hex } from '../common/validation';
import { requireActor, requireIssuerOrgAdminOrRegulator } from './authority';
import { requireMspId } from './input';
import { CredentialKeyTypes, statusListHistoryKey, statusListKey } from './keys';
import { findCredential, readJson } from './store';
import {
    StatusListLength,
    StatusPurposes,
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
}
