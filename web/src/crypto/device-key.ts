/**
 * The patient's key on this device: a P-256 ECDSA key pair made by WebCrypto with
 * `extractable: false`, kept in IndexedDB as CryptoKey objects (the browser stores the key
 * material; script can sign with it but never read it). With it, the certificate the org's CA
 * issued and the bearer token bound to that certificate.
 */
export interface DeviceIdentity {
    /** `${org}/${user}` */
    id: string;
    org: string;
    user: string;
    actorId: string;
    keys: CryptoKeyPair;
    certificate?: string;
    token?: string;
}

const database = 'careledger-device';
const store = 'identities';

function open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
        const request = indexedDB.open(database, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(store, { keyPath: 'id' });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

async function withStore<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await open();
    try {
        return await new Promise<T>((resolve, reject) => {
            const tx = db.transaction(store, mode);
            const request = run(tx.objectStore(store));
            tx.oncomplete = () => resolve(request.result);
            tx.onerror = () => reject(tx.error);
        });
    } finally {
        db.close();
    }
}

export function generateDeviceKeys(): Promise<CryptoKeyPair> {
    return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

export function saveIdentity(identity: DeviceIdentity): Promise<IDBValidKey> {
    return withStore('readwrite', (s) => s.put(identity));
}

export function loadIdentity(id: string): Promise<DeviceIdentity | undefined> {
    return withStore('readonly', (s) => s.get(id) as IDBRequest<DeviceIdentity | undefined>);
}

export function listIdentities(): Promise<DeviceIdentity[]> {
    return withStore('readonly', (s) => s.getAll() as IDBRequest<DeviceIdentity[]>);
}

export function deleteIdentity(id: string): Promise<undefined> {
    return withStore('readwrite', (s) => s.delete(id) as IDBRequest<undefined>);
}
