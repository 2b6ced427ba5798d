import { runOffline, type OfflineStep } from '../crypto/offline';
import type { Api, Page } from './client';

export interface Consent {
    id: string;
    patientId: string;
    status: 'active' | 'inactive';
    grantee: { mspId: string; actorId?: string };
    scope: { kind: string; typeCode?: string; recordIds?: string[] };
    purposes: string[];
    period?: { start?: string; end?: string };
    revoked?: string;
}

export interface RecordPointer {
    id: string;
    patientId: string;
    custodianMsp: string;
    status: string;
    contentHash: string;
    size?: number;
    mediaType?: string;
    type?: { system: string; code: string; display?: string };
    date?: string;
    authorId?: string;
    version?: number;
}

export interface AuditEntry {
    id: string;
    action?: string;
    recorded?: string;
    outcome: string;
    outcomeDesc?: string;
    purposeOfEvent?: string;
    emergency?: boolean;
    reasonCode?: string;
    agent?: { mspId: string; actorId: string; role?: string };
    entity?: { recordId: string; patientId: string; custodianMsp: string };
}

export interface GrantInput {
    id: string;
    grantee: { mspId: string; actorId?: string };
    scope: { kind: 'all' | 'type' | 'records'; typeCode?: string; recordIds?: string[] };
    purposes: string[];
    period: { start?: string; end: string };
}

export interface ErasureReceipt {
    id: string;
    custodianMsp?: string;
    recordIds?: string[];
    more?: boolean;
}

export interface ErasureProof {
    recordId: string;
    pointerErased?: boolean;
    privateDataHashPresent?: boolean;
    privateDataPresent?: boolean;
    erased?: boolean;
}

export type Progress = (stage: OfflineStep['stage']) => void;

/**
 * A patient's own operations. The same calls either through the REST routes (the gateway
 * holds the key: demo users, paste-a-token) or through /offline with the key on this device.
 */
export interface PatientLedger {
    readonly signsOnDevice: boolean;
    enrol(progress?: Progress): Promise<unknown>;
    records(bookmark?: string): Promise<Page<RecordPointer>>;
    consents(bookmark?: string): Promise<Page<Consent>>;
    audit(bookmark?: string): Promise<Page<AuditEntry>>;
    grant(input: GrantInput, progress?: Progress): Promise<Consent & { transactionId?: string; blockNumber?: string }>;
    revoke(id: string, progress?: Progress): Promise<Consent>;
    /** Erases every record at the custodian: tombstones, then the locations purged from the custodian's peers. */
    requestErasure(custodianMsp: string, progress?: Progress): Promise<ErasureReceipt[]>;
    erasureProof(recordId: string, custodianMsp: string): Promise<ErasureProof>;
}

const pageSize = 20;

export function restPatientLedger(api: Api): PatientLedger {
    return {
        signsOnDevice: false,
        enrol: () => api.post('/ehr/patients/enrol'),
        records: (bookmark) => api.get('/ehr/patients/me/records', { pageSize, bookmark }),
        consents: (bookmark) => api.get('/ehr/patients/me/consents', { pageSize, bookmark }),
        audit: (bookmark) => api.get('/ehr/patients/me/audit', { pageSize, bookmark }),
        grant: (input) => api.post('/ehr/consents', input),
        revoke: (id) => api.post(`/ehr/consents/${encodeURIComponent(id)}/revoke`),
        requestErasure: (custodianMsp) => api.post('/ehr/erasure', { custodianMsp }),
        erasureProof: (recordId, custodianMsp) =>
            api.get(`/ehr/records/${encodeURIComponent(recordId)}/erasure-proof`, { custodianMsp }),
    };
}

/** The chaincode functions behind those routes, each signed by `privateKey` on this device. */
export function devicePatientLedger(api: Api, privateKey: CryptoKey): PatientLedger {
    const post = <T>(path: string, body: unknown) => api.post<T>(path, body);
    const submit = async <T>(contract: string, name: string, args: string[], progress?: Progress) => {
        const { value, transactionId, blockNumber } = await runOffline<T>(
            post,
            privateKey,
            { contract, name, args },
            progress,
        );
        return { ...(value as object), transactionId, blockNumber } as T & {
            transactionId: string;
            blockNumber?: string;
        };
    };
    const query = async <T>(contract: string, name: string, args: string[], endorsingOrganizations?: string[]) =>
        (await runOffline<T>(post, privateKey, { contract, name, args, evaluate: true, endorsingOrganizations })).value;
    const page = (bookmark?: string) => [String(pageSize), bookmark ?? ''];
    return {
        signsOnDevice: true,
        enrol: (progress) => submit('ehr', 'EnrolPatient', [], progress),
        records: (bookmark) => query('ehr', 'ListRecordsByPatient', ['', ...page(bookmark)]),
        consents: (bookmark) => query('ehr-consent', 'ListConsentsByPatient', ['', ...page(bookmark)]),
        audit: (bookmark) => query('ehr-access', 'ListAuditByPatient', ['', ...page(bookmark)]),
        grant: (input, progress) => submit('ehr-consent', 'GrantConsent', [JSON.stringify(input)], progress),
        revoke: (id, progress) => submit('ehr-consent', 'RevokeConsent', [id], progress),
        requestErasure: async (custodianMsp, progress) => {
            // As the gateway's /ehr/erasure does: a batch of tombstones, then its locations purged
            // (endorsed by the custodian, whose peers alone hold them), until nothing is left.
            const receipts: ErasureReceipt[] = [];
            let receipt: ErasureReceipt;
            do {
                receipt = await submit<ErasureReceipt>('ehr-erasure', 'RequestErasure', [custodianMsp], progress);
                await runOffline(
                    post,
                    privateKey,
                    {
                        contract: 'ehr-erasure',
                        name: 'PurgeErasedLocations',
                        args: [receipt.id],
                        endorsingOrganizations: [custodianMsp],
                    },
                    progress,
                );
                receipts.push(receipt);
            } while (receipt.more);
            return receipts;
        },
        erasureProof: (recordId, custodianMsp) => query('ehr-erasure', 'VerifyErasure', [recordId], [custodianMsp]),
    };
}
