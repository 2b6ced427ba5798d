import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { DigestSigner } from '../ledger';

/**
 * Signs with OpenSSL instead of fabric-gateway's pure-JavaScript ECDSA (@noble/curves), which
 * takes about 0.4 ms a signature (OpenSSL: 0.03 ms). A submit signs three times (proposal,
 * transaction, commit-status request), an evaluate once; under load that was a third of a
 * gateway's CPU (bench/README.md). OpenSSL hashes what it signs, so a session whose identity
 * signs this way is connected with `hash.none` and given the message, not its digest.
 *
 * Fabric accepts only low-S signatures (s ≤ n/2), which OpenSSL does not guarantee: a high s
 * is replaced by n - s, the other valid signature of the same message.
 */
export type MessageSigner = (message: Uint8Array) => Promise<Uint8Array>;

const messageForm = Symbol('careledger.messageSigner');

/**
 * A digest signer (fabric-gateway's, for callers that only have a digest) that also carries
 * the native message signer of the same key, which {@link messageSignerOf} finds. The key stays
 * in the closures: an identity with this signer still never hands out its key.
 */
export function newNativeSigner(privateKey: string | KeyObject): DigestSigner {
    const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
    const digestSigner = signers.newPrivateKeySigner(key);
    return Object.assign((digest: Uint8Array) => digestSigner(digest), { [messageForm]: newMessageSigner(key) });
}

/** The native message signer behind a signer from {@link newNativeSigner}, if it is one. */
export function messageSignerOf(signer: DigestSigner | undefined): MessageSigner | undefined {
    return (signer as (DigestSigner & { [messageForm]?: MessageSigner }) | undefined)?.[messageForm];
}

const curveOrders: Readonly<Record<string, bigint>> = {
    prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

export function newMessageSigner(privateKey: string | KeyObject): MessageSigner {
    const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const order = curveOrders[curve];
    if (key.asymmetricKeyType !== 'ec' || order === undefined) {
        throw new Error(
            `unsupported signing key: ${key.asymmetricKeyType} ${curve}; Fabric identities use EC P-256 or P-384`,
        );
    }
    return (message) => Promise.resolve(lowS(sign('sha256', message, { key, dsaEncoding: 'der' }), order));
}

/** A DER ECDSA signature with s ≤ order/2. */
export function lowS(der: Uint8Array, order: bigint): Uint8Array {
    const { r, s } = decodeSignature(der);
    return s > order >> 1n ? encodeSignature(r, order - s) : der;
}

function decodeSignature(der: Uint8Array): { r: bigint; s: bigint } {
    let offset = 0;
    const expect = (byte: number) => {
        if (der[offset++] !== byte) throw new Error('malformed DER ECDSA signature');
    };
    const length = () => {
        let value = der[offset++];
        if (value & 0x80) {
            const bytes = value & 0x7f;
            value = 0;
            for (let i = 0; i < bytes; i++) value = (value << 8) | der[offset++];
        }
        return value;
    };
    const integer = () => {
        expect(0x02);
        const size = length();
        const value = BigInt(`0x${Buffer.from(der.subarray(offset, offset + size)).toString('hex') || '0'}`);
        offset += size;
        return value;
    };
    expect(0x30);
    length();
    const r = integer();
    const s = integer();
    return { r, s };
}

function encodeSignature(r: bigint, s: bigint): Uint8Array {
    const integer = (value: bigint) => {
        let hex = value.toString(16);
        if (hex.length % 2) hex = `0${hex}`;
        // A leading 1 bit would make the integer negative: prefix a zero byte.
        if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
        const bytes = Buffer.from(hex, 'hex');
        return Buffer.concat([Buffer.from([0x02, ...derLength(bytes.length)]), bytes]);
    };
    const body = Buffer.concat([integer(r), integer(s)]);
    return Buffer.concat([Buffer.from([0x30, ...derLength(body.length)]), body]);
}

function derLength(length: number): number[] {
    return length < 0x80 ? [length] : [0x81, length];
}
