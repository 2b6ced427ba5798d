import type { TokenStore } from '../auth/token-store';
import type { UserSecrets } from '../auth/user-secrets';
import type { CredentialIssuer } from '../credentials/issuer';
import type { DocumentService } from '../documents';
import type { FilePendingPointerJournal } from '../ehr';
import type { WebhookDispatcher } from '../events/webhooks';
import type { HistoryIndex } from '../history';
import type { Ledger, LedgerSession, SigningIdentity } from '../ledger';
import type { Metrics } from './metrics';

/** What every route needs, built once per server by `buildServer`. */
export interface GatewayContext {
    ledger: Ledger;
    /** The org this gateway serves, e.g. `hospital`. */
    org: string;
    mspId: string;
    tokens: TokenStore;
    /** Users' own secrets for new tokens (an admin's token cannot re-issue another user's). */
    secrets: UserSecrets;
    webhooks: WebhookDispatcher;
    documents: DocumentService;
    metrics: Metrics;
    /** Public base URL, used in credential and status-list ids and issuer DIDs. */
    publicUrl: string;
    /** The org's credential issuer: its issuing key, DID, signed credentials, status lists, presentations. */
    issuer: CredentialIssuer;
    /** A session for `identity`, with MVCC retries counted in metrics. */
    connect(identity: SigningIdentity): LedgerSession;
    /** The org's history index (history/), when the gateway runs one. */
    history?: HistoryIndex;
    /** Two-step pointer registrations in flight (ehr/pending-journal.ts); completed at start. */
    pendingJournal?: FilePendingPointerJournal;
    /** Resolves when the server begins shutting down: long-lived streams end on it. */
    closing: Promise<void>;
}
