import { Api } from './api/client';

/** A demo persona offered by GET /app/config (development ledgers only). */
export interface Persona {
    org: string;
    user: string;
    role: string;
    actorId: string;
    token: string;
    url: string;
}

export interface AppConfig {
    org: string;
    mspId: string;
    ledger: 'embedded' | 'fabric';
    personas: Persona[];
}

/** The signed-in persona. `signing: offline` means every transaction is signed by this device's key. */
export interface Session {
    org: string;
    user: string;
    mspId: string;
    role: string;
    actorId: string;
    token: string;
    baseUrl: string;
    signing: 'gateway' | 'offline';
    /** IndexedDB id of the device key (offline signers). */
    deviceId?: string;
}

const storageKey = 'careledger.session';

export function loadSession(): Session | undefined {
    try {
        const text = localStorage.getItem(storageKey);
        return text ? (JSON.parse(text) as Session) : undefined;
    } catch {
        return undefined;
    }
}

export function saveSession(session: Session | undefined): void {
    if (session) localStorage.setItem(storageKey, JSON.stringify(session));
    else localStorage.removeItem(storageKey);
}

export function apiOf(session: Pick<Session, 'baseUrl' | 'token'>): Api {
    return new Api({ baseUrl: session.baseUrl, token: session.token });
}

/** Signs in with a token that this gateway signs for: who the token is, from the gateway and the chaincode. */
export async function sessionFromToken(baseUrl: string, token: string): Promise<Session> {
    const api = new Api({ baseUrl, token });
    const me = await api.get<{ org: string; user: string; mspId: string; signing: 'gateway' | 'offline' }>('/auth/me');
    if (me.signing === 'offline') {
        throw new Error(
            `the token of ${me.user} is bound to a key kept on another device; sign in on that device, or enrol this one`,
        );
    }
    const who = await api.get<{ role?: string; actorId?: string }>('/system/whoami');
    return {
        org: me.org,
        user: me.user,
        mspId: me.mspId,
        role: who.role ?? 'unknown',
        actorId: who.actorId ?? '',
        token,
        baseUrl,
        signing: 'gateway',
    };
}

/** The page a role lands on. */
export function homeOf(role: string): string {
    if (role === 'patient') return '#/patient';
    if (role === 'physician' || role === 'nurse') return '#/clinician';
    if (role === 'operator' || role === 'pharmacist') return '#/supply';
    if (role === 'inspector') return '#/regulator';
    if (role === 'admin') return '#/admin';
    return '#/';
}

export const roleLabels: Record<string, string> = {
    patient: 'Patient',
    physician: 'Physician',
    nurse: 'Nurse',
    pharmacist: 'Pharmacist',
    operator: 'Supply operator',
    inspector: 'Inspector (regulator)',
    admin: 'Org administrator',
};
