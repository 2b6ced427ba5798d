import type { Context } from 'fabric-contract-api';
import { findCredential, findCurrentCredential, findIssuer, findRegulatorHold } from './store';
import type { Credential, PractitionerRef, Verdict, Verification } from './types';

/**
 * A credential's standing at an instant, from keyed reads only. The checks run in this order,
 * and the first that fails is the verdict:
 *   1. revoked, 2. suspended — the issuer's explicit word comes first;
 *   3. while a renewed version overlaps this one, that version's revocation or suspension;
 *   4. issuer_not_trusted — the registry no longer trusts the issuing org for the type;
 *   5. not_yet_valid, 6. expired (after validUntil, or once superseded by its renewal).
 */
export interface Assessment {
    verdict: Verdict;
    reason: string;
    credential?: Credential;
}

/**
 * The answer to "is this presented document credential `id`, and does it stand at `now`?":
 * unknown, hash_mismatch, or the credential's {@link assessCredential} verdict. One rule for the
 * chaincode's VerifyCredential (at the transaction time) and the gateway's read model (at its clock).
 */
export async function verifyPresented(
    ctx: Context,
    id: string,
    credential: Credential | undefined,
    commitment: string,
    now: Date,
): Promise<Verification> {
    const checkedAt = now.toISOString();
    if (!credential) {
        return { credentialId: id, verdict: 'unknown', reason: `no credential ${id} is recorded`, checkedAt };
    }
    if (credential.commitment !== commitment) {
        return {
            credentialId: id,
            verdict: 'hash_mismatch',
            reason: `the presented document does not match credential ${id}`,
            checkedAt,
        };
    }
    const { verdict, reason } = await assessCredential(ctx, credential, now);
    return { credentialId: id, verdict, reason, checkedAt, credential };
}

export async function assessCredential(ctx: Context, credential: Credential, now: Date): Promise<Assessment> {
    const label = `${credential.type} ${credential.id}`;
    const result = (verdict: Verdict, reason: string): Assessment => ({ verdict, reason, credential });

    const statusVerdict = statusOf(credential);
    if (statusVerdict) {
        return result(statusVerdict, `${label} ${describeStatus(credential)}`);
    }
    if (credential.replacedBy && credential.supersededAt && now.getTime() < Date.parse(credential.supersededAt)) {
        const renewal = await findCredential(ctx, credential.replacedBy);
        const renewalVerdict = renewal && statusOf(renewal);
        if (renewal && renewalVerdict) {
            return result(renewalVerdict, `${label} was renewed as ${renewal.id}, which ${describeStatus(renewal)}`);
        }
    }
    const issuer = await findIssuer(ctx, credential.issuer.mspId, credential.type);
    if (!issuer || issuer.status !== 'trusted') {
        return result('issuer_not_trusted', `${credential.issuer.mspId} is not a trusted issuer of ${credential.type}`);
    }
    if (now.getTime() < Date.parse(credential.validFrom)) {
        return result('not_yet_valid', `${label} is valid from ${credential.validFrom}`);
    }
    if (credential.validUntil && now.getTime() >= Date.parse(credential.validUntil)) {
        return result('expired', `${label} expired at ${credential.validUntil}`);
    }
    if (credential.supersededAt && now.getTime() >= Date.parse(credential.supersededAt)) {
        return result('expired', `${label} was superseded by ${credential.replacedBy} at ${credential.supersededAt}`);
    }
    return result('valid', `${label} is valid${credential.validUntil ? ` until ${credential.validUntil}` : ''}`);
}

/**
 * The standing of `subject` for `type`: the latest version decides, except that while it is
 * not yet valid the version it renews (still in effect) stands in for it.
 */
export async function assessSubject(
    ctx: Context,
    subject: PractitionerRef,
    type: string,
    now: Date,
): Promise<Assessment> {
    const hold = await findRegulatorHold(ctx, subject, type);
    if (hold) {
        // Checked before any credential: re-issuing cannot undo the regulator's word, and a
        // transaction dated before the suspension cannot slip under it either.
        const current = await findCurrentCredential(ctx, subject, type);
        return {
            verdict: 'suspended',
            reason: `${subject.mspId}/${subject.actorId} is suspended for ${type} by the regulator since ${hold.since} (${hold.reason.code}; credential ${hold.credentialId})`,
            credential: current,
        };
    }
    const current = await findCurrentCredential(ctx, subject, type);
    if (!current) {
        return { verdict: 'unknown', reason: `${subject.mspId}/${subject.actorId} holds no ${type}` };
    }
    const assessment = await assessCredential(ctx, current, now);
    if (assessment.verdict === 'not_yet_valid' && current.previousId) {
        const previous = await findCredential(ctx, current.previousId);
        if (previous) {
            const fallback = await assessCredential(ctx, previous, now);
            if (fallback.verdict === 'valid') {
                return fallback;
            }
        }
    }
    return assessment;
}

function statusOf(credential: Credential): Verdict | undefined {
    return credential.status === 'revoked' ? 'revoked' : credential.status === 'suspended' ? 'suspended' : undefined;
}

function describeStatus(credential: Credential): string {
    const reason = credential.statusReason
        ? ` (${credential.statusReason.code}${credential.statusReason.reference ? ` ${credential.statusReason.reference}` : ''})`
        : '';
    return `${credential.status === 'revoked' ? 'was revoked' : 'is suspended'}${reason}`;
}
