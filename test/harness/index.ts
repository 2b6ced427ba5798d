/**
 * `@careledger/testing`: the contract unit-test harness. See harness.ts.
 */
export {
    ContractHarness,
    HarnessError,
    type CallOptions,
    type HarnessErrorCode,
    type HarnessEvent,
    type HarnessIdentity,
    type HarnessOptions,
    type HarnessResult,
    type HistoryItem,
    type IdentityOptions,
    type StateSnapshot,
} from './harness';
export type { CollectionDefinition } from '../../gateway/src/ledger/embedded/collections';
