export { RelayedLedger } from './client';
export { serveLedgerRelay, type LedgerRelay, type RelayExtensions } from './server';
export { relaySocketPath } from './protocol';
