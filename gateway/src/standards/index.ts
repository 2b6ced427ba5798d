export * from './gs1';
export * from './epcis';
export * from './dscsa';
export * from './supply-epcis';
export * from './status-list';
export * from './vc';
