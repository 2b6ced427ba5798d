/**
 * The few DER shapes a CSR and a Fabric signature need, written out rather than pulling an
 * ASN.1 library into the patient's first page load (a whole ASN.1/X.509 stack is ~60 KB gzipped
 * for the five constructs used here).
 */

/** The order of the P-256 group: signatures with s above n/2 are rewritten to n - s (Fabric wants low-S). */
export const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
        out.set(part, at);
        at += part.length;
    }
    return out;
}

function lengthBytes(length: number): Uint8Array {
    if (length < 0x80) return Uint8Array.of(length);
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array<ArrayBuffer> {
    const body = concat(...content);
    return concat(Uint8Array.of(tag), lengthBytes(body.length), body);
}

export const sequence = (...items: Uint8Array[]) => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]) => tlv(0x31, ...items);
export const utf8String = (text: string) => tlv(0x0c, new TextEncoder().encode(text));
export const bitString = (bytes: Uint8Array) => tlv(0x03, Uint8Array.of(0), bytes);

/** An unsigned big-endian integer as DER INTEGER: no redundant leading zeros, a zero byte when the top bit is set. */
export function integer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const trimmed = bytes.subarray(start);
    return tlv(0x02, trimmed[0] & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed);
}

export function objectIdentifier(dotted: string): Uint8Array {
    const [first, second, ...rest] = dotted.split('.').map(Number);
    const bytes = [40 * first + second];
    for (const arc of rest) {
        const chunk: number[] = [arc & 0x7f];
        for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
        bytes.push(...chunk);
    }
    return tlv(0x06, Uint8Array.from(bytes));
}

function toBigInt(bytes: Uint8Array): bigint {
    return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

function toBytes(value: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i -= 1) {
        out[i] = Number(value & 0xffn);
        value >>= 8n;
    }
    return out;
}

/**
 * WebCrypto's ECDSA signature (r || s, 64 bytes for P-256) as the DER `SEQUENCE { r, s }` that
 * X.509 and Fabric read, with s normalised to the lower half of the group order.
 */
export function ecdsaSignatureToDer(raw: Uint8Array): Uint8Array<ArrayBuffer> {
    if (raw.length !== 64) throw new Error(`a P-256 signature is 64 bytes, not ${raw.length}`);
    const r = raw.subarray(0, 32);
    let s = toBigInt(raw.subarray(32));
    if (s > P256_ORDER / 2n) s = P256_ORDER - s;
    return sequence(integer(r), integer(toBytes(s, 32)));
}

export function toBase64(bytes: Uint8Array): string {
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function toPem(label: string, der: Uint8Array): string {
    const body = toBase64(der)
        .replace(/(.{64})/g, '$1\n')
        .trimEnd();
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
    return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) =>
        b.toString(16).padStart(2, '0'),
    ).join('');
}
