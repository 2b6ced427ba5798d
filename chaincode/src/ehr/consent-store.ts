import type { Context } from 'fabric-contract-api';
import { allByPartialKey, fromBytes, toBytes, type Caller } from '../common';
import { isLicensedClinicianOf } from './clinicians';
import { EhrKeys, EhrObjects, WholeOrg } from './keys';
import type { Consent } from './types';

/**
 * Consents in world state. Each consent sits under its id, with an index entry under its patient
 * (kept for the consent history) and one under its grantee while it is live. The grantee index
 * is what an access reads, so it is kept short: revoking removes the entry, each new grant to
 * the same grantee prunes expired entries, and at most {@link MaxLiveConsentsPerGrantee}
 * remain — every access therefore reads a bounded range.
 */
export const MaxLiveConsentsPerGrantee = 20;

interface ConsentRef {
    consentId: string;
}

export async function getConsent(ctx: Context, consentId: string): Promise<Consent | undefined> {
    const bytes = await ctx.stub.getState(EhrKeys.consent(ctx, consentId));
    return bytes && bytes.length > 0 ? fromBytes<Consent>(bytes) : undefined;
}

async function consentsUnder(ctx: Context, attributes: string[]): Promise<Consent[]> {
    const refs = await allByPartialKey<ConsentRef>(
        ctx,
        EhrObjects.consentByGrantee,
        attributes,
        MaxLiveConsentsPerGrantee,
    );
    const consents: Consent[] = [];
    for (const { value } of refs) {
        const consent = await getConsent(ctx, value.consentId);
        if (consent) {
            consents.push(consent);
        }
    }
    return consents;
}

/** Live consents of `patientId` naming exactly this grantee (one practitioner, or the whole org when `actorId` is undefined). */
export function liveConsentsFor(
    ctx: Context,
    mspId: string,
    actorId: string | undefined,
    patientId: string,
): Promise<Consent[]> {
    return consentsUnder(ctx, [mspId, actorId ?? WholeOrg, patientId]);
}

/**
 * Live consents of `patientId` that reach this caller: granted to them, then to their whole org —
 * the latter only when the caller is a clinician of that org with a valid licence now.
 */
export async function allLiveConsentsOf(ctx: Context, who: Caller, patientId: string): Promise<Consent[]> {
    if (who.actorId === undefined) {
        return [];
    }
    const personal = await liveConsentsFor(ctx, who.mspId, who.actorId, patientId);
    if (!(await isLicensedClinicianOf(ctx, who, who.mspId))) {
        return personal;
    }
    return [...personal, ...(await liveConsentsFor(ctx, who.mspId, undefined, patientId))];
}

export async function putNewConsent(ctx: Context, consent: Consent): Promise<void> {
    const ref = toBytes({ consentId: consent.id });
    await ctx.stub.putState(EhrKeys.consent(ctx, consent.id), toBytes(consent));
    await ctx.stub.putState(EhrKeys.consentByPatient(ctx, consent.patientId, consent.id), ref);
    await ctx.stub.putState(
        EhrKeys.consentByGrantee(ctx, consent.grantee.mspId, consent.grantee.actorId, consent.patientId, consent.id),
        ref,
    );
}

/** Drops a consent from the grantee index: it no longer admits anyone, but its record and history stay. */
export async function retireFromGranteeIndex(ctx: Context, consent: Consent): Promise<void> {
    await ctx.stub.deleteState(
        EhrKeys.consentByGrantee(ctx, consent.grantee.mspId, consent.grantee.actorId, consent.patientId, consent.id),
    );
}

export async function putConsent(ctx: Context, consent: Consent): Promise<void> {
    await ctx.stub.putState(EhrKeys.consent(ctx, consent.id), toBytes(consent));
}
