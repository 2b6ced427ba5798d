import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Authenticated encryption at rest: AES-256-GCM with a random 96-bit nonce per message.
 * Sealed layout: nonce (12) | tag (16) | ciphertext. `context` is bound as additional data,
 * so a sealed value cannot be moved to another record and still open.
 */
const nonceBytes = 12;
const tagBytes = 16;

export function seal(key: Buffer, plaintext: Uint8Array, context = ''): Buffer {
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
}

/** Throws if the key, the context or any byte is wrong. */
export function open(key: Buffer, sealed: Uint8Array, context = ''): Buffer {
    const bytes = Buffer.from(sealed);
    if (bytes.length < nonceBytes + tagBytes) {
        throw new Error('sealed value is truncated');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, nonceBytes));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(nonceBytes, nonceBytes + tagBytes));
    return Buffer.concat([decipher.update(bytes.subarray(nonceBytes + tagBytes)), decipher.final()]);
}

/**
 * A 256-bit key: from `configured` (64 hex characters or base64 of 32 bytes) when given, else
 * from `file`, which is created with a random key, readable by the owner only, on first use.
 */
export function loadOrCreateKey(file: string, configured?: string): Buffer {
    if (configured) {
        return parseKey(configured);
    }
    if (fs.existsSync(file)) {
        return parseKey(fs.readFileSync(file, 'utf8').trim());
    }
    const key = randomBytes(32);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
        fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
        // Another process created it first: use theirs, so both read the same data.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            return parseKey(fs.readFileSync(file, 'utf8').trim());
        }
        throw error;
    }
    return key;
}

function parseKey(text: string): Buffer {
    const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    if (key.length !== 32) {
        throw new Error('an encryption key must be 32 bytes: 64 hex characters or base64');
    }
    return key;
}
