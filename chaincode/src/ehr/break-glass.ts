import type { Context } from 'fabric-contract-api';
import { fromBytes, toBytes, txTimeIso } from '../common';
import type { Agent } from './access-rules';
import { liveConsentsFor } from './consent-store';
import { EhrKeys } from './keys';
import { getEnrolment } from './patients';
import type { BreakGlassAlert, BreakGlassUsage, CareRelationship, DenialReason, StoredRecord } from './types';

/**
 * Break-glass controls (issue #17, finding 9). An emergency read skips consent, so it is bounded
 * per practitioner (MSP + actor id) and announced to the custodian and the regulator:
 *
 * - **rate**: at most {@link BreakGlassLimits.readsPerHour} allowed emergency reads per UTC clock
 *   hour and {@link BreakGlassLimits.readsPerDay} per UTC day, whatever the patients or records;
 * - **breadth**: at most {@link BreakGlassLimits.patientsPerDay} distinct patients per UTC day;
 * - **care relationship**: the practitioner's org is related to the patient when it is the
 *   record's custodian, the patient's home org (enrolment), or holds a live consent of the patient
 *   (to the practitioner or the whole org). A patient arriving unconscious at an unrelated hospital
 *   is the case break-glass exists for, so an unrelated read is not refused outright; but at most
 *   {@link BreakGlassLimits.unrelatedPatientsPerDay} unrelated patient per practitioner and day.
 *
 * Counts come from world state only — one usage object per (practitioner, UTC day of the
 * transaction timestamp) — so every endorser decides alike. The usage key is read and written by
 * each emergency read, so two concurrent reads by the same practitioner conflict (MVCC) and one is
 * retried against the new count: concurrency cannot get past a limit. The proposal time window
 * (5 minutes) bounds how far a client can move its reads into another bucket.
 * A refusal is an access decision (`allowed: false`, audited, announced), never an error.
 */
export const BreakGlassLimits = {
    readsPerHour: 10,
    readsPerDay: 30,
    patientsPerDay: 3,
    unrelatedPatientsPerDay: 1,
} as const;

/** How the practitioner's org relates to the patient of `record`, from what the ledger holds. */
export async function careRelationship(ctx: Context, agent: Agent, record: StoredRecord): Promise<CareRelationship> {
    if (agent.mspId === record.custodianMsp) {
        return 'custodian';
    }
    const enrolment = await getEnrolment(ctx, record.patientId);
    if (enrolment?.homeMsp === agent.mspId) {
        return 'home-org';
    }
    const personal = await liveConsentsFor(ctx, agent.mspId, agent.actorId, record.patientId);
    const orgWide = personal.length > 0 ? [] : await liveConsentsFor(ctx, agent.mspId, undefined, record.patientId);
    return personal.length + orgWide.length > 0 ? 'consent' : 'none';
}

function emptyUsage(agent: Agent, day: string): BreakGlassUsage {
    return {
        mspId: agent.mspId,
        actorId: agent.actorId,
        day,
        reads: 0,
        readsByHour: {},
        patients: [],
        unrelatedPatients: [],
    };
}

export async function getBreakGlassUsage(
    ctx: Context,
    mspId: string,
    actorId: string,
    day: string,
): Promise<BreakGlassUsage | undefined> {
    const bytes = await ctx.stub.getState(EhrKeys.breakGlassUsage(ctx, mspId, actorId, day));
    return bytes && bytes.length > 0 ? fromBytes<BreakGlassUsage>(bytes) : undefined;
}

/** The outcome of the break-glass controls for one emergency read that passed the ordinary rules. */
export interface BreakGlassCheck {
    denial?: DenialReason;
    alert: BreakGlassAlert;
    /** Written only when the read is allowed. */
    usage: BreakGlassUsage;
}

/**
 * Applies the limits to one emergency read of `record` by `agent` at the transaction's time;
 * `admitted` says the ordinary rules (clinician, licence, not erased) let it through. Returns the
 * usage as it will be after an allowed read, and the alert every emergency read carries (counts
 * include this read only when it is allowed).
 */
export async function checkBreakGlass(
    ctx: Context,
    agent: Agent,
    record: StoredRecord,
    admitted: boolean,
): Promise<BreakGlassCheck> {
    const now = txTimeIso(ctx);
    const day = now.slice(0, 10);
    const hour = now.slice(11, 13);
    const relationship = await careRelationship(ctx, agent, record);
    const before = (await getBreakGlassUsage(ctx, agent.mspId, agent.actorId, day)) ?? emptyUsage(agent, day);
    const patientIsNew = !before.patients.includes(record.patientId);
    const unrelatedIsNew = relationship === 'none' && !before.unrelatedPatients.includes(record.patientId);
    let denial: DenialReason | undefined;
    if (!admitted) {
        denial = undefined;
    } else if (
        (before.readsByHour[hour] ?? 0) >= BreakGlassLimits.readsPerHour ||
        before.reads >= BreakGlassLimits.readsPerDay
    ) {
        denial = 'break-glass-rate-limit';
    } else if (patientIsNew && before.patients.length >= BreakGlassLimits.patientsPerDay) {
        denial = 'break-glass-patient-limit';
    } else if (unrelatedIsNew && before.unrelatedPatients.length >= BreakGlassLimits.unrelatedPatientsPerDay) {
        denial = 'break-glass-no-care-relationship';
    }
    const after: BreakGlassUsage = {
        ...before,
        reads: before.reads + 1,
        readsByHour: { ...before.readsByHour, [hour]: (before.readsByHour[hour] ?? 0) + 1 },
        patients: patientIsNew ? [...before.patients, record.patientId].sort() : before.patients,
        unrelatedPatients: unrelatedIsNew
            ? [...before.unrelatedPatients, record.patientId].sort()
            : before.unrelatedPatients,
    };
    const counted = denial || !admitted ? before : after;
    const alert: BreakGlassAlert = {
        careRelationship: relationship,
        readsThisHour: counted.readsByHour[hour] ?? 0,
        readsToday: counted.reads,
        patientsToday: counted.patients.length,
        limited: denial !== undefined,
    };
    return { denial, alert, usage: after };
}

export async function putBreakGlassUsage(ctx: Context, usage: BreakGlassUsage): Promise<void> {
    await ctx.stub.putState(EhrKeys.breakGlassUsage(ctx, usage.mspId, usage.actorId, usage.day), toBytes(usage));
}
