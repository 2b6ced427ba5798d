import type { Context } from 'fabric-contract-api';
import { forbidden } from '../common/errors';
import { caller } from '../common/identity';
import { requireNotExpiredByPeerClock, txTime } from '../common/time';
import { assessSubject } from './standing';
import type { Credential } from './types';

/**
 * The one function other domains call to ask: does the invoking identity hold a valid
 * credential of `type` at this transaction's time? Throws FORBIDDEN naming the type, the
 * verdict and the reason (none held, suspended, revoked, expired, not yet valid, issuer not
 * trusted) when it does not; returns the credential when it does.
 *
 * The subject is the caller's `careledger.id` within the caller's MSP. Keyed reads only (the
 * subject's current-version pointer, the credential, the issuer registry entry, and at most
 * one linked version), all public state, so every endorsing peer reaches the same answer.
 *
 * @example
 * await requireValidCredential(ctx, MedicalLicense);
 */
export async function requireValidCredential(ctx: Context, type: string): Promise<Credential> {
    const who = caller(ctx);
    if (!who.actorId) {
        throw forbidden(`requires a valid ${type} (unknown): caller's certificate carries no careledger.id attribute`);
    }
    const assessment = await assessSubject(ctx, { mspId: who.mspId, actorId: who.actorId }, type, txTime(ctx));
    if (assessment.verdict !== 'valid' || !assessment.credential) {
        throw forbidden(`requires a valid ${type} (${assessment.verdict}): ${assessment.reason}`);
    }
    requireNotExpiredByPeerClock(ctx, assessment.credential.validUntil, `${type} ${assessment.credential.id}`);
    return assessment.credential;
}
