import { RegulatorMsp } from '../common/orgs';

/**
 * Who may receive an EHR chaincode event from a gateway's event stream (SSE, webhooks). Events
 * sit in every member's blocks, so they carry pseudonymous ids, codes, MSP ids and dates only;
 * but a gateway delivers them to its users under the same rules as the audit trail
 * (ListAuditByPatient / ListAuditByRecord), decided here, once, for every stream:
 *
 * - regulators (inspectors of RegulatorMSP): every EHR event;
 * - the patient the event is about — `patientEnrolledHere` says the reader is that patient,
 *   enrolled with this MSP (the gateway asks the contract once per stream);
 * - the custodian's staff (physician, nurse, admin of `custodianMsp`): record, access, location
 *   and erasure events of records it holds;
 * - bulk events: `ehr.RecordsRegistered` reaches a patient only when every pointer in it is theirs
 *   (the payload then names them); `ehr.ConsentsGranted` reaches its patient, never the grantees
 *   (each would learn who else was granted); grantees ask ListConsentsByGrantee;
 * - a consent's grantee when it names one practitioner; an org-wide consent is not announced to
 *   the org (only licensed clinicians may see it: they ask ListConsentsByGrantee, which checks the
 *   licence); a delegate: the events that name them.
 * Everyone else — other patients, pharmacists, operators, other orgs — receives no EHR event.
 * Delegates read the patient's trail with the audit queries, not the stream.
 */
export interface EventReader {
    mspId: string;
    role?: string;
    actorId?: string;
    /** The reader is a patient enrolled with `mspId` (their home MSP). */
    patientEnrolledHere?: boolean;
}

const staffRoles = ['physician', 'nurse', 'admin'];

export function mayReceiveEhrEvent(reader: EventReader, eventName: string, payload: unknown): boolean {
    if (!eventName.startsWith('ehr.')) {
        return true;
    }
    if (reader.mspId === RegulatorMsp && reader.role === 'inspector') {
        return true;
    }
    const event = (payload ?? {}) as Record<string, unknown>;
    const patientId = typeof event.patientId === 'string' ? event.patientId : undefined;
    if (
        reader.role === 'patient' &&
        reader.patientEnrolledHere === true &&
        patientId !== undefined &&
        reader.actorId === patientId
    ) {
        return true;
    }
    switch (eventName) {
        case 'ehr.RecordRegistered':
        case 'ehr.RecordsRegistered':
        case 'ehr.RecordAmended':
        case 'ehr.RecordLocationStored':
        case 'ehr.RecordLocationsStored':
        case 'ehr.RecordCancelled':
        case 'ehr.RecordAccessed':
        case 'ehr.AccessDenied':
        case 'ehr.EmergencyAccess':
        case 'ehr.ErasureRequested':
        case 'ehr.LocationsPurged':
            return (
                reader.role !== undefined &&
                staffRoles.includes(reader.role) &&
                typeof event.custodianMsp === 'string' &&
                reader.mspId === event.custodianMsp
            );
        case 'ehr.ConsentGranted':
        case 'ehr.ConsentRevoked': {
            const grantee = (event.grantee ?? {}) as { mspId?: string; actorId?: string };
            return (
                grantee.actorId !== undefined && reader.actorId === grantee.actorId && reader.mspId === grantee.mspId
            );
        }
        case 'ehr.DelegateNamed':
        case 'ehr.DelegateRemoved':
            return reader.actorId !== undefined && reader.actorId === event.actorId && reader.mspId === event.mspId;
        default:
            return false;
    }
}
