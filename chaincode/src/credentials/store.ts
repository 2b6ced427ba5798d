import type { Context } from 'fabric-contract-api';
import { notFound } from '../common/errors';
import { fromBytes, toBytes } from '../common/json';
import { txTimeIso } from '../common/time';
import { changeKey, credentialKey, currentCredentialKey, issuerKey, regulatorHoldKey } from './keys';
import type {
    Actor,
    Credential,
    CredentialAction,
    PractitionerRef,
    RegulatorHold,
    StatusChange,
    StatusReason,
    TrustedIssuer,
} from './types';

/** Keyed reads and writes of the domain's records. Every read here is a single getState. */

export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
    const bytes = await ctx.stub.getState(key);
    return bytes && bytes.length > 0 ? fromBytes<T>(bytes) : undefined;
}

export function findIssuer(ctx: Context, mspId: string, type: string): Promise<TrustedIssuer | undefined> {
    return readJson<TrustedIssuer>(ctx, issuerKey(ctx, mspId, type));
}

export function findCredential(ctx: Context, credentialId: string): Promise<Credential | undefined> {
    return readJson<Credential>(ctx, credentialKey(ctx, credentialId));
}

export async function getCredential(ctx: Context, credentialId: string): Promise<Credential> {
    const credential = await findCredential(ctx, credentialId);
    if (!credential) {
        throw notFound('credential', credentialId);
    }
    return credential;
}

/** The latest version of `subject`'s credential of `type`, if any was ever issued. */
export async function findCurrentCredential(
    ctx: Context,
    subject: PractitionerRef,
    type: string,
): Promise<Credential | undefined> {
    const pointer = await readJson<{ credentialId: string }>(ctx, currentCredentialKey(ctx, subject, type));
    return pointer && findCredential(ctx, pointer.credentialId);
}

/** The regulator's suspension of `subject` for `type`, which binds every credential of that type. */
export function findRegulatorHold(
    ctx: Context,
    subject: PractitionerRef,
    type: string,
): Promise<RegulatorHold | undefined> {
    return readJson<RegulatorHold>(ctx, regulatorHoldKey(ctx, subject, type));
}

export async function putRegulatorHold(ctx: Context, hold: RegulatorHold): Promise<void> {
    await ctx.stub.putState(regulatorHoldKey(ctx, hold.subject, hold.type), toBytes(hold));
}

export async function deleteRegulatorHold(ctx: Context, subject: PractitionerRef, type: string): Promise<void> {
    await ctx.stub.deleteState(regulatorHoldKey(ctx, subject, type));
}

export async function setCurrentCredential(ctx: Context, credential: Credential): Promise<void> {
    await ctx.stub.putState(
        currentCredentialKey(ctx, credential.subject, credential.type),
        toBytes({ credentialId: credential.id }),
    );
}

/**
 * Writes `credential` with one more history entry. The sequence number lives on the
 * credential itself, so concurrent changes to different credentials never share a key.
 */
export async function saveWithChange(
    ctx: Context,
    credential: Credential,
    change: { action: CredentialAction; by: Actor; reason?: StatusReason; relatedId?: string },
): Promise<{ credential: Credential; change: StatusChange }> {
    const seq = credential.changes + 1;
    const entry: StatusChange = {
        credentialId: credential.id,
        seq,
        action: change.action,
        status: credential.status,
        reason: change.reason,
        relatedId: change.relatedId,
        by: change.by,
        at: txTimeIso(ctx),
        txId: ctx.stub.getTxID(),
    };
    const saved: Credential = { ...credential, changes: seq };
    await ctx.stub.putState(credentialKey(ctx, credential.id), toBytes(saved));
    await ctx.stub.putState(changeKey(ctx, credential.id, seq), toBytes(entry));
    return { credential: saved, change: entry };
}
