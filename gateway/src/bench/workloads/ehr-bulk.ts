import { MaxConsentsPerBatch, MaxRecordsPerBatch } from '@careledger/chaincode';
import { EhrClient } from '../../ehr';
import type { TargetCheck } from '../results';
import { peakOf, type WorkloadResult } from '../results';
import type { Workload } from '../workload';
import { ensureClinicalWorld, recordOf } from './ehr';

/**
 * EHR workloads in business units, each compared with the floor's transactions per second in the
 * same run: pointers per second one at a time (both transactions of each pointer counted), pointers
 * per second in bulk, consents per second in bulk. Kept apart from workloads/ehr.ts so the EHR and
 * supply benchmark work do not meet in one file.
 */
const Hospital = 'HospitalMSP';
const Physician = { org: 'hospital', user: 'physician1' };
const Patient = { org: 'hospital', user: 'patient1' };

/** One pointer at a time, counted in pointers: EhrClient.registerRecord's two transactions make one. */
export const ehrPointers: Workload = {
    name: 'ehr-pointers',
    title: 'EHR pointers, one at a time',
    call: 'submit',
    operation:
        'EhrClient.registerRecord of one pointer: ehr:RegisterRecord then ehr:StoreRecordLocation (custodian-only); ratio in pointers/s to floor tx/s',
    callsPerOp: 2,
    units: { name: 'pointers', perOp: 1 },
    floor: 'floor-put',
    async prepare(context) {
        const patientId = await ensureClinicalWorld(context);
        const physician = new EhrClient(await context.session(Physician.org, Physician.user));
        return async (client, seq) => {
            await physician.registerRecord(recordOf(`one-${context.tag}-${client}-${seq}`, patientId));
        };
    },
};

/** An EHR back-filling its document index: a full batch of pointers in two transactions. */
export const ehrPointersBulk: Workload = {
    name: 'ehr-pointers-bulk',
    title: `EHR pointers in bulk (${MaxRecordsPerBatch} per call)`,
    call: 'submit',
    operation: `EhrClient.registerRecords of ${MaxRecordsPerBatch} pointers: one ehr:RegisterRecords, one ehr:StoreRecordLocations (custodian-only); ratio in pointers/s to floor tx/s`,
    callsPerOp: 2,
    units: { name: 'pointers', perOp: MaxRecordsPerBatch },
    floor: 'floor-put',
    async prepare(context) {
        const patientId = await ensureClinicalWorld(context);
        const physician = new EhrClient(await context.session(Physician.org, Physician.user));
        return async (client, seq) => {
            const ids = Array.from(
                { length: MaxRecordsPerBatch },
                (_, index) => `bulk-${context.tag}-${client}-${seq}-${index}`,
            );
            await physician.registerRecords(ids.map((id) => recordOf(id, patientId)));
        };
    },
};

/** A patient granting a care team's consents at once: a full batch, each to its own grantee. */
export const ehrConsentsBulk: Workload = {
    name: 'ehr-consents-bulk',
    title: `Consents in bulk (${MaxConsentsPerBatch} per call)`,
    call: 'submit',
    operation: `EhrClient.grantConsents of ${MaxConsentsPerBatch} consents by patient1 (scope all, TREAT), a distinct grantee each; ratio in consents/s to floor tx/s`,
    callsPerOp: 1,
    units: { name: 'consents', perOp: MaxConsentsPerBatch },
    floor: 'floor-put',
    async prepare(context) {
        await ensureClinicalWorld(context);
        const patient = new EhrClient(await context.session(Patient.org, Patient.user));
        const end = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
        return async (client, seq) => {
            await patient.grantConsents(
                Array.from({ length: MaxConsentsPerBatch }, (_, index) => {
                    const id = `${context.tag}-${client}-${seq}-${index}`;
                    return {
                        id: `cons-${id}`,
                        grantee: { mspId: Hospital, actorId: `bg-${id}` },
                        scope: { kind: 'all' as const },
                        purposes: ['TREAT'],
                        period: { end },
                    };
                }),
            );
        };
    },
};

/** Issue 19's EHR targets, as ratios to the floor's committed transactions per second in the same run. */
export const EhrTargets = {
    pointersOneAtATime: 0.45,
    pointersBulk: 0.9,
    grantConsent: 0.85,
    accessRecord: 0.8,
} as const;

export function checkEhrTargets(byName: ReadonlyMap<string, WorkloadResult>): TargetCheck[] {
    const floor = byName.get('floor-put');
    if (!floor) {
        return [];
    }
    const floorTx = peakOf(floor).summary.txPerSecond;
    const checks: TargetCheck[] = [];
    const ratio = (name: string, target: number, what: string) => {
        const workload = byName.get(name);
        if (!workload) {
            return;
        }
        const peak = peakOf(workload);
        const rate = peak.unitsPerSecond ?? peak.summary.txPerSecond;
        const measured = rate / Math.max(1e-9, floorTx);
        checks.push({
            target: `${what} ≥ ${target} × the floor's tx/s`,
            measured: `${measured.toFixed(2)} × (${rate.toFixed(1)} ${workload.units?.name ?? 'tx'}/s against ${floorTx.toFixed(1)} floor tx/s)`,
            met: measured >= target,
        });
    };
    ratio('ehr-pointers', EhrTargets.pointersOneAtATime, 'EHR pointers one at a time (both transactions), pointers/s');
    ratio('ehr-pointers-bulk', EhrTargets.pointersBulk, 'EHR pointers in bulk, pointers/s');
    ratio('ehr-consents-bulk', EhrTargets.grantConsent, 'Consents in bulk, consents/s');
    ratio('grant-consent', EhrTargets.grantConsent, 'Grant consent, tx/s');
    ratio('access-record', EhrTargets.accessRecord, 'Access record, tx/s');
    return checks;
}
