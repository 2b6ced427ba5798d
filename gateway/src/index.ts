/**
 * @careledger/gateway: the typed client library of a CareLedger organisation.
 *
 * @example
 * import { openLedger, loadLedgerConfig, EhrClient } from '@careledger/gateway';
 * const ledger = await openLedger(loadLedgerConfig());
 * const physician = new EhrClient(ledger.connect(await ledger.identities.get('hospital', 'physician1')));
 * const { access, location } = await physician.readRecord('rec-1', 'TREAT');
 */

// The ledger: Fabric or embedded behind one interface, typed errors, MVCC retries.
export * from './ledger';
export { withRetry, isRetryable, backoffDelay, type RetryOptions } from './ledger/retry';

// One typed client per domain.
export {
    EhrClient,
    documentDigest,
    type BreakGlassResult,
    type NewRecord,
    type RecordAmendment,
    type RecordRead,
    type RegisteredRecord,
} from './ehr';
export { SupplyClient, type SuspectTarget } from './supply';
export {
    CredentialsClient,
    commitDocument,
    documentSha256,
    type CommittedDocument,
    type PresentedDocument,
    type StatusListPurpose,
} from './credentials';
export type { PageRequest } from './ehr';

// Event streams with checkpoints, webhooks.
export * from './events';

// Off-chain documents.
export * from './documents';

// Standards out: EPCIS 2.0, DSCSA verification, W3C VC 2.0 and Bitstring Status Lists.
export * as standards from './standards';

// Faces: the REST server and its token store.
export { buildServer, type GatewayServerOptions } from './server/app';
export { TokenStore, type TokenGrant } from './auth/token-store';
