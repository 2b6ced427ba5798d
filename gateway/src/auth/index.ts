export * from './token-store';
export * from './enrollment';
export * from './user-secrets';
