import { ecdsaSignatureToDer, fromBase64, toBase64 } from './der';

/** What /offline answers at each step: the bytes to sign next, or the result. */
export interface OfflineStep {
    id: string;
    transactionId: string;
    stage: 'proposal' | 'transaction' | 'commit' | 'done';
    digest?: string;
    bytes?: string;
    result?: string;
    blockNumber?: string;
}

export interface OfflineRequest {
    contract: string;
    name: string;
    args?: string[];
    evaluate?: boolean;
    /** Orgs whose peers must endorse (e.g. the custodian, the only one holding private data). */
    endorsingOrganizations?: string[];
}

export type Post = <T>(path: string, body: unknown) => Promise<T>;

/** Stages a submitted transaction passes: proposal, transaction, commit (3 signatures); a query signs once. */
export const stageLabels: Record<OfflineStep['stage'], string> = {
    proposal: 'Signing the proposal on this device',
    transaction: 'Signing the endorsed transaction',
    commit: 'Signing the commit-status request',
    done: 'Committed',
};

/**
 * Signs `bytes` with the device key. WebCrypto hashes with SHA-256 itself, so the digest the
 * gateway sends is checked against the bytes first: the device signs only what it was shown.
 */
export async function signStep(privateKey: CryptoKey, step: OfflineStep): Promise<string> {
    const bytes = fromBase64(step.bytes ?? '');
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    if (toBase64(digest) !== step.digest) {
        throw new Error('the gateway sent a digest that is not the SHA-256 of the bytes to sign; nothing was signed');
    }
    const raw = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, bytes);
    return toBase64(ecdsaSignatureToDer(new Uint8Array(raw)));
}

/** Runs one transaction through the gateway's offline-signing endpoints; `onStage` reports progress. */
export async function runOffline<T>(
    post: Post,
    privateKey: CryptoKey,
    request: OfflineRequest,
    onStage?: (stage: OfflineStep['stage']) => void,
): Promise<{ value: T; transactionId: string; blockNumber?: string }> {
    let step = await post<OfflineStep>('/offline/proposals', request);
    while (step.stage !== 'done') {
        onStage?.(step.stage);
        const signature = await signStep(privateKey, step);
        step = await post<OfflineStep>(`/offline/proposals/${encodeURIComponent(step.id)}/signature`, { signature });
    }
    onStage?.('done');
    const text = new TextDecoder().decode(fromBase64(step.result ?? ''));
    return {
        value: (text ? JSON.parse(text) : undefined) as T,
        transactionId: step.transactionId,
        blockNumber: step.blockNumber,
    };
}
