/**
 * CareLedger chaincode. `contracts` is what fabric-chaincode-node and the embedded ledger load;
 * each domain (ehr, supply, credentials) exports its contracts and the plain data types the
 * gateway shares.
 */
import type { Contract } from 'fabric-contract-api';
import { credentialsContracts } from './credentials';
import { ehrContracts } from './ehr';
import { supplyContracts } from './supply';
import { SystemContract } from './system/contract';

export const contracts: Array<new () => Contract> = [
    SystemContract,
    ...ehrContracts,
    ...supplyContracts,
    ...credentialsContracts,
];

export * from './common';
export {
    assessCredential,
    verifyPresented,
    commitmentFromProof,
    commitmentOf,
    CredentialTypes,
    StatusListLength,
    StatusReasonCodes,
    requireValidCredential,
} from './credentials';
export type {
    Credential,
    CredentialEvent,
    CredentialView,
    IssuerKey,
    IssueCredentialInput,
    PractitionerRef,
    PublishedCredential,
    PublishedStatusList,
    RegisterIssuerInput,
    RenewCredentialInput,
    Standing,
    StatusChange,
    StatusListAnchor,
    StatusListEntry,
    StatusReason,
    StatusReasonCode,
    TrustedIssuer,
    Verdict as CredentialVerdict,
    Verification,
    VerificationProof,
} from './credentials';
export {
    BreakGlassReasonCodes,
    ConsentPurposes,
    DenialReasons,
    EhrTransientKeys,
    isRegulatorInspector,
    isStaffOf,
    LocationWindowMs,
    MaxConsentsPerBatch,
    MaxErasureBatch,
    MaxLiveConsentsPerGrantee,
    MaxRecordsPerBatch,
    mayReceiveEhrEvent,
    parseAmendInput,
    parseRegisterInput,
    RequiredCredential,
    requireLocation,
    requireSalt,
    saltedDigest,
} from './ehr';
export type {
    AccessResult,
    AmendRecordInput,
    AuditEntry,
    AuditOutcome,
    BreakGlassReasonCode,
    Consent,
    ConsentPurpose,
    ConsentScope,
    ConsentsGrantedPayload,
    CustodianViewOfRecord,
    Delegate,
    DenialReason,
    EhrEventName,
    EhrEventPayloads,
    EhrRoleHolder,
    EventReader,
    ErasedRecord,
    ErasureProof,
    ErasureReceipt,
    GrantConsentInput,
    Grantee,
    LocationGrant,
    PatientEnrolment,
    RecordPointer,
    RegisterRecordInput,
    StoredRecord,
    Coding as EhrCoding,
} from './ehr';
/** The supply domain (types, GS1 parsing, verification verdict), namespaced: its names are generic (Unit, Lot, Product). */
export * as supply from './supply';
export { SystemContract };
