import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
    caller,
    CareLedgerContract,
    conflict,
    forbidden,
    invalidArgument,
    notFound,
    pageByPartialKey,
    inWriteBatch,
    parseJsonArg,
    parsePageSize,
    requireId,
    txTime,
    txTimeIso,
} from '../common';
import { isLicensedClinicianOf } from './clinicians';
import { grantsTo, parseGrantInput, requireGrantee } from './consent';
import {
    getConsent,
    liveConsentsFor,
    MaxLiveConsentsPerGrantee,
    putConsent,
    putNewConsent,
    retireFromGranteeIndex,
} from './consent-store';
import { EhrObjects, WholeOrg } from './keys';
import { queriedPatientId, requireActingFor, speaksForPatient } from './patients';
import { requireBookmark } from './ranges';
import { isRegulatorInspector } from './readers';
import { getRecord, isErased, requireOnlyFields } from './records';
import { forItem, MaxConsentsPerBatch, requireBatch, requireDistinct } from './batch';
import type { Consent, ConsentEventPayload } from './types';
import { emitEhrEvent } from './events';

/**
 * Patient-controlled consent, shaped after FHIR R4 Consent. Only the patient (from their own
 * certificate) or a delegate they named grants and revokes; grantees and regulators read.
 */
@Info({ title: 'EHR consent', description: 'Grant, revoke and list patient consents' })
export class EhrConsentContract extends CareLedgerContract {
    constructor() {
        super('ehr-consent');
    }

    /**
     * Grants `{id, grantee: {mspId, actorId?}, scope, purposes, period: {start?, end}}`. A delegate
     * adds `patientId`; a patient never needs to, and cannot name another patient.
     */
    @Transaction()
    @Returns('string')
    async GrantConsent(ctx: Context, consentJson: string): Promise<string> {
        const now = txTime(ctx);
        const input = parseGrantInput(parseJsonArg<Record<string, unknown>>(consentJson, 'consent'), now);
        const acting = await requireActingFor(ctx, input.patientId);
        const [consent] = await grantAll(ctx, [input], acting, now, (_index, rule) => rule());
        emitEhrEvent(ctx, 'ehr.ConsentGranted', consentEvent(consent));
        return JSON.stringify(consent);
    }

    /**
     * Grants up to {@link MaxConsentsPerBatch} consents of one patient in one transaction:
     * `{consents: [...]}`, each item as for GrantConsent (a delegate names the same `patientId` in
     * every item). Every item is checked before anything is written, the live-consent limit counts
     * the batch's own items; a refusal names the item (`consents[2].period.end`) and nothing is written.
     */
    @Transaction()
    @Returns('string')
    async GrantConsents(ctx: Context, batchJson: string): Promise<string> {
        const now = txTime(ctx);
        const batch = parseJsonArg<Record<string, unknown>>(batchJson, 'batch');
        requireOnlyFields(batch, ['consents'], 'batch');
        const items = requireBatch<unknown>(batch.consents, 'consents', MaxConsentsPerBatch);
        const inputs: ParsedGrant[] = [];
        for (const [index, item] of items.entries()) {
            inputs.push(
                await forItem('consent', 'consents', index, () => {
                    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
                        throw invalidArgument('consent', 'must be an object');
                    }
                    requireOnlyFields(item as Record<string, unknown>, GrantFields, 'consent');
                    return parseGrantInput(item as Record<string, unknown>, now);
                }),
            );
        }
        requireDistinct(
            inputs.map((input) => input.id),
            'consents',
            'id',
        );
        const named = inputs.findIndex((input) => input.patientId !== inputs[0].patientId);
        if (named >= 0) {
            throw invalidArgument(`consents[${named}].patientId`, 'every consent of a batch is for the same patient');
        }
        const acting = await requireActingFor(ctx, inputs[0].patientId);
        const consents = await grantAll(ctx, inputs, acting, now, (index, rule) =>
            forItem('consent', 'consents', index, rule),
        );
        emitEhrEvent(ctx, 'ehr.ConsentsGranted', { patientId: acting.patientId, consents: consents.map(consentEvent) });
        return JSON.stringify({ consents });
    }

    /** Revokes a consent at once. Only its patient or their delegate may; the grantee may not. */
    @Transaction()
    @Returns('string')
    async RevokeConsent(ctx: Context, consentId: string): Promise<string> {
        const id = requireId(consentId, 'consentId');
        const consent = await getConsent(ctx, id);
        if (!consent) {
            throw notFound('consent', id);
        }
        const acting = await requireActingFor(ctx, consent.patientId);
        if (consent.status !== 'active') {
            throw conflict(`consent ${id} is already revoked`, 'consentId');
        }
        const revoked: Consent = { ...consent, status: 'inactive', revokedAt: txTimeIso(ctx), revokedBy: acting.actor };
        await putConsent(ctx, revoked);
        await retireFromGranteeIndex(ctx, consent);
        emitEhrEvent(ctx, 'ehr.ConsentRevoked', consentEvent(revoked));
        return JSON.stringify(revoked);
    }

    /** One consent, for its patient, their delegates, its grantee and regulators. */
    @Transaction(false)
    @Returns('string')
    async GetConsent(ctx: Context, consentId: string): Promise<string> {
        const id = requireId(consentId, 'consentId');
        const consent = await getConsent(ctx, id);
        if (!consent) {
            throw notFound('consent', id);
        }
        const who = caller(ctx);
        const isGrantee =
            who.actorId !== undefined &&
            grantsTo(consent, who.mspId, who.actorId) &&
            (consent.grantee.actorId !== undefined || (await isLicensedClinicianOf(ctx, who, consent.grantee.mspId)));
        if (!(isGrantee || isRegulatorInspector(who) || (await speaksForPatient(ctx, consent.patientId)))) {
            throw forbidden(`consent ${id} is readable by its patient, grantee and regulators only`);
        }
        return JSON.stringify(consent);
    }

    /**
     * A patient's consent history, revoked ones included: for the patient (empty `patientId`
     * means the caller), their delegates and regulators.
     */
    @Transaction(false)
    @Returns('string')
    async ListConsentsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
        const who = caller(ctx);
        const id = queriedPatientId(who, patientId);
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        if (!(isRegulatorInspector(who) || (await speaksForPatient(ctx, id)))) {
            throw forbidden(
                `consents of patient ${id} are listed for the patient, their delegates and regulators only`,
            );
        }
        const page = await pageByPartialKey<{ consentId: string }, Consent>(
            ctx,
            EhrObjects.consentByPatient,
            [id],
            size,
            mark,
            (ref) => getConsent(ctx, ref.consentId),
        );
        return JSON.stringify(page);
    }

    /**
     * Live, unexpired consents that name grantee `{mspId, actorId?}` exactly (a practitioner, or an org
     * when `actorId` is absent): for that practitioner, licensed clinicians of that org, and regulators.
     */
    @Transaction(false)
    @Returns('string')
    async ListConsentsByGrantee(
        ctx: Context,
        granteeJson: string,
        pageSize: string,
        bookmark: string,
    ): Promise<string> {
        const grantee = requireGrantee(parseJsonArg<Record<string, unknown>>(granteeJson, 'grantee'), 'grantee');
        const size = parsePageSize(pageSize);
        const mark = requireBookmark(bookmark);
        const who = caller(ctx);
        const isGrantee =
            grantee.actorId === undefined
                ? await isLicensedClinicianOf(ctx, who, grantee.mspId)
                : who.mspId === grantee.mspId && grantee.actorId === who.actorId;
        if (!(isGrantee || isRegulatorInspector(who))) {
            throw forbidden('consents are listed for their grantee and regulators only');
        }
        const now = txTime(ctx);
        const page = await pageByPartialKey<{ consentId: string }, Consent>(
            ctx,
            EhrObjects.consentByGrantee,
            [grantee.mspId, grantee.actorId ?? WholeOrg],
            size,
            mark,
            async (ref) => {
                const consent = await getConsent(ctx, ref.consentId);
                return consent && now.getTime() < Date.parse(consent.period.end) ? consent : undefined;
            },
        );
        return JSON.stringify(page);
    }
}

function consentEvent(consent: Consent): ConsentEventPayload {
    return {
        consentId: consent.id,
        patientId: consent.patientId,
        status: consent.status,
        grantee: consent.grantee,
        scopeKind: consent.scope.kind,
        purposes: consent.purposes,
        periodEnd: consent.period.end,
        by: consent.revokedBy ?? consent.grantedBy,
    };
}

type ParsedGrant = ReturnType<typeof parseGrantInput>;

const GrantFields = ['id', 'patientId', 'grantee', 'scope', 'purposes', 'period'];

/**
 * Checks every grant, then writes them: ids new, listed records live records of the patient, at
 * most {@link MaxLiveConsentsPerGrantee} live consents per grantee counting the earlier grants of
 * the same call (a transaction does not read its own writes). Expired consents of each grantee are
 * pruned once. `check` names the item in a refusal.
 */
async function grantAll(
    ctx: Context,
    inputs: ParsedGrant[],
    acting: { patientId: string; actor: Consent['grantedBy'] },
    now: Date,
    check: <T>(index: number, rule: () => Promise<T>) => Promise<T>,
): Promise<Consent[]> {
    const groups = new Map<string, { live: number; expired: Consent[] }>();
    for (const [index, input] of inputs.entries()) {
        await check(index, async () => {
            if (await getConsent(ctx, input.id)) {
                throw conflict(`consent ${input.id} already exists`, 'consent.id');
            }
            if (input.scope.kind === 'records') {
                for (const [position, recordId] of input.scope.recordIds.entries()) {
                    const record = await getRecord(ctx, recordId);
                    // One rule for missing and foreign records, so a grant cannot probe other patients' ids.
                    if (!record || isErased(record) || record.patientId !== acting.patientId) {
                        throw invalidArgument(
                            `consent.scope.recordIds[${position}]`,
                            'must name a live record of the patient',
                        );
                    }
                }
            }
            const group = `${input.grantee.mspId}\n${input.grantee.actorId ?? WholeOrg}`;
            let counted = groups.get(group);
            if (!counted) {
                const live = await liveConsentsFor(ctx, input.grantee.mspId, input.grantee.actorId, acting.patientId);
                const expired = live.filter((consent) => Date.parse(consent.period.end) <= now.getTime());
                counted = { live: live.length - expired.length, expired };
                groups.set(group, counted);
            }
            if (counted.live >= MaxLiveConsentsPerGrantee) {
                throw conflict(
                    `at most ${MaxLiveConsentsPerGrantee} live consents per grantee and patient; revoke one first`,
                    'consent.grantee',
                );
            }
            counted.live += 1;
        });
    }
    const consents = inputs.map((input): Consent => ({
        id: input.id,
        patientId: acting.patientId,
        status: 'active',
        grantee: input.grantee,
        scope: input.scope,
        purposes: input.purposes,
        period: input.period,
        dateTime: now.toISOString(),
        grantedBy: acting.actor,
    }));
    // The pruned index entries and three writes per consent, as one WRITE_BATCH_STATE on Fabric 3.1.
    return inWriteBatch(ctx, async () => {
        for (const { expired } of groups.values()) {
            for (const stale of expired) {
                await retireFromGranteeIndex(ctx, stale);
            }
        }
        for (const consent of consents) {
            await putNewConsent(ctx, consent);
        }
        return consents;
    });
}
