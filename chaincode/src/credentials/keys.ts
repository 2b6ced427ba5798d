import type { Context } from 'fabric-contract-api';
import { compositeKey } from '../common/keys';
import type { PractitionerRef, StatusPurpose } from './types';

/**
 * Every key of the credentials domain. Each lookup a transaction makes is keyed; ranges are
 * read only by paginated (evaluated) list queries.
 */
export const CredentialKeyTypes = {
    /** mspId ~ type → TrustedIssuer */
    issuer: 'credentials.issuer',
    /** credentialId → Credential */
    credential: 'credentials.credential',
    /** subject mspId ~ subject actorId ~ type → { credentialId } of the latest version */
    current: 'credentials.current',
    /** subject mspId ~ subject actorId ~ credentialId → {} (list index) */
    bySubject: 'credentials.bysubject',
    /** issuer mspId ~ credentialId → {} (list index) */
    byIssuer: 'credentials.byissuer',
    /** credentialId ~ zero-padded seq → StatusChange */
    change: 'credentials.change',
    /** issuer mspId ~ zero-padded index → { credentialId }: a claimed status list slot */
    statusSlot: 'credentials.statusslot',
    /** issuer mspId ~ purpose → latest StatusListAnchor */
    statusList: 'credentials.statuslist',
    /** issuer mspId ~ purpose ~ anchoredAt ~ txId → StatusListAnchor */
    statusListHistory: 'credentials.statuslisthistory',
    /** subject mspId ~ subject actorId ~ type → RegulatorHold: the regulator's suspension of the practitioner */
    regulatorHold: 'credentials.regulatorhold',
    /** issuer mspId ~ publicKeyMultibase → IssuerKey: a verification key the org's admin bound to the org */
    issuerKey: 'credentials.issuerkey',
    /** issuer mspId ~ purpose → PublishedStatusList: the signed status list credential, as published */
    statusListCredential: 'credentials.statuslistcredential',
    /** credentialId → PublishedCredential: the signed W3C VC its issuer's gateway published */
    verifiableCredential: 'credentials.vc',
} as const;

const seqDigits = 8;
const indexDigits = String(2 ** 31).length;

export function issuerKey(ctx: Context, mspId: string, type: string): string {
    return compositeKey(ctx, CredentialKeyTypes.issuer, [mspId, type]);
}

export function credentialKey(ctx: Context, credentialId: string): string {
    return compositeKey(ctx, CredentialKeyTypes.credential, [credentialId]);
}

export function currentCredentialKey(ctx: Context, subject: PractitionerRef, type: string): string {
    return compositeKey(ctx, CredentialKeyTypes.current, [subject.mspId, subject.actorId, type]);
}

export function bySubjectKey(ctx: Context, subject: PractitionerRef, credentialId: string): string {
    return compositeKey(ctx, CredentialKeyTypes.bySubject, [subject.mspId, subject.actorId, credentialId]);
}

export function byIssuerKey(ctx: Context, issuerMspId: string, credentialId: string): string {
    return compositeKey(ctx, CredentialKeyTypes.byIssuer, [issuerMspId, credentialId]);
}

export function changeKey(ctx: Context, credentialId: string, seq: number): string {
    return compositeKey(ctx, CredentialKeyTypes.change, [credentialId, String(seq).padStart(seqDigits, '0')]);
}

export function statusSlotKey(ctx: Context, issuerMspId: string, index: number): string {
    return compositeKey(ctx, CredentialKeyTypes.statusSlot, [issuerMspId, String(index).padStart(indexDigits, '0')]);
}

export function statusListKey(ctx: Context, issuerMspId: string, purpose: StatusPurpose): string {
    return compositeKey(ctx, CredentialKeyTypes.statusList, [issuerMspId, purpose]);
}

export function statusListHistoryKey(
    ctx: Context,
    issuerMspId: string,
    purpose: StatusPurpose,
    anchoredAt: string,
    txId: string,
): string {
    return compositeKey(ctx, CredentialKeyTypes.statusListHistory, [issuerMspId, purpose, anchoredAt, txId]);
}

export function regulatorHoldKey(ctx: Context, subject: PractitionerRef, type: string): string {
    return compositeKey(ctx, CredentialKeyTypes.regulatorHold, [subject.mspId, subject.actorId, type]);
}

export function issuerKeyKey(ctx: Context, mspId: string, publicKeyMultibase: string): string {
    return compositeKey(ctx, CredentialKeyTypes.issuerKey, [mspId, publicKeyMultibase]);
}

export function statusListCredentialKey(ctx: Context, issuerMspId: string, purpose: StatusPurpose): string {
    return compositeKey(ctx, CredentialKeyTypes.statusListCredential, [issuerMspId, purpose]);
}

export function verifiableCredentialKey(ctx: Context, credentialId: string): string {
    return compositeKey(ctx, CredentialKeyTypes.verifiableCredential, [credentialId]);
}
