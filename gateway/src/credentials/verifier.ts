import { createHash, type KeyObject } from 'node:crypto';
import { LedgerError } from '../ledger';
import { decodeStatusList } from '../standards/status-list';
import { CredentialsV2ContextUrl } from '../standards/vc/contexts';
import { proofSignatureValid, type DataIntegrityProof } from '../standards/vc/data-integrity';
import { mspIdOfIssuerDid } from '../standards/vc/did-web';
import { expandSafely } from '../standards/vc/jsonld';
import { publicKeyOfMultikey } from '../standards/vc/multikey';
import type { CredentialsClient, StatusListPurpose } from './client';

/**
 * Verifies W3C VCs and VPs the way an outside verifier would, but reads trust from the ledger
 * instead of the web: the proof (`ecdsa-rdfc-2019`) must be made with a key the ledger binds
 * to the issuer's org (credentials-issuers keys) and still active; the registry must trust
 * that org for the credential's type; the validity window must hold; and each
 * BitstringStatusListEntry is checked against the issuer's signed list as published on the
 * ledger (its own proof and anchor checked too). Problems come with a code a client can act on.
 */
export type ProblemCode =
    | 'MALFORMED'
    | 'PROOF_MISSING'
    | 'PROOF_INVALID'
    | 'ISSUER_KEY_UNKNOWN'
    | 'ISSUER_NOT_TRUSTED'
    | 'NOT_YET_VALID'
    | 'EXPIRED'
    | 'REVOKED'
    | 'SUSPENDED'
    | 'STATUS_UNAVAILABLE'
    | 'CHALLENGE_MISMATCH'
    | 'DOMAIN_MISMATCH';

export interface Problem {
    code: ProblemCode;
    message: string;
}

export interface CredentialVerification {
    verified: boolean;
    id?: string;
    issuer?: string;
    problems: Problem[];
}

export interface PresentationVerification extends CredentialVerification {
    holder?: string;
    credentials: CredentialVerification[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const statusPath = /\/credentials\/status\/([^/]+)\/(revocation|suspension)$/;
const vocab = 'https://careledger.org/ns/credentials#';
const notCareLedgerTypes = new Set(['VerifiableCredential', 'BitstringStatusListCredential']);

export class CredentialVerifier {
    constructor(
        private readonly ledger: CredentialsClient,
        private readonly now: () => Date = () => new Date(),
    ) {}

    async verifyCredential(credential: unknown): Promise<CredentialVerification> {
        const problems: Problem[] = [];
        if (!isObject(credential)) {
            return { verified: false, problems: [{ code: 'MALFORMED', message: 'a credential is a JSON object' }] };
        }
        const id = typeof credential.id === 'string' ? credential.id : undefined;
        const issuer = isObject(credential.issuer) ? credential.issuer.id : credential.issuer;
        const result = (extra: Problem[] = []) => {
            const all = [...problems, ...extra];
            return {
                verified: all.length === 0,
                id,
                issuer: typeof issuer === 'string' ? issuer : undefined,
                problems: all,
            };
        };
        if (asArray(credential['@context'])[0] !== CredentialsV2ContextUrl) {
            return result([{ code: 'MALFORMED', message: `@context must begin with ${CredentialsV2ContextUrl}` }]);
        }
        if (!asArray(credential.type).includes('VerifiableCredential')) {
            return result([{ code: 'MALFORMED', message: 'type must include VerifiableCredential' }]);
        }
        if (typeof issuer !== 'string') {
            return result([{ code: 'MALFORMED', message: 'issuer must be a DID' }]);
        }
        const shape = await this.checkShape(credential);
        if (shape) return result([shape]);

        const proofCheck = await this.checkProof(credential, issuer, 'assertionMethod');
        if (proofCheck.problem) return result([proofCheck.problem]);
        const mspId = proofCheck.mspId!;

        for (const type of asArray(credential.type)) {
            if (typeof type !== 'string' || notCareLedgerTypes.has(type)) continue;
            const name = type.startsWith(vocab) ? decodeURIComponent(type.slice(vocab.length)) : type;
            const entry = await this.ledger.getIssuer(name, mspId).catch(notFoundAs(undefined));
            if (entry?.status !== 'trusted') {
                problems.push({
                    code: 'ISSUER_NOT_TRUSTED',
                    message: `the consortium's registry does not trust ${mspId} to issue ${name} (${entry ? `trust ${entry.status}` : 'never registered'})`,
                });
            }
        }

        const now = this.now().getTime();
        if (typeof credential.validFrom === 'string' && Date.parse(credential.validFrom) > now) {
            problems.push({ code: 'NOT_YET_VALID', message: `valid from ${credential.validFrom}` });
        }
        if (typeof credential.validUntil === 'string' && Date.parse(credential.validUntil) <= now) {
            problems.push({ code: 'EXPIRED', message: `valid until ${credential.validUntil}` });
        }
        for (const entry of asArray(credential.credentialStatus)) {
            const status = await this.checkStatus(entry, mspId);
            if (status) problems.push(status);
        }
        return result();
    }

    async verifyPresentation(
        presentation: unknown,
        expected: { challenge?: string; domain?: string } = {},
    ): Promise<PresentationVerification> {
        if (!isObject(presentation) || !asArray(presentation.type).includes('VerifiablePresentation')) {
            return {
                verified: false,
                credentials: [],
                problems: [
                    { code: 'MALFORMED', message: 'a presentation is an object of type VerifiablePresentation' },
                ],
            };
        }
        const holder = typeof presentation.holder === 'string' ? presentation.holder : undefined;
        const problems: Problem[] = [];
        const shape = await this.checkShape(presentation);
        if (shape) problems.push(shape);
        else if (!holder) problems.push({ code: 'MALFORMED', message: 'holder must be a DID' });
        else {
            const proofCheck = await this.checkProof(presentation, holder, 'authentication');
            if (proofCheck.problem) problems.push(proofCheck.problem);
            const proof = presentation.proof as Partial<DataIntegrityProof>;
            if (expected.challenge !== undefined && proof.challenge !== expected.challenge) {
                problems.push({
                    code: 'CHALLENGE_MISMATCH',
                    message: 'the proof does not carry the expected challenge',
                });
            }
            if (expected.domain !== undefined && proof.domain !== expected.domain) {
                problems.push({ code: 'DOMAIN_MISMATCH', message: 'the proof does not carry the expected domain' });
            }
        }
        const credentials = await Promise.all(
            asArray(presentation.verifiableCredential).map((vc) => this.verifyCredential(vc)),
        );
        const verified = problems.length === 0 && credentials.every((c) => c.verified);
        return { verified, holder, problems, credentials };
    }

    /** JSON-LD safe mode: an undefined term or a value the contexts cannot express fails. */
    private async checkShape(document: Json): Promise<Problem | undefined> {
        try {
            await expandSafely(document);
            return undefined;
        } catch (error) {
            return { code: 'MALFORMED', message: `JSON-LD safe mode rejects it: ${(error as Error).message}` };
        }
    }

    /** The proof, made for `purpose` with an active key the ledger binds to `controller`'s org. */
    private async checkProof(
        document: Json,
        controller: string,
        purpose: DataIntegrityProof['proofPurpose'],
    ): Promise<{ problem?: Problem; mspId?: string }> {
        const proof = document.proof;
        if (!isObject(proof)) return { problem: { code: 'PROOF_MISSING', message: 'no proof' } };
        if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'ecdsa-rdfc-2019') {
            return {
                problem: { code: 'PROOF_INVALID', message: 'only DataIntegrityProof with ecdsa-rdfc-2019 is accepted' },
            };
        }
        if (proof.proofPurpose !== purpose) {
            return { problem: { code: 'PROOF_INVALID', message: `proofPurpose must be ${purpose}` } };
        }
        const method = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : '';
        const [did, fragment] = method.split('#');
        if (did !== controller || !fragment) {
            return {
                problem: { code: 'PROOF_INVALID', message: `verificationMethod must be a key of ${controller}` },
            };
        }
        const resolved = await this.keyOf(did, fragment);
        if ('problem' in resolved) return { problem: resolved.problem };
        if (!(await proofSignatureValid(document as Json & { '@context': unknown }, resolved.key).catch(() => false))) {
            return { problem: { code: 'PROOF_INVALID', message: 'the signature does not match the document' } };
        }
        return { mspId: resolved.mspId };
    }

    private async keyOf(
        did: string,
        publicKeyMultibase: string,
    ): Promise<{ key: KeyObject; mspId?: string } | { problem: Problem }> {
        const unknown = (message: string) => ({ problem: { code: 'ISSUER_KEY_UNKNOWN' as const, message } });
        if (did.startsWith('did:key:')) {
            if (did.slice('did:key:'.length) !== publicKeyMultibase)
                return unknown('a did:key signs only with its own key');
            try {
                return { key: publicKeyOfMultikey(publicKeyMultibase) };
            } catch (error) {
                return unknown((error as Error).message);
            }
        }
        const mspId = mspIdOfIssuerDid(did);
        if (!mspId) return unknown(`${did} is not a CareLedger issuer DID`);
        const keys = await this.ledger.allIssuerKeys(mspId).catch(notFoundAs([]));
        const bound = keys.find((k) => k.publicKeyMultibase === publicKeyMultibase);
        if (!bound) return unknown(`the ledger binds no such key to ${mspId}`);
        if (bound.status !== 'active') return unknown(`${mspId} retired this key on ${bound.retiredAt}`);
        return { key: publicKeyOfMultikey(publicKeyMultibase), mspId };
    }

    private async checkStatus(entry: unknown, issuerMspId: string): Promise<Problem | undefined> {
        const unavailable = (message: string): Problem => ({ code: 'STATUS_UNAVAILABLE', message });
        if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry') {
            return unavailable('only BitstringStatusListEntry status is understood');
        }
        const url = typeof entry.statusListCredential === 'string' ? entry.statusListCredential : '';
        const match = statusPath.exec(url.split('#')[0]);
        const index = Number(entry.statusListIndex);
        if (!match || decodeURIComponent(match[1]) !== issuerMspId || match[2] !== entry.statusPurpose) {
            return unavailable(`${url} is not ${issuerMspId}'s ${String(entry.statusPurpose)} list`);
        }
        if (!Number.isSafeInteger(index) || index < 0) return unavailable('statusListIndex must be a whole number');
        const purpose = match[2] as StatusListPurpose;
        const published = await this.ledger.getStatusListCredential(issuerMspId, purpose).catch(notFoundAs(undefined));
        if (!published) return unavailable(`${issuerMspId} has not published its ${purpose} list`);
        if (createHash('sha256').update(published.credential, 'utf8').digest('hex') !== published.anchor.sha256) {
            return unavailable(`the ${purpose} list does not match its ledger anchor`);
        }
        const list = JSON.parse(published.credential) as Json;
        const listCheck = await this.checkProof(list, String(list.issuer), 'assertionMethod');
        if (listCheck.problem || listCheck.mspId !== issuerMspId) {
            return unavailable(
                `the ${purpose} list's proof does not verify: ${listCheck.problem?.message ?? 'issuer'}`,
            );
        }
        const subject = list.credentialSubject as { encodedList: string };
        if (decodeStatusList(subject.encodedList).isSet(index)) {
            return purpose === 'revocation'
                ? { code: 'REVOKED', message: `${issuerMspId} revoked it (revocation list bit ${index})` }
                : { code: 'SUSPENDED', message: `it is suspended (suspension list bit ${index})` };
        }
        return undefined;
    }
}

function notFoundAs<T>(fallback: T) {
    return (error: unknown): T => {
        if (error instanceof LedgerError && error.code === 'NOT_FOUND') return fallback;
        throw error;
    };
}
