import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { p256Multikey } from '../standards/vc/multikey';

/**
 * The org's credential-issuing key: ECDSA P-256, held by the org's gateway (not a user's
 * Fabric key: a credential outlives the admin who issued it, and the key is an org's).
 * In a deployment it is a PKCS#8 PEM file in the gateway's state folder
 * (`<dataDir>/gateway/<org>/issuing-key.pem`, mode 0600), made on the gateway's first start
 * like its token keys and never committed; the public half is bound to the org on the ledger
 * (credentials-issuers BindIssuerKey) the first time the gateway signs.
 */
export interface IssuingKey {
    privateKey: KeyObject;
    publicKey: KeyObject;
    /** P-256 Multikey of the public key: the verification method's `publicKeyMultibase`. */
    publicKeyMultibase: string;
}

function issuingKeyOf(privateKey: KeyObject): IssuingKey {
    const publicKey = createPublicKey(privateKey);
    return { privateKey, publicKey, publicKeyMultibase: p256Multikey(publicKey) };
}

export function generateIssuingKey(): IssuingKey {
    return issuingKeyOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

/** The key in `file`, made there (0600) when absent. */
export function loadOrCreateIssuingKey(file: string): IssuingKey {
    try {
        return issuingKeyOf(createPrivateKey(readFileSync(file, 'utf8')));
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = generateIssuingKey();
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
        writeFileSync(file, key.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
        // Another process made it first: use theirs.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateIssuingKey(file);
        throw error;
    }
    return key;
}
