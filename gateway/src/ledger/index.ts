export * from './ledger';
export * from './errors';
export * from './config';
export { openLedger, isRelayed } from './factory';
export { serveLedgerRelay, relaySocketPath, type LedgerRelay, type RelayExtensions } from './relay';
