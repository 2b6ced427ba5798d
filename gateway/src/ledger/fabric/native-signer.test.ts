import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { lowS, messageSignerOf, newMessageSigner, newNativeSigner } from './native-signer';

const p256Order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function sOf(der: Uint8Array): bigint {
    const rLength = der[3];
    const sLength = der[5 + rLength];
    return BigInt(`0x${Buffer.from(der.subarray(6 + rLength, 6 + rLength + sLength)).toString('hex')}`);
}

describe('native message signer', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

    it('signs SHA-256 of the message, verifiable by any ECDSA verifier, always with a low s', async () => {
        const signer = newMessageSigner(pem);
        for (let i = 0; i < 64; i++) {
            const message = Buffer.from(`proposal ${i}`);
            const signature = await signer(message);
            expect(verify('sha256', message, publicKey, signature)).toBe(true);
            expect(sOf(signature) <= p256Order >> 1n).toBe(true);
        }
    });

    it('turns a high-s signature into the low-s signature of the same message', () => {
        const message = Buffer.from('transaction');
        // Sign until OpenSSL returns a high s (about every other time).
        for (let i = 0; i < 200; i++) {
            const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
            if (sOf(der) > p256Order >> 1n) {
                const low = lowS(der, p256Order);
                expect(sOf(low)).toBe(p256Order - sOf(der));
                expect(verify('sha256', message, publicKey, low)).toBe(true);
                return;
            }
            expect(lowS(der, p256Order)).toBe(der);
        }
        throw new Error('OpenSSL returned no high-s signature in 200 tries');
    });

    it('refuses keys Fabric identities do not use', () => {
        const { privateKey: rsa } = generateKeyPairSync('rsa', { modulusLength: 1024 });
        expect(() => newMessageSigner(rsa)).toThrow(/unsupported signing key: rsa/);
    });
});

describe('native signer of a directory identity', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    it('signs digests like fabric-gateway and carries a native signer of messages with the same key', async () => {
        const signer = newNativeSigner(privateKey);
        const message = Buffer.from('commit status request');
        const digest = createHash('sha256').update(message).digest();
        expect(verify('sha256', message, publicKey, await signer(digest))).toBe(true);
        const messageSigner = messageSignerOf(signer);
        expect(messageSigner).toBeDefined();
        expect(verify('sha256', message, publicKey, await messageSigner!(message))).toBe(true);
    });

    it('finds no message signer behind any other signer', () => {
        expect(messageSignerOf(async (digest) => digest)).toBeUndefined();
        expect(messageSignerOf(undefined)).toBeUndefined();
    });
});
