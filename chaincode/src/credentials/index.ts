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
export { commitmentFromProof, commitmentOf } from './commitment';
/** A credential's standing from keyed reads: the gateway's read model (history index) runs the same rules. */
export { assessCredential, verifyPresented } from './standing';
export * from './types';
