import type { Contract } from 'fabric-contract-api';

export const credentialsContracts: Array<new () => Contract> = [];
