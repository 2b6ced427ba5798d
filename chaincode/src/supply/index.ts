import type { Contract } from 'fabric-contract-api';

export const supplyContracts: Array<new () => Contract> = [];
