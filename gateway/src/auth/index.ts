export * from './token-store';
export * from './enrollment';
