import type { Context } from 'fabric-contract-api';
import { fromBytes, inWriteBatch, toBytes, txTimeIso, type Caller } from '../common';
import { BreakGlassPurpose, EmergencyOverrideStarted, PatientRecordEvent, SecurityAlertEvent } from './codes';
import { EhrKeys } from './keys';
import type { AuditEntry, CareRelationship, DenialReason, StoredRecord } from './types';

/**
 * The access audit trail. One entry per access transaction, keyed by its transaction id, with
 * copies under the record and the patient (ordered by time) so each trail is one range read.
 * Entries never change, so the copies never drift.
 */
export interface AccessAttempt {
    record: StoredRecord;
    agent: Caller & { actorId: string };
    purpose: string;
    decision: { allowed: true; consentId?: string } | { allowed: false; reason: DenialReason };
    emergency?: { reasonCode: string; reasonDigest: string; careRelationship?: CareRelationship };
}

export function auditEntryFor(ctx: Context, attempt: AccessAttempt): AuditEntry {
    const { record, agent, decision, emergency } = attempt;
    return {
        id: ctx.stub.getTxID(),
        type: emergency ? SecurityAlertEvent : PatientRecordEvent,
        subtype: emergency ? EmergencyOverrideStarted : undefined,
        action: 'R',
        recorded: txTimeIso(ctx),
        outcome: decision.allowed ? '0' : '4',
        outcomeDesc: decision.allowed ? undefined : decision.reason,
        purposeOfEvent: emergency ? BreakGlassPurpose : attempt.purpose,
        agent: { mspId: agent.mspId, actorId: agent.actorId, role: agent.role, requestor: true },
        entity: { recordId: record.id, patientId: record.patientId, custodianMsp: record.custodianMsp },
        consentId: decision.allowed ? decision.consentId : undefined,
        emergency: emergency !== undefined,
        reasonCode: emergency?.reasonCode,
        reasonDigest: emergency?.reasonDigest,
        careRelationship: emergency?.careRelationship,
    };
}

/** The entry and its two index copies, sent to the peer as one WRITE_BATCH_STATE on Fabric 3.1. */
export async function putAuditEntry(ctx: Context, entry: AuditEntry): Promise<void> {
    const bytes = toBytes(entry);
    await inWriteBatch(ctx, async () => {
        await ctx.stub.putState(EhrKeys.audit(ctx, entry.id), bytes);
        await ctx.stub.putState(EhrKeys.auditByRecord(ctx, entry.entity.recordId, entry.recorded, entry.id), bytes);
        await ctx.stub.putState(EhrKeys.auditByPatient(ctx, entry.entity.patientId, entry.recorded, entry.id), bytes);
    });
}

export async function getAuditEntry(ctx: Context, auditId: string): Promise<AuditEntry | undefined> {
    const bytes = await ctx.stub.getState(EhrKeys.audit(ctx, auditId));
    return bytes && bytes.length > 0 ? fromBytes<AuditEntry>(bytes) : undefined;
}
