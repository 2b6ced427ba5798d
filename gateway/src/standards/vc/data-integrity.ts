import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonize } from './jsonld';
import { multibaseDecode, multibaseEncode } from './multikey';

/**
 * W3C Data Integrity proofs with the `ecdsa-rdfc-2019` cryptosuite (VC Data Integrity ECDSA
 * Cryptosuites v1.0, §3.2), P-256 and SHA-256: canonicalize the proof options and the document
 * with RDFC-1.0, hash each with SHA-256, sign `proofHash ‖ documentHash` with ECDSA (IEEE P1363
 * r‖s), encode the signature multibase base58btc.
 *
 * Written here rather than taken from `@digitalbazaar/data-integrity`: those packages are
 * ESM-only and this gateway (and its jest suite) is CommonJS. The independent verifier in
 * tools/validators/vc uses Digital Bazaar's implementation on everything this one signs, so
 * the two implementations check each other.
 */
export interface ProofOptions {
    verificationMethod: string;
    proofPurpose: 'assertionMethod' | 'authentication';
    /** xsd:dateTime, e.g. `2026-12-05T08:00:00Z`. */
    created: string;
    /** Presentations: the verifier's nonce, and the domain it is meant for. */
    challenge?: string;
    domain?: string;
}

export interface DataIntegrityProof extends ProofOptions {
    type: 'DataIntegrityProof';
    cryptosuite: 'ecdsa-rdfc-2019';
    proofValue: string;
}

type Document = Record<string, unknown> & { '@context': unknown };

async function hashData(document: Document, proofConfig: Record<string, unknown>): Promise<Buffer> {
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest();
    const [proofCanon, documentCanon] = await Promise.all([
        canonize({ ...proofConfig, '@context': document['@context'] }),
        canonize(document),
    ]);
    return Buffer.concat([sha(proofCanon), sha(documentCanon)]);
}

/** `document` with a `proof` made with `privateKey` (P-256). The document must not carry one yet. */
export async function addProof<T extends Document>(
    document: T,
    privateKey: KeyObject,
    options: ProofOptions,
): Promise<T & { proof: DataIntegrityProof }> {
    if ('proof' in document) throw new Error('document already carries a proof');
    const config = {
        type: 'DataIntegrityProof' as const,
        cryptosuite: 'ecdsa-rdfc-2019' as const,
        created: options.created,
        verificationMethod: options.verificationMethod,
        proofPurpose: options.proofPurpose,
        ...(options.challenge !== undefined ? { challenge: options.challenge } : {}),
        ...(options.domain !== undefined ? { domain: options.domain } : {}),
    };
    const signature = sign('sha256', await hashData(document, config), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return { ...document, proof: { ...config, proofValue: multibaseEncode(signature) } };
}

/** Checks the proof's signature with `publicKey`; false for a tampered document or another key. */
export async function proofSignatureValid(document: Document, publicKey: KeyObject): Promise<boolean> {
    const { proof, ...unsigned } = document as Document & { proof?: DataIntegrityProof };
    if (!proof || proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'ecdsa-rdfc-2019') return false;
    const { proofValue, ...config } = proof;
    let signature: Buffer;
    try {
        signature = multibaseDecode(proofValue);
    } catch {
        return false;
    }
    const data = await hashData(unsigned as Document, config);
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}
