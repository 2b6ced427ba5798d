import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';

/** The extension Fabric CA writes into enrolment certificates; fabric-shim's ClientIdentity reads it. */
export const FabricAttributesOid = '1.2.3.4.5.6.7.8.1';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
/** Fixed start of validity: certificates must not depend on the clock of the test that made them. */
const notBefore = new Date('2020-01-01T00:00:00Z');
const notAfter = new Date('2099-12-31T23:59:59Z');

/** PEM certificate and PKCS#8 PEM private key. */
export interface KeyAndCertificate {
    certificate: string;
    privateKey: string;
}

export interface CertificateRequest {
    /** Enrolment id, the certificate's CN. */
    name: string;
    /** Written as `careledger.role`; omitted when absent. */
    role?: string;
    /** Written as `careledger.id`; omitted when absent. */
    actorId?: string;
    /** NodeOU type: `client` (default), `admin`, `peer`, `orderer`. */
    type?: string;
}

/**
 * One org's development certificate authority: an ECDSA P-256 root that issues enrolment
 * certificates shaped as Fabric CA issues them — NodeOU in the OU, the enrolment id in the
 * CN, and the attribute extension (OID 1.2.3.4.5.6.7.8.1) carrying `careledger.role` and
 * `careledger.id` — so the chaincode's access control reads them through the same code.
 */
export class DevCertificateAuthority {
    private constructor(
        readonly mspId: string,
        readonly domain: string,
        readonly certificate: string,
        private readonly signingKey: CryptoKey,
    ) {}

    static async create(mspId: string, domain: string): Promise<{ ca: DevCertificateAuthority; privateKey: string }> {
        const keys = (await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
        const certificate = await x509.X509CertificateGenerator.createSelfSigned(
            {
                serialNumber: serialNumber(),
                name: `C=US, O=${domain}, CN=ca.${domain}`,
                notBefore,
                notAfter,
                signingAlgorithm: ecdsa,
                keys,
                extensions: [
                    new x509.BasicConstraintsExtension(true, 1, true),
                    new x509.KeyUsagesExtension(
                        x509.KeyUsageFlags.keyCertSign |
                            x509.KeyUsageFlags.cRLSign |
                            x509.KeyUsageFlags.digitalSignature,
                        true,
                    ),
                    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
                ],
            },
            crypto,
        );
        const ca = new DevCertificateAuthority(mspId, domain, certificate.toString('pem'), keys.privateKey);
        return { ca, privateKey: exportPrivateKey(keys.privateKey) };
    }

    /** Reloads a CA from its persisted certificate and key. */
    static async load(mspId: string, domain: string, material: KeyAndCertificate): Promise<DevCertificateAuthority> {
        const key = await importPrivateKey(material.privateKey);
        return new DevCertificateAuthority(mspId, domain, material.certificate, key);
    }

    async issue(request: CertificateRequest): Promise<KeyAndCertificate> {
        const keys = (await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
        const certificate = await this.certify(request, keys.publicKey);
        return { certificate, privateKey: exportPrivateKey(keys.privateKey) };
    }

    /**
     * A certificate for a public key whose private key stays with the requester (a device's
     * CSR, already checked for proof of possession). PEM.
     */
    async certify(request: CertificateRequest, publicKey: CryptoKey): Promise<string> {
        const issuer = new x509.X509Certificate(this.certificate);
        const type = request.type ?? 'client';
        const attrs: Record<string, string> = {
            'hf.Affiliation': '',
            'hf.EnrollmentID': request.name,
            'hf.Type': type,
        };
        if (request.role !== undefined) {
            attrs['careledger.role'] = request.role;
        }
        if (request.actorId !== undefined) {
            attrs['careledger.id'] = request.actorId;
        }
        const certificate = await x509.X509CertificateGenerator.create(
            {
                serialNumber: serialNumber(),
                subject: `C=US, O=${this.domain}, OU=${type}, CN=${request.name}`,
                issuer: issuer.subject,
                notBefore,
                notAfter,
                signingAlgorithm: ecdsa,
                publicKey,
                signingKey: this.signingKey,
                extensions: [
                    new x509.BasicConstraintsExtension(false, undefined, true),
                    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
                    await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
                    await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey, false, crypto),
                    new x509.Extension(FabricAttributesOid, false, Buffer.from(JSON.stringify({ attrs }))),
                ],
            },
            crypto,
        );
        return certificate.toString('pem');
    }
}

function serialNumber(): string {
    // Positive 16-byte serial: clear the top bit so DER does not read it as negative.
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    return bytes.toString('hex');
}

function exportPrivateKey(key: CryptoKey): string {
    return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    return crypto.subtle.importKey('pkcs8', der, ecdsa, false, ['sign']);
}
