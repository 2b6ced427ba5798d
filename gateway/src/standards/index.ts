export * from './gs1';
export * from './epcis';
export * from './dscsa';
export * from './supply-epcis';
export * from './epcis-hash';
export * from './gln-directory';
export * from './status-list';
export * from './vc';
