import { createPublicKey, ECDH, type KeyObject } from 'node:crypto';

/**
 * Multibase base58btc and P-256 Multikey (W3C Controlled Identifiers, "Multikey"): the public
 * key form Data Integrity verification methods and `did:key` use. A P-256 Multikey is `z` +
 * base58btc(0x80 0x24 ‖ 33-byte compressed point); 0x1200 is the multicodec `p256-pub`.
 */
const Alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const P256PubPrefix = Buffer.from([0x80, 0x24]);

export function base58btcEncode(bytes: Uint8Array): string {
    let zeros = 0;
    while (zeros < bytes.length && bytes[zeros] === 0) zeros += 1;
    const digits: number[] = [];
    for (const byte of bytes) {
        let carry = byte;
        for (let i = 0; i < digits.length; i += 1) {
            carry += digits[i] << 8;
            digits[i] = carry % 58;
            carry = Math.floor(carry / 58);
        }
        while (carry > 0) {
            digits.push(carry % 58);
            carry = Math.floor(carry / 58);
        }
    }
    return (
        '1'.repeat(zeros) +
        digits
            .reverse()
            .map((d) => Alphabet[d])
            .join('')
    );
}

export function base58btcDecode(text: string): Buffer {
    let zeros = 0;
    while (zeros < text.length && text[zeros] === '1') zeros += 1;
    const bytes: number[] = [];
    for (const char of text) {
        const value = Alphabet.indexOf(char);
        if (value < 0) throw new Error(`"${char}" is not a base58btc character`);
        let carry = value;
        for (let i = 0; i < bytes.length; i += 1) {
            carry += bytes[i] * 58;
            bytes[i] = carry & 0xff;
            carry >>= 8;
        }
        while (carry > 0) {
            bytes.push(carry & 0xff);
            carry >>= 8;
        }
    }
    // Leading '1's are zero bytes; they add nothing to the number.
    return Buffer.concat([Buffer.alloc(zeros), Buffer.from(bytes.reverse())]);
}

/** `z` + base58btc: the multibase form of `proofValue` and `publicKeyMultibase`. */
export function multibaseEncode(bytes: Uint8Array): string {
    return `z${base58btcEncode(bytes)}`;
}

export function multibaseDecode(text: string): Buffer {
    if (!text.startsWith('z')) throw new Error('multibase value must be base58btc (prefix "z")');
    return base58btcDecode(text.slice(1));
}

/** The P-256 Multikey of a public (or private) EC key. */
export function p256Multikey(key: KeyObject): string {
    const jwk = key.export({ format: 'jwk' });
    if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('an issuing key must be ECDSA P-256');
    const y = Buffer.from(jwk.y, 'base64url');
    const compressed = Buffer.concat([
        Buffer.from([y[y.length - 1] & 1 ? 0x03 : 0x02]),
        Buffer.from(jwk.x, 'base64url'),
    ]);
    return multibaseEncode(Buffer.concat([P256PubPrefix, compressed]));
}

/** The public key a P-256 Multikey names; throws for any other key type or a malformed value. */
export function publicKeyOfMultikey(publicKeyMultibase: string): KeyObject {
    const bytes = multibaseDecode(publicKeyMultibase);
    if (bytes.length !== 35 || !bytes.subarray(0, 2).equals(P256PubPrefix)) {
        throw new Error('not a P-256 Multikey (multicodec 0x1200, 33-byte compressed point)');
    }
    const uncompressed = ECDH.convertKey(
        bytes.subarray(2),
        'prime256v1',
        undefined,
        undefined,
        'uncompressed',
    ) as Buffer;
    return createPublicKey({
        key: {
            kty: 'EC',
            crv: 'P-256',
            x: uncompressed.subarray(1, 33).toString('base64url'),
            y: uncompressed.subarray(33, 65).toString('base64url'),
        },
        format: 'jwk',
    });
}
