import { bitString, concat, ecdsaSignatureToDer, objectIdentifier, sequence, set, toPem, utf8String } from './der';

const commonName = '2.5.4.3';
const ecdsaWithSha256 = '1.2.840.10045.4.3.2';

/**
 * A PKCS#10 certificate signing request for a WebCrypto P-256 key pair, subject CN = the
 * enrolment id (what the gateway's CA reads: gateway/src/ledger/csr.ts). The private key only
 * signs; it is never exported (it cannot be: the app makes it non-extractable).
 */
export async function createCsr(keys: CryptoKeyPair, enrolmentId: string): Promise<string> {
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const subject = sequence(set(sequence(objectIdentifier(commonName), utf8String(enrolmentId))));
    // version 0, subject, the public key, and an empty attribute set ([0] IMPLICIT SET OF).
    const info = sequence(Uint8Array.of(0x02, 0x01, 0x00), subject, spki, Uint8Array.of(0xa0, 0x00));
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, info);
    const der = sequence(
        info,
        sequence(objectIdentifier(ecdsaWithSha256)),
        bitString(ecdsaSignatureToDer(new Uint8Array(signature))),
    );
    return toPem('CERTIFICATE REQUEST', concat(der));
}
