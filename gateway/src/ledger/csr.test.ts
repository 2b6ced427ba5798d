import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import { createCsr, readCsr } from './csr';

describe('CSR', () => {
    test('a new P-256 key and a CSR for it, subject CN = the enrolment id, signed with SHA-256', async () => {
        const { csrPem, privateKey } = await createCsr('patient-device-1');
        expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
        const csr = new x509.Pkcs10CertificateRequest(csrPem);
        expect(csr.subject).toBe('CN=patient-device-1');
        expect(csr.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
        expect(await csr.verify(webcrypto)).toBe(true);
        const key = createPrivateKey(privateKey);
        expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
        const requested = Buffer.from(csr.publicKey.rawData);
        expect(requested.equals(createPublicKey(key).export({ type: 'spki', format: 'der' }))).toBe(true);
    });

    test("uses the device's own key when given one, and refuses keys that are not P-256", async () => {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const { csrPem } = await createCsr('device', privateKey);
        const spki = Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData);
        expect(spki.equals(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))).toBe(true);
        const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
        await expect(createCsr('device', p384)).rejects.toThrow('P-256');
    });

    test('reads back the CN and a public key that verifies signatures of the CSR key', async () => {
        const { csrPem, privateKey } = await createCsr('nurse-7');
        const { commonName, publicKey } = await readCsr(csrPem);
        expect(commonName).toBe('nurse-7');
        const message = Buffer.from('proof');
        const signature = await webcrypto.subtle.sign(
            { name: 'ECDSA', hash: 'SHA-256' },
            await webcrypto.subtle.importKey(
                'pkcs8',
                createPrivateKey(privateKey).export({ type: 'pkcs8', format: 'der' }),
                { name: 'ECDSA', namedCurve: 'P-256' },
                false,
                ['sign'],
            ),
            message,
        );
        expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, message)).toBe(
            true,
        );
    });

    test('refuses garbage, a tampered CSR and a non-P-256 key as INVALID_ARGUMENT on the field', async () => {
        await expect(readCsr('not a csr')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'csr' });
        const { csrPem } = await createCsr('abc');
        // Flip one byte of the subject inside the signed part: the signature no longer matches.
        const der = Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).rawData);
        const at = der.indexOf(Buffer.from('abc'));
        der[at] = 'x'.charCodeAt(0);
        const tampered = new x509.Pkcs10CertificateRequest(der).toString('pem');
        await expect(readCsr(tampered, 'body.csr')).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'body.csr',
            detail: expect.stringContaining('signed by the key'),
        });
        const rsa = await rsaCsr();
        await expect(readCsr(rsa)).rejects.toMatchObject({ detail: expect.stringContaining('P-256') });
    });
});

async function rsaCsr(): Promise<string> {
    const algorithm = {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: 2048,
    };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
        { name: 'CN=rsa', keys, signingAlgorithm: algorithm },
        webcrypto,
    );
    return csr.toString('pem');
}
