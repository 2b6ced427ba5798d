import { ContractHarness, type HarnessIdentity } from '@careledger/testing';
import { Clinic, ehrCast, grantConsent, Hospital, registerRecord, type EhrCast } from '../../../test/fixtures/ehr';
import { BreakGlassLimits } from './break-glass';
import type { AccessEventPayload, AccessResult, BreakGlassUsage } from './types';

/**
 * Issue #17 finding 9: break-glass had no limit (a physician of another org read 30 records of
 * 2 patients in half a second). Each test tries to get around one control: many records, many
 * patients, another org, after the limit, another hour or practitioner.
 */
describe('break-glass controls', () => {
    let h: ContractHarness;
    let cast: EhrCast;
    const reason = 'Unresponsive on arrival; allergy history needed before anaesthesia.';
    const salt = 'cd'.repeat(16);
    const extraPatients: HarnessIdentity[] = [];

    const breakGlass = async (who: HarnessIdentity, recordId: string) => {
        const result = await h.submit(who, 'ehr-access:BreakGlassAccess', [recordId, 'unconscious'], {
            transient: { reason, salt },
        });
        return {
            result,
            access: result.json<AccessResult>(),
            event: result.event as { name: string; payload: AccessEventPayload },
        };
    };
    const usageOf = (who: HarnessIdentity, day = '2026-01-01') =>
        h.getState(h.key('ehr.breakglass.usage', who.mspId, who.actorId as string, day)) as BreakGlassUsage | undefined;

    beforeEach(async () => {
        h = await ContractHarness.create();
        cast = await ehrCast(h);
        extraPatients.length = 0;
        for (const n of [3, 4, 5]) {
            const patient = h.identity({ mspId: Hospital, role: 'patient', actorId: `pat-extra-000${n}` });
            await h.submit(patient, 'ehr:EnrolPatient');
            extraPatients.push(patient);
        }
        // 12 records of patient1, one each of patient2 and the three extra patients; custodian: the hospital.
        for (let i = 1; i <= 12; i++) {
            await registerRecord(h, cast.physician2, cast.patientId, `rec-p1-${i}`);
        }
        await registerRecord(h, cast.physician2, cast.patient2Id, 'rec-p2-1');
        for (const patient of extraPatients) {
            await registerRecord(h, cast.physician2, patient.actorId as string, `rec-${patient.actorId}`);
        }
    });

    it('many records of one patient: the read after the hourly limit is refused, audited and announced; the next hour opens again', async () => {
        for (let i = 1; i <= BreakGlassLimits.readsPerHour; i++) {
            const { access, event } = await breakGlass(cast.physician, `rec-p1-${i}`);
            expect(access.allowed).toBe(true);
            expect(access.audit.careRelationship).toBe('custodian');
            expect(event.payload.alert).toEqual({
                careRelationship: 'custodian',
                readsThisHour: i,
                readsToday: i,
                patientsToday: 1,
                limited: false,
            });
            h.advance(1000);
        }
        const usage = usageOf(cast.physician);
        const refused = await breakGlass(cast.physician, 'rec-p1-11');
        expect(refused.access).toEqual({
            allowed: false,
            audit: expect.objectContaining({ outcome: '4', outcomeDesc: 'break-glass-rate-limit', emergency: true }),
        });
        expect(refused.access.record).toBeUndefined();
        expect(refused.event).toMatchObject({
            name: 'ehr.AccessDenied',
            payload: {
                reason: 'break-glass-rate-limit',
                emergency: true,
                alert: { limited: true, readsThisHour: BreakGlassLimits.readsPerHour },
            },
        });
        // The refusal is on the trail, the counts did not move, and it releases no location.
        expect(h.getState(h.key('ehr.audit', refused.result.txId))).toMatchObject({ outcome: '4' });
        expect(usageOf(cast.physician)).toEqual(usage);
        await expect(
            h.evaluate(cast.physician, 'ehr-access:GetRecordLocation', ['rec-p1-11', refused.result.txId], {
                endorsers: [Hospital],
            }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
        // Re-reading a record already read does not get around it either.
        expect((await breakGlass(cast.physician, 'rec-p1-1')).access.audit.outcomeDesc).toBe('break-glass-rate-limit');
        h.setTime('2026-01-01T01:00:00Z');
        expect((await breakGlass(cast.physician, 'rec-p1-11')).access.allowed).toBe(true);
        expect(usageOf(cast.physician)).toMatchObject({ reads: 11, readsByHour: { '00': 10, '01': 1 } });
    });

    it('the daily limit holds across hours, and resets on the next UTC day', async () => {
        let allowed = 0;
        for (let hour = 0; hour < 4; hour++) {
            h.setTime(`2026-01-01T0${hour}:00:00Z`);
            for (let i = 1; i <= BreakGlassLimits.readsPerHour; i++) {
                allowed += (await breakGlass(cast.physician, `rec-p1-${i}`)).access.allowed ? 1 : 0;
            }
        }
        expect(allowed).toBe(BreakGlassLimits.readsPerDay);
        expect(usageOf(cast.physician)?.reads).toBe(BreakGlassLimits.readsPerDay);
        h.setTime('2026-01-02T00:00:00Z');
        expect((await breakGlass(cast.physician, 'rec-p1-1')).access.allowed).toBe(true);
        expect(usageOf(cast.physician, '2026-01-02')?.reads).toBe(1);
    });

    it('many patients: a new patient beyond the daily limit is refused; patients already read stay readable', async () => {
        const patientRecords = ['rec-p1-1', 'rec-p2-1', ...extraPatients.map((p) => `rec-${p.actorId}`)];
        for (const recordId of patientRecords.slice(0, BreakGlassLimits.patientsPerDay)) {
            expect((await breakGlass(cast.physician, recordId)).access.allowed).toBe(true);
        }
        const fourth = await breakGlass(cast.physician, patientRecords[BreakGlassLimits.patientsPerDay]);
        expect(fourth.access.audit.outcomeDesc).toBe('break-glass-patient-limit');
        expect(fourth.event.payload.alert).toMatchObject({ limited: true, patientsToday: 3 });
        expect((await breakGlass(cast.physician, 'rec-p1-2')).access.allowed).toBe(true);
        expect(usageOf(cast.physician)?.patients).toEqual(
            [cast.patientId, cast.patient2Id, extraPatients[0].actorId].sort(),
        );
    });

    it('another org without a care relationship: one unrelated patient a day, flagged; the second is refused', async () => {
        const first = await breakGlass(cast.clinicPhysician, 'rec-p1-1');
        expect(first.access.allowed).toBe(true);
        expect(first.access.audit.careRelationship).toBe('none');
        expect(first.event).toMatchObject({
            name: 'ehr.EmergencyAccess',
            payload: {
                custodianMsp: Hospital,
                agent: { mspId: Clinic, actorId: 'prac-clin-0001' },
                alert: { careRelationship: 'none', limited: false },
            },
        });
        // More records of the same (already counted) unrelated patient are within the rate limits.
        expect((await breakGlass(cast.clinicPhysician, 'rec-p1-2')).access.allowed).toBe(true);
        const second = await breakGlass(cast.clinicPhysician, 'rec-p2-1');
        expect(second.access.audit).toMatchObject({
            outcome: '4',
            outcomeDesc: 'break-glass-no-care-relationship',
            careRelationship: 'none',
        });
        expect(second.event.payload.alert).toMatchObject({ careRelationship: 'none', limited: true });
        expect(usageOf(cast.clinicPhysician)?.unrelatedPatients).toEqual([cast.patientId]);
    });

    it("a consent of the patient to the practitioner's org is a care relationship", async () => {
        await breakGlass(cast.clinicPhysician, 'rec-p1-1');
        await grantConsent(h, cast.patient2, 'c-clinic', {
            grantee: { mspId: Clinic },
            scope: { kind: 'records', recordIds: ['rec-p2-1'] },
        });
        const related = await breakGlass(cast.clinicPhysician, 'rec-p2-1');
        expect(related.access.allowed).toBe(true);
        expect(related.access.audit.careRelationship).toBe('consent');
    });

    it('limits are per practitioner: another clinician is unaffected, and a refused practitioner stays refused', async () => {
        for (let i = 1; i <= BreakGlassLimits.readsPerHour; i++) {
            await breakGlass(cast.physician, `rec-p1-${i}`);
        }
        expect((await breakGlass(cast.physician, 'rec-p1-11')).access.allowed).toBe(false);
        expect((await breakGlass(cast.nurse, 'rec-p1-11')).access.allowed).toBe(true);
        expect((await breakGlass(cast.physician, 'rec-p1-12')).access.allowed).toBe(false);
        // An ordinary, consented read is not break-glass and is not limited by it.
        await grantConsent(h, cast.patient, 'c-1');
        const ordinary = await h.submit(cast.physician, 'ehr-access:AccessRecord', ['rec-p1-12', 'TREAT']);
        expect(ordinary.json<AccessResult>().allowed).toBe(true);
    });

    it('refused callers (not a clinician, regulator) do not count, and their attempts still carry the alert', async () => {
        const attempt = await breakGlass(cast.pharmacist, 'rec-p1-1');
        expect(attempt.access.audit.outcomeDesc).toBe('not-a-clinician');
        expect(attempt.event.payload.alert).toMatchObject({ careRelationship: 'custodian', readsToday: 0 });
        expect(usageOf(cast.pharmacist)).toBeUndefined();
    });
});
