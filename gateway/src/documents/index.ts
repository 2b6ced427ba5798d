export * from './store';
export * from './local-store';
export * from './service';
export * from './ehr-ledger';
