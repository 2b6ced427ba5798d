import type { Context } from 'fabric-contract-api';
import {
    caller,
    callerKeyId,
    forbidden,
    fromBytes,
    notFound,
    requireId,
    requireRole,
    txTime,
    requireNotExpiredByPeerClock,
    type Caller,
} from '../common';
import { EhrKeys } from './keys';
import type { Delegate, PatientEnrolment } from './types';

/**
 * Who speaks for a patient. A patient's id is never an argument: it is the `careledger.id` of
 * a caller with role patient, and only certificates of the MSP the patient enrolled with count.
 * A delegate the patient named may act for them; the delegate names the patient explicitly,
 * and the delegation is checked at transaction time.
 */
export interface ActingFor {
    patientId: string;
    actor: { mspId: string; actorId: string; asDelegate: boolean };
}

export async function getEnrolment(ctx: Context, patientId: string): Promise<PatientEnrolment | undefined> {
    const bytes = await ctx.stub.getState(EhrKeys.patient(ctx, patientId));
    return bytes && bytes.length > 0 ? fromBytes<PatientEnrolment>(bytes) : undefined;
}

export async function requireEnrolment(ctx: Context, patientId: string): Promise<PatientEnrolment> {
    const enrolment = await getEnrolment(ctx, patientId);
    if (!enrolment) {
        throw notFound('patient', patientId);
    }
    return enrolment;
}

/**
 * True when the caller's certificate carries a key bound to the patient. A certificate the CA
 * issued later with the same patient id (an admin's clone) has another key and speaks for no one.
 */
export function holdsPatientKey(ctx: Context, enrolment: PatientEnrolment): boolean {
    return enrolment.keyIds === undefined || enrolment.keyIds.includes(callerKeyId(ctx));
}

/** The calling patient, enrolled, presenting a certificate of their home MSP with a bound key. */
export async function requirePatientCaller(ctx: Context): Promise<PatientEnrolment> {
    const who = requireRole(ctx, 'patient');
    const enrolment = await requireEnrolment(ctx, who.actorId);
    if (enrolment.homeMsp !== who.mspId) {
        throw forbidden(`patient ${who.actorId} is enrolled with ${enrolment.homeMsp}; caller presents ${who.mspId}`);
    }
    if (!holdsPatientKey(ctx, enrolment)) {
        throw forbidden(
            `patient ${who.actorId} is bound to other keys: this certificate's key was never authorised by the patient`,
        );
    }
    return enrolment;
}

export async function getDelegate(
    ctx: Context,
    patientId: string,
    mspId: string,
    actorId: string,
): Promise<Delegate | undefined> {
    const bytes = await ctx.stub.getState(EhrKeys.delegate(ctx, patientId, mspId, actorId));
    return bytes && bytes.length > 0 ? fromBytes<Delegate>(bytes) : undefined;
}

function isActiveDelegate(delegate: Delegate | undefined, now: Date): delegate is Delegate {
    return delegate !== undefined && (delegate.until === undefined || now.getTime() < Date.parse(delegate.until));
}

/**
 * The patient the caller acts for: themselves when the caller is a patient and names no one
 * else, or `patientId` when the caller is that patient's active delegate.
 */
export async function requireActingFor(ctx: Context, patientId: string | undefined): Promise<ActingFor> {
    const who = caller(ctx);
    if (who.role === 'patient' && (patientId === undefined || patientId === who.actorId)) {
        const enrolment = await requirePatientCaller(ctx);
        return {
            patientId: enrolment.patientId,
            actor: { mspId: who.mspId, actorId: enrolment.patientId, asDelegate: false },
        };
    }
    if (patientId === undefined) {
        throw forbidden('only a patient, or a delegate naming the patient, may act for a patient');
    }
    return requireDelegateCaller(ctx, who, patientId);
}

async function requireDelegateCaller(ctx: Context, who: Caller, patientId: string): Promise<ActingFor> {
    if (!who.actorId) {
        throw forbidden(`caller's certificate has no careledger.id attribute`);
    }
    const delegate = await getDelegate(ctx, patientId, who.mspId, who.actorId);
    if (!isActiveDelegate(delegate, txTime(ctx))) {
        throw forbidden(`caller ${who.mspId}/${who.actorId} is not an active delegate of patient ${patientId}`);
    }
    requireNotExpiredByPeerClock(ctx, delegate?.until, `the delegation of ${who.mspId}/${who.actorId}`);
    return { patientId, actor: { mspId: who.mspId, actorId: who.actorId, asDelegate: true } };
}

/** True when the caller is the patient (own certificate, home MSP) or their active delegate. */
export async function speaksForPatient(ctx: Context, patientId: string): Promise<boolean> {
    const who = caller(ctx);
    if (!who.actorId) {
        return false;
    }
    if (who.role === 'patient' && who.actorId === patientId) {
        const enrolment = await getEnrolment(ctx, patientId);
        return enrolment?.homeMsp === who.mspId && holdsPatientKey(ctx, enrolment);
    }
    return isActiveDelegate(await getDelegate(ctx, patientId, who.mspId, who.actorId), txTime(ctx));
}

/** The patient a query is about: `patientId`, or the calling patient's own id when it is empty. */
export function queriedPatientId(who: Caller, patientId: string): string {
    return patientId === '' && who.role === 'patient' && who.actorId ? who.actorId : requireId(patientId, 'patientId');
}
