import { signers } from '@hyperledger/fabric-gateway';
import * as x509 from '@peculiar/x509';
import { KeyObject, verify, webcrypto, X509Certificate } from 'node:crypto';
import vector from './fixtures/ca-token-vector.json';
import { createCaToken, tokenPayload } from './ca-token';

/** P-256 group order; a low-S signature has s <= n/2, which fabric-ca's BCCSP insists on. */
const curveOrder = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function sValue(der: Buffer): bigint {
    // SEQUENCE { INTEGER r, INTEGER s } with one-byte lengths (P-256 signatures are < 128 bytes).
    const rLength = der[3];
    const sLength = der[4 + rLength + 1];
    return BigInt(`0x${der.subarray(4 + rLength + 2, 4 + rLength + 2 + sLength).toString('hex')}`);
}

const body = Buffer.from(vector.body, 'utf8');

describe('Fabric CA token', () => {
    test("builds the payload fabric-ca's CreateToken signed (vector made with fabric-ca v1.5.21)", () => {
        const [certificatePart, signaturePart] = vector.token.split('.');
        expect(Buffer.from(certificatePart, 'base64').toString('utf8')).toBe(vector.certificate);
        const payload = tokenPayload({ method: vector.method, uri: vector.uri, body, certificate: vector.certificate });
        const publicKey = new X509Certificate(vector.certificate).publicKey;
        const signature = Buffer.from(signaturePart, 'base64');
        expect(verify('sha256', Buffer.from(payload), publicKey, signature)).toBe(true);
        // Each part is bound: another method, URI or body does not verify.
        for (const changed of [
            { method: 'GET', uri: vector.uri, body },
            { method: vector.method, uri: '/api/v1/enroll', body },
            { method: vector.method, uri: vector.uri, body: Buffer.concat([body, Buffer.from(' ')]) },
        ]) {
            const other = tokenPayload({ ...changed, certificate: vector.certificate });
            expect(verify('sha256', Buffer.from(other), publicKey, signature)).toBe(false);
        }
    });

    test('makes a token of the same shape, signed low-S by the given signer', async () => {
        const { privateKey, publicKey, certificate } = await keyAndCertificate();
        const request = { method: 'POST', uri: '/api/v1/register', body, certificate };
        const sign = signers.newPrivateKeySigner(privateKey);
        for (let i = 0; i < 16; i++) {
            const token = await createCaToken(request, sign);
            const [certificatePart, signaturePart, extra] = token.split('.');
            expect(extra).toBeUndefined();
            expect(certificatePart).toBe(Buffer.from(certificate).toString('base64'));
            const signature = Buffer.from(signaturePart, 'base64');
            expect(verify('sha256', Buffer.from(tokenPayload(request)), publicKey, signature)).toBe(true);
            expect(sValue(signature) <= curveOrder / 2n).toBe(true);
        }
    });
});

/** A throwaway P-256 key (Node KeyObjects) and a self-signed certificate for it. */
async function keyAndCertificate(): Promise<{ privateKey: KeyObject; publicKey: KeyObject; certificate: string }> {
    const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
        { serialNumber: '02', name: 'CN=token-test', signingAlgorithm: ecdsa, keys },
        webcrypto,
    );
    return {
        privateKey: KeyObject.from(keys.privateKey),
        publicKey: KeyObject.from(keys.publicKey),
        certificate: `${certificate.toString('pem')}\n`,
    };
}
