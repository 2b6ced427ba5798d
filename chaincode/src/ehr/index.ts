import type { Contract } from 'fabric-contract-api';
import { EhrAccessContract } from './access-contract';
import { EhrConsentContract } from './consent-contract';
import { EhrContract } from './contract';
import { EhrErasureContract } from './erasure-contract';

export const ehrContracts: Array<new () => Contract> = [
    EhrContract,
    EhrConsentContract,
    EhrAccessContract,
    EhrErasureContract,
];

export * from './types';
export { BreakGlassPurpose, BreakGlassReasonCodes, ConsentPurposes, LoincSystem, RequiredCredential } from './codes';
export type { BreakGlassReasonCode, ConsentPurpose } from './codes';
export { requireLocation, requireSalt, saltedDigest, TransientKeys as EhrTransientKeys } from './location';
export { MaxConsentsPerBatch, MaxRecordsPerBatch } from './batch';
export { parseAmendInput, parseRegisterInput } from './records';
export { LocationWindowMs } from './access-contract';
export { MaxErasureBatch } from './erasure-contract';
export { MaxLiveConsentsPerGrantee } from './consent-store';
export { mayReceiveEhrEvent, type EventReader } from './event-audience';
/** Who reads EHR lists and trails besides the patient: the gateway's history index applies the same rule. */
export { isRegulatorInspector, isStaffOf, type EhrRoleHolder } from './readers';
export { EhrAccessContract, EhrConsentContract, EhrContract, EhrErasureContract };
