import type {
    Credential,
    CredentialView,
    IssuerKey,
    IssueCredentialInput,
    Page,
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
    TrustedIssuer,
    Verification,
    VerificationProof,
} from '@careledger/chaincode';
import type { LedgerSession } from '../ledger';
import { documentSha256 } from './document';

export type StatusListPurpose = 'revocation' | 'suspension';

export interface PageRequest {
    pageSize?: number;
    bookmark?: string;
}

/** A presented document and its salt; the document is hashed here and never leaves this process. */
export interface PresentedDocument {
    document: Uint8Array | string;
    salt: string;
}

/**
 * Typed access to the credentials contracts (`credentials`, `credentials-issuers`,
 * `credentials-status`) as one identity. State changes are submitted; queries evaluated.
 * Contract rejections surface as `LedgerError` with the contract's code and field.
 *
 * @example
 * const regulator = new CredentialsClient(await env.session('regulator', 'admin'));
 * await regulator.registerIssuer({ type: 'MedicalLicense', mspId: 'RegulatorMSP', roles: ['admin'], subjectScope: 'any-org' });
 * const { salt, commitment } = commitDocument(licensePdf);
 * await regulator.issue({ id: 'lic-0001', type: 'MedicalLicense', subject: { mspId: 'HospitalMSP', actorId: 'prac-hosp-0002' }, commitment });
 * const { verdict } = await regulator.verify('lic-0001', { document: licensePdf, salt }); // 'valid'
 */
export class CredentialsClient {
    constructor(private readonly session: LedgerSession) {}

    // Issuer registry -------------------------------------------------------------------------

    registerIssuer(issuer: RegisterIssuerInput): Promise<TrustedIssuer> {
        return this.submit('credentials-issuers', 'RegisterIssuer', [JSON.stringify(issuer)]);
    }

    withdrawIssuer(type: string, mspId: string, reason: StatusReason): Promise<TrustedIssuer> {
        return this.submit('credentials-issuers', 'WithdrawIssuer', [type, mspId, reason.code, reason.reference ?? '']);
    }

    getIssuer(type: string, mspId: string): Promise<TrustedIssuer> {
        return this.evaluate('credentials-issuers', 'GetIssuer', [type, mspId]);
    }

    /** Registry entries, optionally of one org. */
    listIssuers(options: PageRequest & { mspId?: string } = {}): Promise<Page<TrustedIssuer>> {
        return this.evaluate('credentials-issuers', 'ListIssuers', [options.mspId ?? '', ...pageArgs(options)]);
    }

    /** Binds the caller's org's issuing key (admins of the org). */
    bindIssuerKey(publicKeyMultibase: string): Promise<IssuerKey> {
        return this.submit('credentials-issuers', 'BindIssuerKey', [publicKeyMultibase]);
    }

    retireIssuerKey(publicKeyMultibase: string): Promise<IssuerKey> {
        return this.submit('credentials-issuers', 'RetireIssuerKey', [publicKeyMultibase]);
    }

    /** Every key bound to `mspId`, following bookmarks. */
    async allIssuerKeys(mspId: string, pageSize = 200): Promise<IssuerKey[]> {
        const keys: IssuerKey[] = [];
        let bookmark = '';
        do {
            const page = await this.evaluate<Page<IssuerKey>>('credentials-issuers', 'ListIssuerKeys', [
                mspId,
                String(pageSize),
                bookmark,
            ]);
            keys.push(...page.items);
            bookmark = page.bookmark;
        } while (bookmark);
        return keys;
    }

    // Attestations ----------------------------------------------------------------------------

    issue(credential: IssueCredentialInput): Promise<Credential> {
        return this.submit('credentials', 'IssueCredential', [JSON.stringify(credential)]);
    }

    renew(renewal: RenewCredentialInput): Promise<Credential> {
        return this.submit('credentials', 'RenewCredential', [JSON.stringify(renewal)]);
    }

    suspend(credentialId: string, reason: StatusReason): Promise<Credential> {
        return this.submit('credentials', 'SuspendCredential', [credentialId, reason.code, reason.reference ?? '']);
    }

    reinstate(credentialId: string, reason: StatusReason): Promise<Credential> {
        return this.submit('credentials', 'ReinstateCredential', [credentialId, reason.code, reason.reference ?? '']);
    }

    revoke(credentialId: string, reason: StatusReason): Promise<Credential> {
        return this.submit('credentials', 'RevokeCredential', [credentialId, reason.code, reason.reference ?? '']);
    }

    get(credentialId: string): Promise<CredentialView> {
        return this.evaluate('credentials', 'GetCredential', [credentialId]);
    }

    /**
     * Verdict on a presented credential. Given the document, only its SHA-256 and the salt
     * reach the ledger, in an evaluated (never ordered, never stored) query.
     */
    verify(credentialId: string, presented: PresentedDocument | VerificationProof): Promise<Verification> {
        const proof: VerificationProof =
            'document' in presented
                ? { documentSha256: documentSha256(presented.document), salt: presented.salt }
                : presented;
        return this.evaluate('credentials', 'VerifyCredential', [credentialId, JSON.stringify(proof)]);
    }

    /** Does `subject` hold a valid `type` now? The same answer the contracts' gate gives. */
    checkPractitioner(subject: PractitionerRef, type: string): Promise<Standing> {
        return this.evaluate('credentials', 'CheckPractitioner', [subject.mspId, subject.actorId, type]);
    }

    listBySubject(subject: PractitionerRef, page: PageRequest = {}): Promise<Page<CredentialView>> {
        return this.evaluate('credentials', 'ListCredentialsBySubject', [
            subject.mspId,
            subject.actorId,
            ...pageArgs(page),
        ]);
    }

    listByIssuer(issuerMspId: string, page: PageRequest = {}): Promise<Page<CredentialView>> {
        return this.evaluate('credentials', 'ListCredentialsByIssuer', [issuerMspId, ...pageArgs(page)]);
    }

    history(credentialId: string, page: PageRequest = {}): Promise<Page<StatusChange>> {
        return this.evaluate('credentials', 'GetCredentialHistory', [credentialId, ...pageArgs(page)]);
    }

    // Status lists ----------------------------------------------------------------------------

    /** Anchors the SHA-256 of the status list credential `issuer`'s gateway published for `purpose`. */
    anchorStatusList(issuer: string, purpose: StatusListPurpose, sha256: string): Promise<StatusListAnchor> {
        return this.submit('credentials-status', 'AnchorStatusList', [issuer, purpose, sha256]);
    }

    /** Publishes `issuer`'s signed status list credential (kept whole on the ledger) and anchors its SHA-256. */
    async publishStatusList(
        issuer: string,
        purpose: StatusListPurpose,
        credential: string,
    ): Promise<{ anchor: StatusListAnchor; blockNumber: bigint }> {
        const { result, blockNumber } = await this.session.submit({
            contract: 'credentials-status',
            name: 'PublishStatusList',
            args: [issuer, purpose, credential],
        });
        return { anchor: decode<StatusListAnchor>(result), blockNumber };
    }

    recordStatusListBlock(
        issuer: string,
        purpose: StatusListPurpose,
        txId: string,
        blockNumber: bigint,
    ): Promise<StatusListAnchor> {
        return this.submit('credentials-status', 'RecordStatusListBlock', [issuer, purpose, txId, String(blockNumber)]);
    }

    publishCredentialDocument(credentialId: string, credential: string): Promise<PublishedCredential> {
        return this.submit('credentials-status', 'PublishCredentialDocument', [credentialId, credential]);
    }

    getCredentialDocument(credentialId: string): Promise<PublishedCredential> {
        return this.evaluate('credentials-status', 'GetCredentialDocument', [credentialId]);
    }

    getStatusListCredential(issuer: string, purpose: StatusListPurpose): Promise<PublishedStatusList> {
        return this.evaluate('credentials-status', 'GetStatusListCredential', [issuer, purpose]);
    }

    getStatusListAnchor(issuer: string, purpose: StatusListPurpose): Promise<StatusListAnchor> {
        return this.evaluate('credentials-status', 'GetStatusListAnchor', [issuer, purpose]);
    }

    listStatusListAnchors(
        issuer: string,
        purpose: StatusListPurpose,
        page: PageRequest = {},
    ): Promise<Page<StatusListAnchor>> {
        return this.evaluate('credentials-status', 'ListStatusListAnchors', [issuer, purpose, ...pageArgs(page)]);
    }

    listStatusListEntries(issuer: string, page: PageRequest = {}): Promise<Page<StatusListEntry>> {
        return this.evaluate('credentials-status', 'ListStatusListEntries', [issuer, ...pageArgs(page)]);
    }

    /** Every status list entry of `issuer`, following bookmarks: what a status list is built from. */
    async allStatusListEntries(issuer: string, pageSize = 200): Promise<StatusListEntry[]> {
        const entries: StatusListEntry[] = [];
        let bookmark = '';
        do {
            const page = await this.listStatusListEntries(issuer, { pageSize, bookmark });
            entries.push(...page.items);
            bookmark = page.bookmark;
        } while (bookmark);
        return entries;
    }

    private async submit<T>(contract: string, name: string, args: string[]): Promise<T> {
        const { result } = await this.session.submit({ contract, name, args });
        return decode<T>(result);
    }

    private async evaluate<T>(contract: string, name: string, args: string[]): Promise<T> {
        return decode<T>(await this.session.evaluate({ contract, name, args }));
    }
}

function pageArgs(page: PageRequest): [string, string] {
    return [page.pageSize === undefined ? '' : String(page.pageSize), page.bookmark ?? ''];
}

function decode<T>(bytes: Uint8Array): T {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
