import { createHash } from 'node:crypto';

/** SHA-256, as Fabric hashes private data keys and values for the public hashed state. */
export function sha256(data: string | Uint8Array): Buffer {
    return createHash('sha256').update(data).digest();
}

export function keyHashOf(key: string): string {
    return sha256(key).toString('hex');
}
