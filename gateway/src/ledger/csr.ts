import * as x509 from '@peculiar/x509';
import { createPublicKey, generateKeyPairSync, KeyObject, webcrypto } from 'node:crypto';
import { LedgerError } from './errors';

/**
 * PKCS#10 certificate signing requests for enrolment keys (ECDSA P-256, SHA-256), as Fabric CA
 * takes them: the subject CN is the enrolment id. A device makes its key and CSR with
 * `createCsr` and sends only the CSR; a CA reads one back with `readCsr`, which checks the
 * request's signature (proof that the requester holds the key).
 */
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface CsrAndKey {
    csrPem: string;
    /** The key the CSR is for: PKCS#8 PEM. It stays with whoever called `createCsr`. */
    privateKey: string;
}

/** A new P-256 key (or `privateKey`, if given) and a CSR for it with subject CN=`commonName`. */
export async function createCsr(commonName: string, privateKey?: KeyObject): Promise<CsrAndKey> {
    const key = privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new Error('enrolment keys are ECDSA P-256');
    }
    const keys = {
        privateKey: await webcrypto.subtle.importKey(
            'pkcs8',
            key.export({ type: 'pkcs8', format: 'der' }),
            ecdsa,
            false,
            ['sign'],
        ),
        publicKey: await webcrypto.subtle.importKey(
            'spki',
            createPublicKey(key).export({ type: 'spki', format: 'der' }),
            ecdsa,
            true,
            ['verify'],
        ),
    };
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
        { name: [{ CN: [commonName] }], keys, signingAlgorithm: ecdsa },
        webcrypto,
    );
    return { csrPem: csr.toString('pem'), privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export interface CsrContents {
    commonName: string;
    /** The requester's public key, ready for a certificate generator. */
    publicKey: webcrypto.CryptoKey;
}

/**
 * The CN and public key of a CSR whose signature is valid and whose key is P-256. Anything else
 * is INVALID_ARGUMENT on `field`.
 */
export async function readCsr(csrPem: string, field = 'csr'): Promise<CsrContents> {
    const invalid = (rule: string) => new LedgerError('INVALID_ARGUMENT', `${field} ${rule}`, { field });
    let csr: x509.Pkcs10CertificateRequest;
    try {
        csr = new x509.Pkcs10CertificateRequest(csrPem);
    } catch {
        throw invalid('must be a PEM PKCS#10 certificate signing request');
    }
    let publicKey: webcrypto.CryptoKey;
    try {
        publicKey = await csr.publicKey.export(ecdsa, ['verify'], webcrypto);
    } catch {
        throw invalid('must be for an ECDSA P-256 key');
    }
    if (!(await csr.verify(webcrypto).catch(() => false))) {
        throw invalid('must be signed by the key it requests a certificate for');
    }
    const names = csr.subjectName.getField('CN');
    if (names.length !== 1) {
        throw invalid('must name exactly one subject CN');
    }
    return { commonName: names[0], publicKey };
}
