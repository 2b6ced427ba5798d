import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CareLedgerContract } from '../common/contract';
import { conflict, forbidden, invalidArgument, notFound } from '../common/errors';
import { emitEvent } from '../common/events';
import { toBytes } from '../common/json';
import { pageByPartialKey, parsePageSize, type Page } from '../common/pagination';
import { txTime, txTimeIso } from '../common/time';
import { parseJsonArg, requireId, requireSha256Hex } from '../common/validation';
import {
    isRegulator,
    isSubject,
    requireActor,
    requireHistoryReader,
    requireIssuer,
    requireIssuerOrgAdminOrRegulator,
    requireStatusAuthority,
    requireSubjectReader,
    type StatusAction,
} from './authority';
import { commitmentFromProof } from './commitment';
import {
    requireCredentialType,
    requireMspId,
    requirePractitionerRef,
    requireReason,
    requireValidityWindow,
} from './input';
import { byIssuerKey, bySubjectKey, CredentialKeyTypes } from './keys';
import { assessCredential, assessSubject, verifyPresented } from './standing';
import { claimStatusListIndex } from './status-list';
import {
    deleteRegulatorHold,
    findCredential,
    findCurrentCredential,
    findRegulatorHold,
    getCredential,
    putRegulatorHold,
    saveWithChange,
    setCurrentCredential,
} from './store';
import type {
    Actor,
    Credential,
    CredentialEvent,
    CredentialView,
    IssueCredentialInput,
    RenewCredentialInput,
    StatusChange,
    Standing,
    StatusReason,
} from './types';

/**
 * Professional credential attestations: issue, renew, suspend, reinstate, revoke, verify.
 * The credential document stays off-chain; the ledger holds its salted commitment, the
 * validity window, the status and every status change. See README.md in this folder.
 */
@Info({ title: 'Credentials', description: 'Professional credential attestations' })
export class CredentialsContract extends CareLedgerContract {
    constructor() {
        super('credentials');
    }

    /**
     * Issues a credential to a practitioner. The caller's org must be a trusted issuer of the
     * type (through a listed role); an `own-org` issuer attests only its own practitioners;
     * nobody attests themselves. CONFLICT while the subject holds a credential of the type that
     * is neither revoked nor expired (renew it instead).
     */
    @Transaction()
    @Returns('string')
    async IssueCredential(ctx: Context, credential: string): Promise<string> {
        const input = parseJsonArg<IssueCredentialInput>(credential, 'credential');
        const id = requireId(input.id, 'credential.id');
        const type = requireCredentialType(input.type, 'credential.type');
        const subject = requirePractitionerRef(input.subject, 'credential.subject');
        const commitment = requireSha256Hex(input.commitment, 'credential.commitment');
        const window = requireValidityWindow(input, txTimeIso(ctx));

        const { actor, entry } = await requireIssuer(ctx, type);
        if (entry.subjectScope === 'own-org' && subject.mspId !== actor.mspId) {
            throw forbidden(`${actor.mspId} attests ${type} only for its own practitioners, not for ${subject.mspId}`);
        }
        if (isSubject(actor, subject)) {
            throw forbidden('an issuer cannot attest its own credential');
        }
        if (await findCredential(ctx, id)) {
            throw conflict(`credential ${id} already exists`, 'credential.id');
        }
        const current = await findCurrentCredential(ctx, subject, type);
        if (current) {
            const { verdict } = await assessCredential(ctx, current, txTime(ctx));
            if (verdict !== 'revoked' && verdict !== 'expired' && verdict !== 'issuer_not_trusted') {
                throw conflict(
                    `${subject.mspId}/${subject.actorId} already holds ${type} ${current.id} (${verdict}); renew it, or revoke it first`,
                    'credential.subject',
                );
            }
        }

        const issued = await this.createVersion(ctx, { id, type, subject, commitment, ...window }, actor, 1);
        const { credential: saved, change } = await saveWithChange(ctx, issued, { action: 'issued', by: actor });
        emitEvent(ctx, 'credentials.CredentialIssued', eventOf(saved, change));
        return JSON.stringify(saved);
    }

    /**
     * Renews the subject's current credential as a new version linked to it (`previousId` /
     * `replacedBy`). The previous version stays in effect until the new one's `validFrom`.
     * Only the issuing org renews, while still trusted; suspended or revoked credentials are
     * not renewed.
     */
    @Transaction()
    @Returns('string')
    async RenewCredential(ctx: Context, renewal: string): Promise<string> {
        const input = parseJsonArg<RenewCredentialInput>(renewal, 'renewal');
        const previousId = requireId(input.previousId, 'renewal.previousId');
        const id = requireId(input.id, 'renewal.id');
        const commitment = requireSha256Hex(input.commitment, 'renewal.commitment');
        const window = requireValidityWindow(input, txTimeIso(ctx));

        const previous = await getCredential(ctx, previousId);
        const { actor } = await requireIssuer(ctx, previous.type);
        if (actor.mspId !== previous.issuer.mspId) {
            throw forbidden(`only the issuer ${previous.issuer.mspId} may renew credential ${previous.id}`);
        }
        if (isSubject(actor, previous.subject)) {
            throw forbidden('an issuer cannot attest its own credential');
        }
        if (previous.replacedBy) {
            throw conflict(
                `credential ${previous.id} was already renewed as ${previous.replacedBy}`,
                'renewal.previousId',
            );
        }
        if (previous.status !== 'active') {
            throw conflict(
                `credential ${previous.id} is ${previous.status}; only an active credential is renewed`,
                'renewal.previousId',
            );
        }
        const current = await findCurrentCredential(ctx, previous.subject, previous.type);
        if (current?.id !== previous.id) {
            throw conflict(
                `credential ${previous.id} is not the subject's current ${previous.type}`,
                'renewal.previousId',
            );
        }
        if (Date.parse(window.validFrom) < Date.parse(previous.validFrom)) {
            throw invalidArgument(
                'renewal.validFrom',
                `must not be before the renewed credential's validFrom ${previous.validFrom}`,
            );
        }
        if (await findCredential(ctx, id)) {
            throw conflict(`credential ${id} already exists`, 'renewal.id');
        }

        const next = await this.createVersion(
            ctx,
            { id, type: previous.type, subject: previous.subject, commitment, ...window, previousId: previous.id },
            actor,
            previous.version + 1,
        );
        await saveWithChange(
            ctx,
            { ...previous, replacedBy: id, supersededAt: window.validFrom },
            { action: 'renewed', by: actor, relatedId: id },
        );
        const { credential: saved, change } = await saveWithChange(ctx, next, {
            action: 'issued',
            by: actor,
            relatedId: previous.id,
        });
        emitEvent(ctx, 'credentials.CredentialRenewed', eventOf(saved, change));
        return JSON.stringify(saved);
    }

    /** Suspends an active credential (the issuing org or the regulator), with a reason. */
    @Transaction()
    @Returns('string')
    async SuspendCredential(
        ctx: Context,
        credentialId: string,
        reasonCode: string,
        reasonReference: string,
    ): Promise<string> {
        return this.changeStatus(ctx, 'suspend', credentialId, reasonCode, reasonReference);
    }

    /** Lifts a suspension. A suspension the regulator made is lifted only by the regulator. */
    @Transaction()
    @Returns('string')
    async ReinstateCredential(
        ctx: Context,
        credentialId: string,
        reasonCode: string,
        reasonReference: string,
    ): Promise<string> {
        return this.changeStatus(ctx, 'reinstate', credentialId, reasonCode, reasonReference);
    }

    /**
     * Lifts the regulator's suspension of a practitioner for a type (the regulator only), e.g.
     * after the suspended credential was revoked and a new one issued. Reinstating the suspended
     * credential lifts it too.
     */
    @Transaction()
    @Returns('string')
    async LiftRegulatorHold(
        ctx: Context,
        subjectJson: string,
        credentialType: string,
        reasonCode: string,
        reasonReference: string,
    ): Promise<string> {
        const subject = requirePractitionerRef(
            parseJsonArg<Record<string, unknown>>(subjectJson, 'subject'),
            'subject',
        );
        const type = requireCredentialType(credentialType, 'credentialType');
        const reason = requireReason(reasonCode, reasonReference);
        const actor = requireActor(ctx);
        if (!isRegulator(actor)) {
            throw forbidden("only the regulator lifts the regulator's suspension of a practitioner");
        }
        const hold = await findRegulatorHold(ctx, subject, type);
        if (!hold) {
            throw notFound('regulator hold', `${subject.mspId}/${subject.actorId}/${type}`);
        }
        await deleteRegulatorHold(ctx, subject, type);
        const lifted = { ...hold, liftedAt: txTimeIso(ctx), liftedBy: actor, liftReason: reason };
        emitEvent(ctx, 'credentials.RegulatorHoldLifted', {
            subject,
            type,
            credentialId: hold.credentialId,
            liftedAt: lifted.liftedAt,
        });
        return JSON.stringify(lifted);
    }

    /** Revokes a credential for good (the issuing org or the regulator), with a reason. */
    @Transaction()
    @Returns('string')
    async RevokeCredential(
        ctx: Context,
        credentialId: string,
        reasonCode: string,
        reasonReference: string,
    ): Promise<string> {
        return this.changeStatus(ctx, 'revoke', credentialId, reasonCode, reasonReference);
    }

    /** A credential with its verdict at the transaction's time (no proof needed). */
    @Transaction(false)
    @Returns('string')
    async GetCredential(ctx: Context, credentialId: string): Promise<string> {
        const credential = await getCredential(ctx, requireId(credentialId, 'credentialId'));
        const { verdict } = await assessCredential(ctx, credential, txTime(ctx));
        const view: CredentialView = { ...credential, verdict };
        return JSON.stringify(view);
    }

    /**
     * Verifies a presented credential: `proof` is `{ documentSha256, salt }` or `{ commitment }`
     * (the gateway hashes the document locally; the document is never an argument). Never
     * fails for an unknown id or a wrong proof: those are verdicts.
     */
    @Transaction(false)
    @Returns('string')
    async VerifyCredential(ctx: Context, credentialId: string, proof: string): Promise<string> {
        const id = requireId(credentialId, 'credentialId');
        const commitment = commitmentFromProof(parseJsonArg<Record<string, unknown>>(proof, 'proof'), 'proof');
        const credential = await findCredential(ctx, id);
        const verification = await verifyPresented(ctx, id, credential, commitment, txTime(ctx));
        return JSON.stringify(verification);
    }

    /** Whether practitioner `actorId` of `mspId` holds a valid `type` now — the gate's question, for anyone. */
    @Transaction(false)
    @Returns('string')
    async CheckPractitioner(ctx: Context, mspId: string, actorId: string, type: string): Promise<string> {
        const subject = { mspId: requireMspId(mspId, 'mspId'), actorId: requireId(actorId, 'actorId') };
        const credentialType = requireCredentialType(type, 'type');
        const { verdict, reason, credential } = await assessSubject(ctx, subject, credentialType, txTime(ctx));
        const standing: Standing = {
            subject,
            type: credentialType,
            verdict,
            reason,
            checkedAt: txTimeIso(ctx),
            credentialId: credential?.id,
        };
        return JSON.stringify(standing);
    }

    /** Every credential of a practitioner: for the regulator, the practitioner, or an admin of its org. */
    @Transaction(false)
    @Returns('string')
    async ListCredentialsBySubject(
        ctx: Context,
        mspId: string,
        actorId: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const subject = { mspId: requireMspId(mspId, 'mspId'), actorId: requireId(actorId, 'actorId') };
        const size = parsePageSize(pageSize);
        requireSubjectReader(ctx, subject);
        return JSON.stringify(
            await this.pageOfCredentials(
                ctx,
                CredentialKeyTypes.bySubject,
                [subject.mspId, subject.actorId],
                size,
                bookmark,
            ),
        );
    }

    /** Every credential an org issued: for the regulator or an admin of that org. */
    @Transaction(false)
    @Returns('string')
    async ListCredentialsByIssuer(ctx: Context, mspId: string, pageSize: string, bookmark: string): Promise<string> {
        const issuer = requireMspId(mspId, 'mspId');
        const size = parsePageSize(pageSize);
        requireIssuerOrgAdminOrRegulator(ctx, issuer);
        return JSON.stringify(await this.pageOfCredentials(ctx, CredentialKeyTypes.byIssuer, [issuer], size, bookmark));
    }

    /** A credential's status changes, oldest first: for the regulator, the issuing org and the subject. */
    @Transaction(false)
    @Returns('string')
    async GetCredentialHistory(
        ctx: Context,
        credentialId: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const id = requireId(credentialId, 'credentialId');
        const size = parsePageSize(pageSize);
        const credential = await getCredential(ctx, id);
        await requireHistoryReader(ctx, credential);
        const page: Page<StatusChange> = await pageByPartialKey<StatusChange>(
            ctx,
            CredentialKeyTypes.change,
            [id],
            size,
            bookmark ?? '',
        );
        return JSON.stringify(page);
    }

    private async changeStatus(
        ctx: Context,
        action: StatusAction,
        credentialId: string,
        reasonCode: string,
        reasonReference: string,
    ): Promise<string> {
        const id = requireId(credentialId, 'credentialId');
        const reason = requireReason(reasonCode, reasonReference);
        const credential = await getCredential(ctx, id);
        const { actor, authority } = await requireStatusAuthority(ctx, credential, action);

        let updated: Credential;
        if (action === 'suspend') {
            if (credential.status !== 'active') {
                throw conflict(
                    `credential ${id} is ${credential.status}; only an active credential is suspended`,
                    'credentialId',
                );
            }
            updated = { ...withStatus(ctx, credential, 'suspended', reason, actor), suspendedBy: authority };
        } else if (action === 'reinstate') {
            if (credential.status !== 'suspended') {
                throw conflict(
                    `credential ${id} is ${credential.status}; only a suspended credential is reinstated`,
                    'credentialId',
                );
            }
            if (credential.suspendedBy === 'regulator' && authority !== 'regulator') {
                throw forbidden(`credential ${id} was suspended by the regulator; only the regulator may reinstate it`);
            }
            updated = { ...withStatus(ctx, credential, 'active', reason, actor), suspendedBy: undefined };
        } else {
            if (credential.status === 'revoked') {
                throw conflict(`credential ${id} is already revoked`, 'credentialId');
            }
            updated = { ...withStatus(ctx, credential, 'revoked', reason, actor), suspendedBy: undefined };
        }
        if (action === 'suspend' && authority === 'regulator') {
            await putRegulatorHold(ctx, {
                subject: credential.subject,
                type: credential.type,
                credentialId: credential.id,
                since: txTimeIso(ctx),
                reason,
                by: actor,
            });
        } else if (action === 'reinstate' && authority === 'regulator') {
            await deleteRegulatorHold(ctx, credential.subject, credential.type);
        }
        const pastTense = { suspend: 'suspended', reinstate: 'reinstated', revoke: 'revoked' } as const;
        const { credential: saved, change } = await saveWithChange(ctx, updated, {
            action: pastTense[action],
            by: actor,
            reason,
        });
        const eventName = {
            suspend: 'CredentialSuspended',
            reinstate: 'CredentialReinstated',
            revoke: 'CredentialRevoked',
        }[action];
        emitEvent(ctx, `credentials.${eventName}`, eventOf(saved, change));
        return JSON.stringify(saved);
    }

    /** A new credential version with its status list slot, current pointer and list index keys. */
    private async createVersion(
        ctx: Context,
        fields: Pick<Credential, 'id' | 'type' | 'subject' | 'commitment' | 'validFrom' | 'validUntil' | 'previousId'>,
        actor: Actor,
        version: number,
    ): Promise<Credential> {
        const statusListIndex = await claimStatusListIndex(ctx, actor.mspId, fields.id);
        const now = txTimeIso(ctx);
        const credential: Credential = {
            ...fields,
            version,
            issuer: actor,
            status: 'active',
            statusChangedAt: now,
            statusChangedBy: actor,
            statusListIndex,
            issuedAt: now,
            txId: ctx.stub.getTxID(),
            changes: 0,
        };
        await setCurrentCredential(ctx, credential);
        await ctx.stub.putState(bySubjectKey(ctx, credential.subject, credential.id), toBytes({}));
        await ctx.stub.putState(byIssuerKey(ctx, actor.mspId, credential.id), toBytes({}));
        return credential;
    }

    private async pageOfCredentials(
        ctx: Context,
        objectType: string,
        attributes: string[],
        pageSize: number,
        bookmark: string,
    ): Promise<Page<CredentialView>> {
        const now = txTime(ctx);
        return pageByPartialKey<unknown, CredentialView>(
            ctx,
            objectType,
            attributes,
            pageSize,
            bookmark ?? '',
            async (_value, key) => {
                const { attributes: parts } = ctx.stub.splitCompositeKey(key);
                const credential = await findCredential(ctx, parts[parts.length - 1]);
                if (!credential) {
                    return undefined;
                }
                const { verdict } = await assessCredential(ctx, credential, now);
                return { ...credential, verdict };
            },
        );
    }
}

function withStatus(
    ctx: Context,
    credential: Credential,
    status: Credential['status'],
    reason: StatusReason,
    actor: Actor,
): Credential {
    return { ...credential, status, statusReason: reason, statusChangedAt: txTimeIso(ctx), statusChangedBy: actor };
}

function eventOf(credential: Credential, change: StatusChange): CredentialEvent {
    return {
        credentialId: credential.id,
        type: credential.type,
        version: credential.version,
        subject: credential.subject,
        issuer: credential.issuer.mspId,
        status: credential.status,
        statusListIndex: credential.statusListIndex,
        validFrom: credential.validFrom,
        validUntil: credential.validUntil,
        action: change.action,
        reason: change.reason,
        previousId: credential.previousId,
        by: change.by,
        seq: change.seq,
        at: change.at,
        txId: change.txId,
    };
}
