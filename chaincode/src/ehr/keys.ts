import type { Context } from 'fabric-contract-api';
import { compositeKey } from '../common';

/**
 * Every key of the EHR domain. Primary keys hold the object; index keys (`...By...`) let every
 * list be a range over a partial key, so nothing is ever found by scanning.
 */
export const EhrObjects = {
    patient: 'ehr.patient',
    delegate: 'ehr.delegate',
    record: 'ehr.record',
    recordByPatient: 'ehr.record.byPatient',
    recordByCustodian: 'ehr.record.byCustodian',
    /** In the custodian's implicit collection, not world state. */
    location: 'ehr.location',
    consent: 'ehr.consent',
    consentByPatient: 'ehr.consent.byPatient',
    /** Live (not revoked) consents, ordered grantee → patient so an access reads one short range. */
    consentByGrantee: 'ehr.consent.byGrantee',
    audit: 'ehr.audit',
    auditByRecord: 'ehr.audit.byRecord',
    auditByPatient: 'ehr.audit.byPatient',
    erasure: 'ehr.erasure',
    /** Break-glass reads of one practitioner on one UTC day (break-glass.ts). */
    breakGlassUsage: 'ehr.breakglass.usage',
} as const;

/** Grantee key part of an org-wide consent; actor ids start with a letter or digit, so it cannot clash. */
export const WholeOrg = '*';

export const EhrKeys = {
    patient: (ctx: Context, patientId: string) => compositeKey(ctx, EhrObjects.patient, [patientId]),
    delegate: (ctx: Context, patientId: string, mspId: string, actorId: string) =>
        compositeKey(ctx, EhrObjects.delegate, [patientId, mspId, actorId]),

    record: (ctx: Context, recordId: string) => compositeKey(ctx, EhrObjects.record, [recordId]),
    recordByPatient: (ctx: Context, patientId: string, custodianMsp: string, recordId: string) =>
        compositeKey(ctx, EhrObjects.recordByPatient, [patientId, custodianMsp, recordId]),
    recordByCustodian: (ctx: Context, custodianMsp: string, recordId: string) =>
        compositeKey(ctx, EhrObjects.recordByCustodian, [custodianMsp, recordId]),
    location: (ctx: Context, recordId: string) => compositeKey(ctx, EhrObjects.location, [recordId]),

    consent: (ctx: Context, consentId: string) => compositeKey(ctx, EhrObjects.consent, [consentId]),
    consentByPatient: (ctx: Context, patientId: string, consentId: string) =>
        compositeKey(ctx, EhrObjects.consentByPatient, [patientId, consentId]),
    consentByGrantee: (
        ctx: Context,
        mspId: string,
        actorId: string | undefined,
        patientId: string,
        consentId: string,
    ) => compositeKey(ctx, EhrObjects.consentByGrantee, [mspId, actorId ?? WholeOrg, patientId, consentId]),

    audit: (ctx: Context, auditId: string) => compositeKey(ctx, EhrObjects.audit, [auditId]),
    /** `recorded` (ISO-8601 UTC) before the id keeps each trail in time order. */
    auditByRecord: (ctx: Context, recordId: string, recorded: string, auditId: string) =>
        compositeKey(ctx, EhrObjects.auditByRecord, [recordId, recorded, auditId]),
    auditByPatient: (ctx: Context, patientId: string, recorded: string, auditId: string) =>
        compositeKey(ctx, EhrObjects.auditByPatient, [patientId, recorded, auditId]),

    erasure: (ctx: Context, erasureId: string) => compositeKey(ctx, EhrObjects.erasure, [erasureId]),
    /** `day` is YYYY-MM-DD (UTC) of the transaction timestamp. */
    breakGlassUsage: (ctx: Context, mspId: string, actorId: string, day: string) =>
        compositeKey(ctx, EhrObjects.breakGlassUsage, [mspId, actorId, day]),
} as const;
