import { CredentialsClient, commitDocument } from '../../credentials';
import { documentDigest, EhrClient, type NewRecord } from '../../ehr';
import { LedgerError } from '../../ledger';
import { forEachConcurrently, type BenchContext, type Workload } from '../workload';

const Hospital = 'HospitalMSP';
const Physician = { org: 'hospital', user: 'physician1', actorId: 'prac-hosp-0001' };
const Patient = { org: 'hospital', user: 'patient1' };
/** Records the access workload reads, spread so no record is a hot spot. */
const AccessedRecords = 20;

const isCode = (error: unknown, code: string) => error instanceof LedgerError && error.code === code;

/** A stand-in document of record `id`: what a pointer describes and where it lives. */
export function recordOf(id: string, patientId: string): NewRecord {
    const { contentHash, size } = documentDigest(`bench document ${id}`);
    return {
        id,
        patientId,
        type: { system: 'http://loinc.org', code: '11506-3' },
        contentHash,
        size,
        mediaType: 'application/pdf',
        location: `https://docs.hospital.example/bench/${id}.pdf`,
    };
}

/**
 * physician1 holds a valid MedicalLicense (the regulator trusts itself as issuer and issues one
 * unless one is valid already) and patient1 is enrolled. Returns patient1's id.
 */
export function ensureClinicalWorld(context: BenchContext): Promise<string> {
    return context.once('ehr-world', async () => {
        const regulator = new CredentialsClient(await context.session('regulator', 'admin'));
        await regulator
            .registerIssuer({
                type: 'MedicalLicense',
                mspId: 'RegulatorMSP',
                roles: ['admin'],
                subjectScope: 'any-org',
            })
            .catch((error: unknown) => {
                if (!isCode(error, 'CONFLICT')) throw error;
            });
        const subject = { mspId: Hospital, actorId: Physician.actorId };
        if ((await regulator.checkPractitioner(subject, 'MedicalLicense')).verdict !== 'valid') {
            await regulator.issue({
                id: `lic-${context.tag}`,
                type: 'MedicalLicense',
                subject,
                commitment: commitDocument(`bench licence ${context.tag}`).commitment,
            });
        }
        const patient = new EhrClient(await context.session(Patient.org, Patient.user));
        return (await patient.enrolPatient()).patientId;
    });
}

/** The pointer and its location: EhrClient.registerRecord's two transactions. */
export const registerEhrPointer: Workload = {
    name: 'register-ehr-pointer',
    title: 'Register EHR pointer',
    call: 'submit',
    operation:
        'EhrClient.registerRecord: ehr:RegisterRecord (public pointer, licence and enrolment checked) then ehr:StoreRecordLocation (custodian-only private data)',
    callsPerOp: 2,
    floor: 'floor-put',
    async prepare(context) {
        const patientId = await ensureClinicalWorld(context);
        const physician = new EhrClient(await context.session(Physician.org, Physician.user));
        return async (client, seq) => {
            await physician.registerRecord(recordOf(`rec-${context.tag}-${client}-${seq}`, patientId));
        };
    },
};

/** A patient grants a consent; every grant names its own grantee, as distinct clinicians would be. */
export const grantConsent: Workload = {
    name: 'grant-consent',
    title: 'Grant consent',
    call: 'submit',
    operation: 'EhrClient.grantConsent by patient1, scope all, purpose TREAT, to a distinct grantee each time',
    callsPerOp: 1,
    floor: 'floor-put',
    async prepare(context) {
        await ensureClinicalWorld(context);
        const patient = new EhrClient(await context.session(Patient.org, Patient.user));
        const end = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
        return async (client, seq) => {
            const id = `${context.tag}-${client}-${seq}`;
            await patient.grantConsent({
                id: `con-${id}`,
                grantee: { mspId: Hospital, actorId: `g-${id}` },
                scope: { kind: 'all' },
                purposes: ['TREAT'],
                period: { end },
            });
        };
    },
};

/** An audited read by a consented physician: decided at transaction time and recorded. */
export const accessRecord: Workload = {
    name: 'access-record',
    title: 'Access record (audited)',
    call: 'submit',
    operation: `EhrClient.accessRecord(TREAT) by physician1 under patient1's consent, over ${AccessedRecords} records`,
    callsPerOp: 1,
    floor: 'floor-put',
    async prepare(context) {
        const patientId = await ensureClinicalWorld(context);
        const physician = new EhrClient(await context.session(Physician.org, Physician.user));
        const patient = new EhrClient(await context.session(Patient.org, Patient.user));
        const ids = Array.from({ length: AccessedRecords }, (_, index) => `acc-${context.tag}-${index}`);
        await forEachConcurrently(ids, 10, (id) => physician.registerRecord(recordOf(id, patientId)));
        // An hour is enough for the run; expired consents are pruned by later grants to the physician.
        await patient.grantConsent({
            id: `con-acc-${context.tag}`,
            grantee: { mspId: Hospital, actorId: Physician.actorId },
            scope: { kind: 'all' },
            purposes: ['TREAT'],
            period: { end: new Date(Date.now() + 3600_000).toISOString() },
        });
        return async (client, seq) => {
            const result = await physician.accessRecord(ids[(client * 7 + seq) % ids.length], 'TREAT');
            if (!result.allowed) {
                throw new Error(`access-record: access denied (${result.audit.outcomeDesc ?? 'no reason'})`);
            }
        };
    },
};
