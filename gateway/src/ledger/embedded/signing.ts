import { createPrivateKey, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { messageSignerOf } from '../fabric/native-signer';
import type { SigningIdentity } from '../ledger';
import { sha256 } from './hashing';

/** Order of the P-256 group; Fabric accepts only ECDSA signatures with S in the lower half. */
const p256Order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const halfOrder = p256Order >> 1n;

/**
 * Parsed keys by PEM text. Parsing a PEM key costs more than the ECDSA operation itself, and the
 * same few identities sign and are verified over and over; bounded so a long-running ledger that
 * sees many certificates does not keep them all.
 */
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
const keyCacheSize = 1024;

function cached(cache: Map<string, KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject {
    let key = cache.get(pem);
    if (!key) {
        key = parse(pem);
        if (cache.size >= keyCacheSize) {
            cache.delete(cache.keys().next().value as string);
        }
        cache.set(pem, key);
    }
    return key;
}

/** Signs `message` as a Fabric client does: ECDSA over SHA-256, DER, low-S. */
export async function signMessage(identity: SigningIdentity, message: Uint8Array): Promise<Buffer> {
    const native = messageSignerOf(identity.signer);
    if (native) {
        return Buffer.from(await native(message));
    }
    if (identity.signer) {
        return Buffer.from(await identity.signer(sha256(message)));
    }
    if (!identity.privateKey) {
        throw new Error(`identity of ${identity.mspId} has neither a private key nor a signer`);
    }
    const der = sign('sha256', message, cached(privateKeys, identity.privateKey, createPrivateKey));
    return toLowS(der);
}

/** Verifies a client signature with the certificate's public key, rejecting high-S as Fabric's MSP does. */
export function verifyMessage(certificatePem: string, message: Uint8Array, signature: Uint8Array): boolean {
    const { s } = decodeSignature(Buffer.from(signature));
    if (s > halfOrder) {
        return false;
    }
    const key = cached(publicKeys, certificatePem, (pem) =>
        createPublicKey(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'pem' })),
    );
    return verify('sha256', message, key, signature);
}

function toLowS(der: Buffer): Buffer {
    const { r, s } = decodeSignature(der);
    return s > halfOrder ? encodeSignature(r, p256Order - s) : der;
}

function decodeSignature(der: Buffer): { r: bigint; s: bigint } {
    // SEQUENCE { INTEGER r, INTEGER s }, short-form lengths (P-256 signatures are at most 72 bytes).
    if (der[0] !== 0x30 || der[2] !== 0x02) {
        throw new Error('signature is not a DER ECDSA signature');
    }
    const rLength = der[3];
    const r = der.subarray(4, 4 + rLength);
    const sOffset = 4 + rLength;
    if (der[sOffset] !== 0x02) {
        throw new Error('signature is not a DER ECDSA signature');
    }
    const s = der.subarray(sOffset + 2, sOffset + 2 + der[sOffset + 1]);
    return { r: BigInt(`0x${r.toString('hex')}`), s: BigInt(`0x${s.toString('hex')}`) };
}

function encodeSignature(r: bigint, s: bigint): Buffer {
    const integer = (n: bigint): Buffer => {
        let hex = n.toString(16);
        if (hex.length % 2) {
            hex = `0${hex}`;
        }
        let bytes = Buffer.from(hex, 'hex');
        if (bytes[0] & 0x80) {
            bytes = Buffer.concat([Buffer.from([0]), bytes]);
        }
        return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
    };
    const body = Buffer.concat([integer(r), integer(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
