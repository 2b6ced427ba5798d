import type { Contract } from 'fabric-contract-api';
import { CredentialsContract } from './contract';
import { CredentialIssuersContract } from './issuers-contract';
import { CredentialStatusListContract } from './status-list-contract';

export const credentialsContracts: Array<new () => Contract> = [
    CredentialIssuersContract,
    CredentialsContract,
    CredentialStatusListContract,
];

export { CredentialIssuersContract, CredentialsContract, CredentialStatusListContract };
export { requireValidCredential } from './gate';
export { commitmentOf } from './commitment';
export * from './types';
