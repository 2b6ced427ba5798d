import { CareLedgerContext, CareLedgerContextUrl } from './careledger-context';

/**
 * The JSON-LD contexts this gateway signs and verifies with, all local: the W3C VC 2.0
 * context (which also defines DataIntegrityProof and the Bitstring Status List terms) from
 * Digital Bazaar's `@digitalbazaar/credentials-context` package (the W3C file, byte for byte),
 * and CareLedger's own. The loader refuses every other URL: signing and verifying never
 * touch the network, and a credential naming an unknown context fails instead of fetching it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const w3c = require('@digitalbazaar/credentials-context') as { contexts: Map<string, object> };

export const CredentialsV2ContextUrl = 'https://www.w3.org/ns/credentials/v2';

const contexts = new Map<string, object>([
    [CredentialsV2ContextUrl, w3c.contexts.get(CredentialsV2ContextUrl)!],
    [CareLedgerContextUrl, CareLedgerContext],
]);

export interface RemoteDocument {
    contextUrl: null;
    documentUrl: string;
    document: object;
}

export async function documentLoader(url: string): Promise<RemoteDocument> {
    const document = contexts.get(url);
    if (!document) {
        throw new Error(`context ${url} is not one this gateway knows (offline loader)`);
    }
    return { contextUrl: null, documentUrl: url, document };
}

/** The `@context` of every credential and presentation CareLedger issues. */
export const CredentialContexts = [CredentialsV2ContextUrl, CareLedgerContextUrl] as const;
