import type { CredentialView, StatusListAnchor } from '@careledger/chaincode';
import { LedgerError, type LedgerSession } from '../ledger';
import { StatusListLength } from '@careledger/chaincode';
import { attestationCredential, attestationOf, issuerOf, statusIndexes, statusListCredential } from '../standards/vc';
import { addProof } from '../standards/vc/data-integrity';
import { CredentialContexts } from '../standards/vc/contexts';
import { verificationMethodId } from '../standards/vc/did-web';
import { CredentialsClient, type StatusListPurpose } from './client';
import type { IssuingKey } from './issuing-key';

export const StatusPurposes: readonly StatusListPurpose[] = ['revocation', 'suspension'];

export interface CredentialIssuerOptions {
    mspId: string;
    key: IssuingKey;
    /** The gateway's public URL now (issuer DIDs and status list URLs live under it). */
    publicUrl: () => string;
    /** A session of the org's admin: binds the key, publishes credentials and status lists. */
    adminSession: () => Promise<LedgerSession>;
    now?: () => Date;
}

/** xsd:dateTimeStamp to the second, as Data Integrity `created` and status list `validFrom` use. */
function timestamp(date: Date): string {
    return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * The org's issuer: signs its credentials, status lists and presentations with the org's
 * issuing key (Data Integrity, `ecdsa-rdfc-2019`) and publishes credentials and status lists
 * on the ledger, from where every org's gateway serves them.
 */
export class CredentialIssuer {
    private bound?: Promise<void>;
    private publishing: Promise<unknown> = Promise.resolve();

    constructor(private readonly options: CredentialIssuerOptions) {}

    get mspId(): string {
        return this.options.mspId;
    }

    get did(): string {
        return issuerOf({ baseUrl: this.options.publicUrl() }, this.options.mspId);
    }

    get verificationMethod(): string {
        return verificationMethodId(this.did, this.options.key.publicKeyMultibase);
    }

    private async admin(): Promise<CredentialsClient> {
        return new CredentialsClient(await this.options.adminSession());
    }

    /** Binds the issuing key to the org on the ledger, once; refuses to sign with a retired key. */
    ensureKeyBound(): Promise<void> {
        this.bound ??= (async () => {
            const admin = await this.admin();
            const keys = await admin.allIssuerKeys(this.options.mspId);
            const mine = keys.find((k) => k.publicKeyMultibase === this.options.key.publicKeyMultibase);
            if (mine?.status === 'retired') {
                throw new LedgerError('FORBIDDEN', `this gateway's issuing key of ${this.options.mspId} is retired`);
            }
            if (!mine) {
                await admin.bindIssuerKey(this.options.key.publicKeyMultibase).catch((error: unknown) => {
                    if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
                });
            }
        })().catch((error: unknown) => {
            this.bound = undefined;
            throw error;
        });
        return this.bound;
    }

    private async sign<T extends Record<string, unknown> & { '@context': unknown }>(
        document: T,
        proof: { proofPurpose: 'assertionMethod' | 'authentication'; challenge?: string; domain?: string },
    ) {
        await this.ensureKeyBound();
        return addProof(document, this.options.key.privateKey, {
            verificationMethod: this.verificationMethod,
            created: timestamp(this.options.now?.() ?? new Date()),
            ...proof,
        });
    }

    /** The signed VC 2.0 of a credential this org issued. */
    async signCredential(credential: CredentialView): Promise<Record<string, unknown>> {
        if (credential.issuer.mspId !== this.options.mspId) {
            throw new LedgerError(
                'FORBIDDEN',
                `${credential.id} was issued by ${credential.issuer.mspId}; only its gateway signs it`,
            );
        }
        const document = attestationCredential(attestationOf(credential), { baseUrl: this.options.publicUrl() });
        return this.sign(document as typeof document & { '@context': unknown }, { proofPurpose: 'assertionMethod' });
    }

    /** Signs and publishes the VC of a credential this org issued; returns the published text. */
    async publishCredential(credential: CredentialView): Promise<string> {
        const text = JSON.stringify(await this.signCredential(credential));
        const admin = await this.admin();
        try {
            await admin.publishCredentialDocument(credential.id, text);
            return text;
        } catch (error) {
            // Published meanwhile (another request): serve what the ledger holds.
            if (error instanceof LedgerError && error.code === 'CONFLICT') {
                return (await admin.getCredentialDocument(credential.id)).credential;
            }
            throw error;
        }
    }

    /**
     * Builds, signs and publishes this org's `purpose` status list from the ledger's entries, then
     * records the block it committed in, as `as` (default: the org's admin; the contract lets only
     * the issuing org's admins publish). Publications of one gateway run one after another.
     */
    publishStatusList(purpose: StatusListPurpose, as?: LedgerSession): Promise<StatusListAnchor> {
        const run = this.publishing.then(async () => {
            const admin = as ? new CredentialsClient(as) : await this.admin();
            const entries = await admin.allStatusListEntries(this.options.mspId);
            const list = statusListCredential({
                issuerMspId: this.options.mspId,
                purpose,
                setIndexes: statusIndexes(entries, purpose),
                validFrom: timestamp(this.options.now?.() ?? new Date()),
                urls: { baseUrl: this.options.publicUrl() },
                bits: StatusListLength,
            });
            const signed = await this.sign(list as typeof list & { '@context': unknown }, {
                proofPurpose: 'assertionMethod',
            });
            const { anchor, blockNumber } = await admin.publishStatusList(
                this.options.mspId,
                purpose,
                JSON.stringify(signed),
            );
            return admin.recordStatusListBlock(this.options.mspId, purpose, anchor.txId, blockNumber);
        });
        this.publishing = run.catch(() => undefined);
        return run;
    }

    /** Publishes this org's lists unless the ledger holds them as this gateway would sign them (DID and key). */
    async ensureStatusListsPublished(): Promise<void> {
        const admin = await this.admin();
        for (const purpose of StatusPurposes) {
            const published = await admin.getStatusListCredential(this.options.mspId, purpose).catch((error) => {
                if (error instanceof LedgerError && error.code === 'NOT_FOUND') return undefined;
                throw error;
            });
            // Republished when missing, or signed under another DID or key (the gateway moved, the key rotated):
            // a list must come from the same issuer DID as the credentials that point at it.
            const signedBy = published
                ? (JSON.parse(published.credential) as { proof?: { verificationMethod?: string } }).proof
                      ?.verificationMethod
                : undefined;
            if (signedBy !== this.verificationMethod) await this.publishStatusList(purpose);
        }
    }

    /**
     * A Verifiable Presentation of `credentials` with the verifier's `challenge` and `domain`,
     * signed for authentication by this org as holder (the org's gateway keeps its
     * practitioners' credentials: a custodial wallet).
     */
    async presentation(
        credentials: readonly object[],
        options: { challenge: string; domain: string; id?: string },
    ): Promise<Record<string, unknown>> {
        const document = {
            '@context': [...CredentialContexts],
            ...(options.id ? { id: options.id } : {}),
            type: ['VerifiablePresentation'],
            holder: this.did,
            verifiableCredential: credentials,
        };
        return this.sign(document, {
            proofPurpose: 'authentication',
            challenge: options.challenge,
            domain: options.domain,
        });
    }
}
