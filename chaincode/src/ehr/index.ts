import type { Contract } from 'fabric-contract-api';

export const ehrContracts: Array<new () => Contract> = [];
