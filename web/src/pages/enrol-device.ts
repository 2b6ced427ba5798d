import { Api } from '../api/client';
import { createCsr } from '../crypto/csr';
import { hex } from '../crypto/der';
import { generateDeviceKeys, saveIdentity, type DeviceIdentity } from '../crypto/device-key';
import { runOffline, type OfflineStep } from '../crypto/offline';
import type { Session } from '../session';

/** A fresh pseudonymous patient id and enrolment name: no name, birth date or other PHI. */
export function newPatientNames(): { user: string; actorId: string } {
    const random = hex(crypto.getRandomValues(new Uint8Array(4)));
    return { user: `patient-${random}`, actorId: `pat-${random}` };
}

/**
 * Enrols a patient whose key lives on this device: a non-extractable P-256 key, a CSR signed
 * with it, the org's CA certifies it through POST /auth/enroll (called with an enrolment
 * officer's token: the org admin's), and the first transaction — EnrolPatient — is signed
 * here. Returns the session of the new patient.
 */
export async function enrolPatientOnDevice(options: {
    baseUrl: string;
    enrolmentToken: string;
    user: string;
    actorId: string;
    onProgress: (label: string) => void;
}): Promise<Session> {
    options.onProgress('Creating your key on this device');
    const keys = await generateDeviceKeys();
    const csr = await createCsr(keys, options.user);
    options.onProgress('Asking the organisation to certify your key');
    const desk = new Api({ baseUrl: options.baseUrl, token: options.enrolmentToken });
    const enrolled = await desk.post<{ token: string; org: string; user: string; mspId: string; certificate: string }>(
        '/auth/enroll',
        { user: options.user, role: 'patient', actorId: options.actorId, csr },
    );
    const identity: DeviceIdentity = {
        id: `${enrolled.org}/${enrolled.user}`,
        org: enrolled.org,
        user: enrolled.user,
        actorId: options.actorId,
        keys,
        certificate: enrolled.certificate,
        token: enrolled.token,
    };
    await saveIdentity(identity);
    const patient = new Api({ baseUrl: options.baseUrl, token: enrolled.token });
    await runOffline(
        (path, body) => patient.post(path, body),
        keys.privateKey,
        { contract: 'ehr', name: 'EnrolPatient' },
        (stage: OfflineStep['stage']) => options.onProgress(`Registering you with ${enrolled.org}: ${stage}`),
    );
    return sessionOfDevice(identity, enrolled.mspId, options.baseUrl);
}

export function sessionOfDevice(identity: DeviceIdentity, mspId: string, baseUrl: string): Session {
    return {
        org: identity.org,
        user: identity.user,
        mspId,
        role: 'patient',
        actorId: identity.actorId,
        token: identity.token ?? '',
        baseUrl,
        signing: 'offline',
        deviceId: identity.id,
    };
}
