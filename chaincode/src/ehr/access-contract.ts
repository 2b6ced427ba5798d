import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
    caller,
    CareLedgerContract,
    conflict,
    forbidden,
    invalidArgument,
    notFound,
    pageByPartialKey,
    parsePageSize,
    RegulatorMsp,
    requireId,
    requireOneOf,
    requireString,
    txTime,
} from '../common';
import { decideEmergencyAccess, decideOrdinaryAccess, type AccessDecision, type Agent } from './access-rules';
import { auditEntryFor, getAuditEntry, putAuditEntry } from './audit';
import { BreakGlassReasonCodes } from './codes';
import { requirePurpose } from './consent';
import { EhrObjects } from './keys';
import { getLocation, isPendingLocation, requireSalt, saltedDigest, TransientKeys, transientText } from './location';
import { queriedPatientId, speaksForPatient } from './patients';
import { requireBookmark } from './ranges';
import { isRegulatorInspector, isStaffOf } from './readers';
import { isErased, requireRecord } from './records';
import type { AccessResult, AuditEntry, BreakGlassAlert, CareRelationship, LocationGrant, StoredRecord } from './types';
import { emitEhrEvent } from './events';
import { checkBreakGlass, putBreakGlassUsage } from './break-glass';

/** How long after an allowed access its agent may fetch the document's location. */
export const LocationWindowMs = 10 * 60_000;
/** Tolerance for client clocks: an access may be stamped this far after the query that follows it. */
export const ClockSkewMs = 60_000;

/**
 * Reading records. Every read is a submitted transaction that decides at transaction time and
 * writes an audit entry, allowed or denied; break-glass reads are flagged. The location of the
 * document is released afterwards by a query on the custodian's peer, to the agent of a recent
 * allowed access only.
 */
@Info({ title: 'EHR access', description: 'Audited record access, break-glass and the access audit trail' })
export class EhrAccessContract extends CareLedgerContract {
    constructor() {
        super('ehr-access');
    }

    /** Reads a record's pointer for `purpose` (v3-ActReason). Denied attempts return `allowed: false` and are recorded. */
    @Transaction()
    @Returns('string')
    async AccessRecord(ctx: Context, recordId: string, purpose: string): Promise<string> {
        const id = requireId(recordId, 'recordId');
        const purposeCode = requirePurpose(purpose, 'purpose');
        const agent = requireAttributedCaller(ctx);
        const record = await requireReadableRecord(ctx, id);
        const decision = await decideOrdinaryAccess(ctx, agent, record, purposeCode);
        return JSON.stringify(await recordAttempt(ctx, record, agent, purposeCode, decision));
    }

    /**
     * Emergency override: reads without consent. `reasonCode` is a public category; the reason
     * itself (transient `reason`, with a random transient `salt`) may describe the patient, so only
     * its salted digest is kept. The entry is flagged and `ehr.EmergencyAccess` tells the patient's side.
     * The break-glass controls (break-glass.ts: rate, breadth and care-relationship limits per
     * practitioner) may refuse it; every attempt's event carries the alert for the custodian and the regulator.
     */
    @Transaction()
    @Returns('string')
    async BreakGlassAccess(ctx: Context, recordId: string, reasonCode: string): Promise<string> {
        const id = requireId(recordId, 'recordId');
        const code = requireOneOf(reasonCode, 'reasonCode', BreakGlassReasonCodes);
        const reason = requireString(transientText(ctx, TransientKeys.reason), `transient.${TransientKeys.reason}`, {
            min: 10,
            max: 2000,
        });
        const salt = requireSalt(transientText(ctx, TransientKeys.salt), `transient.${TransientKeys.salt}`);
        const agent = requireAttributedCaller(ctx);
        const record = await requireReadableRecord(ctx, id);
        const ruled = await decideEmergencyAccess(ctx, agent, record);
        const controls = await checkBreakGlass(ctx, agent, record, ruled.allowed);
        const decision: AccessDecision =
            ruled.allowed && controls.denial ? { allowed: false, reason: controls.denial } : ruled;
        if (decision.allowed) {
            await putBreakGlassUsage(ctx, controls.usage);
        }
        const emergency = {
            reasonCode: code,
            reasonDigest: saltedDigest(salt, reason),
            careRelationship: controls.alert.careRelationship,
            alert: controls.alert,
        };
        return JSON.stringify(await recordAttempt(ctx, record, agent, 'BTG', decision, emergency));
    }

    /**
     * The document location, from the custodian's private data: run it on a custodian peer. Only
     * the agent of an allowed access (`auditId`) to this record within the last
     * {@link LocationWindowMs} gets it; regulators never do.
     */
    @Transaction(false)
    @Returns('string')
    async GetRecordLocation(ctx: Context, recordId: string, auditId: string): Promise<string> {
        const id = requireId(recordId, 'recordId');
        const entryId = requireId(auditId, 'auditId');
        const agent = requireAttributedCaller(ctx);
        if (agent.mspId === RegulatorMsp) {
            throw forbidden('regulators read audit trails and consents, never document locations');
        }
        const entry = await getAuditEntry(ctx, entryId);
        if (
            !entry ||
            entry.entity.recordId !== id ||
            entry.agent.mspId !== agent.mspId ||
            entry.agent.actorId !== agent.actorId
        ) {
            throw forbidden(`audit entry ${entryId} is not an access to record ${id} by the caller`);
        }
        if (entry.outcome !== '0') {
            throw forbidden(`audit entry ${entryId} records a denied access`);
        }
        const age = txTime(ctx).getTime() - Date.parse(entry.recorded);
        if (age > LocationWindowMs || age < -ClockSkewMs) {
            throw forbidden(
                `audit entry ${entryId} is older than ${LocationWindowMs / 60_000} minutes; access the record again`,
            );
        }
        const record = await requireRecord(ctx, id);
        if (isErased(record)) {
            throw notFound('record', id);
        }
        // Only the custodian's peers hold the value; elsewhere Fabric refuses the read.
        const stored = await getLocation(ctx, record.custodianMsp, id).catch(() => undefined);
        if (!stored) {
            throw notFound(`location (held by ${record.custodianMsp} peers; query one of them) of record`, id);
        }
        if (saltedDigest(stored.salt, stored.location) !== record.locationDigest) {
            throw invalidArgument('recordId', "stored location does not match the record's locationDigest");
        }
        const grant: LocationGrant = {
            recordId: id,
            auditId: entryId,
            location: stored.location,
            contentHash: record.contentHash,
            mediaType: record.mediaType,
        };
        return JSON.stringify(grant);
    }

    /** One audit entry, for its agent, the patient, their delegates, the custodian's staff and regulators. */
    @Transaction(false)
    @Returns('string')
    async GetAuditEntry(ctx: Context, auditId: string): Promise<string> {
        const id = requireId(auditId, 'auditId');
        const entry = await getAuditEntry(ctx, id);
        if (!entry) {
            throw notFound('audit entry', id);
        }
        const who = caller(ctx);
        const isAgent = entry.agent.mspId === who.mspId && entry.agent.actorId === who.actorId;
        if (!(isAgent || (await mayReadTrailOf(ctx, entry.entity)))) {
            throw forbidden(
                `audit entry ${id} is readable by its agent, the patient, the custodian and regulators only`,
            );
        }
        return JSON.stringify(entry);
    }

    /** Every access to one record, oldest first: for the patient, their delegates, the custodian's staff and regulators. */
    @Transaction(false)
    @Returns('string')
    async ListAuditByRecord(ctx: Context, recordId: string, pageSize: string, bookmark: string): Promise<string> {
        const id = requireId(recordId, 'recordId');
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        const record = await requireRecord(ctx, id);
        if (!(await mayReadTrailOf(ctx, record))) {
            throw forbidden(`the audit trail of record ${id} is for its patient, custodian and regulators only`);
        }
        const page = await pageByPartialKey<AuditEntry>(ctx, EhrObjects.auditByRecord, [id], size, mark);
        return JSON.stringify(page);
    }

    /** Every access to a patient's records, oldest first: for the patient (empty `patientId`: the caller), their delegates and regulators. */
    @Transaction(false)
    @Returns('string')
    async ListAuditByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
        const who = caller(ctx);
        const id = queriedPatientId(who, patientId);
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        if (!(isRegulatorInspector(who) || (await speaksForPatient(ctx, id)))) {
            throw forbidden(`the audit trail of patient ${id} is for the patient, their delegates and regulators only`);
        }
        const page = await pageByPartialKey<AuditEntry>(ctx, EhrObjects.auditByPatient, [id], size, mark);
        return JSON.stringify(page);
    }
}

function requireAttributedCaller(ctx: Context): Agent {
    const who = caller(ctx);
    if (!who.actorId) {
        // An access nobody can be held to account for is not an access attempt worth keeping.
        throw forbidden(`caller's certificate has no careledger.id attribute`);
    }
    return who as Agent;
}

async function mayReadTrailOf(ctx: Context, subject: { patientId: string; custodianMsp: string }): Promise<boolean> {
    const who = caller(ctx);
    return (
        isRegulatorInspector(who) || isStaffOf(who, subject.custodianMsp) || speaksForPatient(ctx, subject.patientId)
    );
}

async function recordAttempt(
    ctx: Context,
    record: StoredRecord,
    agent: Agent,
    purpose: string,
    decision: AccessDecision,
    emergency?: {
        reasonCode: string;
        reasonDigest: string;
        careRelationship: CareRelationship;
        alert: BreakGlassAlert;
    },
): Promise<AccessResult> {
    const entry = auditEntryFor(ctx, { record, agent, purpose, decision, emergency });
    await putAuditEntry(ctx, entry);
    const eventName = !decision.allowed ? 'ehr.AccessDenied' : emergency ? 'ehr.EmergencyAccess' : 'ehr.RecordAccessed';
    emitEhrEvent(ctx, eventName, {
        auditId: entry.id,
        recordId: entry.entity.recordId,
        patientId: entry.entity.patientId,
        custodianMsp: entry.entity.custodianMsp,
        agent: { mspId: entry.agent.mspId, actorId: entry.agent.actorId },
        purpose: entry.purposeOfEvent,
        outcome: entry.outcome,
        reason: entry.outcomeDesc,
        emergency: entry.emergency,
        reasonCode: entry.reasonCode,
        alert: emergency?.alert,
    });
    const allowedRecord = decision.allowed && !isErased(record) ? record : undefined;
    return { audit: entry, allowed: decision.allowed, record: allowedRecord };
}

/**
 * The record an access reads. A pending pointer (its location never committed) is refused before
 * any decision: nothing could be released, and nothing is recorded (CONFLICT leaves the ledger as it was).
 */
async function requireReadableRecord(ctx: Context, recordId: string): Promise<StoredRecord> {
    const record = await requireRecord(ctx, recordId);
    if (!isErased(record) && (await isPendingLocation(ctx, record))) {
        throw conflict(`record ${recordId} is pending: its custodian has not stored its location`, 'recordId');
    }
    return record;
}
