import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * W3C Bitstring Status List v1.0: one bit per credential, index 0 the left-most (most
 * significant) bit of the first byte. The list is GZIP-compressed and base64url-encoded with
 * the multibase `u` prefix. Lists are at least 131,072 bits (16 KiB) so that fetching one
 * reveals little about which credential a verifier is checking.
 */
export const MinimumStatusListBits = 131_072;

export type StatusPurpose = 'revocation' | 'suspension';

export function encodeStatusList(setIndexes: Iterable<number>, bits = MinimumStatusListBits): string {
    if (!Number.isSafeInteger(bits) || bits < MinimumStatusListBits || bits % 8 !== 0) {
        throw new RangeError(`a status list has a multiple of 8 bits, at least ${MinimumStatusListBits}`);
    }
    const bytes = Buffer.alloc(bits / 8);
    for (const index of setIndexes) {
        if (!Number.isSafeInteger(index) || index < 0 || index >= bits) {
            throw new RangeError(`status list index ${index} is outside 0..${bits - 1}`);
        }
        bytes[index >> 3] |= 0x80 >> (index & 7);
    }
    return `u${gzipSync(bytes).toString('base64url')}`;
}

/** The bits of an `encodedList`, as a reader (verifier) sees them. */
export function decodeStatusList(encodedList: string): { bits: number; isSet(index: number): boolean } {
    if (!encodedList.startsWith('u')) {
        throw new Error('encodedList must be multibase base64url (prefix "u")');
    }
    const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
    return {
        bits: bytes.length * 8,
        isSet: (index) => index >= 0 && index < bytes.length * 8 && (bytes[index >> 3] & (0x80 >> (index & 7))) !== 0,
    };
}
