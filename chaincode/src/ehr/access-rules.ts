import type { Context } from 'fabric-contract-api';
import { RegulatorMsp, requireNotExpiredByPeerClock, txTime, type Caller } from '../common';
import { holdsValidLicence, isClinician } from './clinicians';
import { decideAccess } from './consent';
import { allLiveConsentsOf } from './consent-store';
import { getEnrolment, holdsPatientKey } from './patients';
import { isErased } from './records';
import type { DenialReason, StoredRecord } from './types';

/**
 * Who may read a record, decided at transaction time. Denials are results, not errors: the
 * access transaction must commit to record them, and a thrown error would roll the record back.
 */
export type AccessDecision = { allowed: true; consentId?: string } | { allowed: false; reason: DenialReason };

export type Agent = Caller & { actorId: string };

const deny = (reason: DenialReason): AccessDecision => ({ allowed: false, reason });

async function isOwnPatient(ctx: Context, agent: Agent, patientId: string): Promise<boolean> {
    if (agent.role !== 'patient' || agent.actorId !== patientId) {
        return false;
    }
    const enrolment = await getEnrolment(ctx, patientId);
    return enrolment?.homeMsp === agent.mspId && holdsPatientKey(ctx, enrolment);
}

/** Rules shared by ordinary and emergency reads, in order; `undefined` means none denied. */
async function baseDenial(ctx: Context, agent: Agent, record: StoredRecord): Promise<DenialReason | undefined> {
    if (isErased(record)) {
        return 'record-erased';
    }
    if (agent.mspId === RegulatorMsp) {
        return 'regulator';
    }
    if (!isClinician(agent)) {
        return 'not-a-clinician';
    }
    if (!(await holdsValidLicence(ctx, agent))) {
        return 'credential-invalid';
    }
    return undefined;
}

/** An ordinary read: the patient themselves, or a licensed clinician under a consent valid now for `purpose`. */
export async function decideOrdinaryAccess(
    ctx: Context,
    agent: Agent,
    record: StoredRecord,
    purpose: string,
): Promise<AccessDecision> {
    if (!isErased(record) && (await isOwnPatient(ctx, agent, record.patientId))) {
        return { allowed: true };
    }
    const denial = await baseDenial(ctx, agent, record);
    if (denial || isErased(record)) {
        return deny(denial ?? 'record-erased');
    }
    const consents = await allLiveConsentsOf(ctx, agent, record.patientId);
    const decision = decideAccess(consents, record, purpose, txTime(ctx));
    if (decision.allowed) {
        const admitting = consents.find((consent) => consent.id === decision.consentId);
        requireNotExpiredByPeerClock(ctx, admitting?.period.end, `consent ${decision.consentId}`);
    }
    return decision;
}

/** Break-glass: any licensed clinician outside the regulator, without consent; the reason is checked by the contract. */
export async function decideEmergencyAccess(ctx: Context, agent: Agent, record: StoredRecord): Promise<AccessDecision> {
    const denial = await baseDenial(ctx, agent, record);
    return denial ? deny(denial) : { allowed: true };
}
