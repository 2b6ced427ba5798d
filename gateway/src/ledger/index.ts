export * from './ledger';
export * from './errors';
export * from './config';
export { openLedger } from './factory';
