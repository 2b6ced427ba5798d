// @vitest-environment node
import * as x509 from '@peculiar/x509';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCsr } from './csr';
import { ecdsaSignatureToDer, fromBase64, P256_ORDER, toBase64 } from './der';
import { runOffline, signStep, type OfflineStep } from './offline';

const keys = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);

async function publicPem(pair: CryptoKeyPair) {
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey));
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** s of a DER ECDSA signature. */
function sOf(der: Uint8Array): bigint {
    const rLength = der[3];
    const sStart = 4 + rLength + 2;
    return BigInt(`0x${Buffer.from(der.subarray(sStart)).toString('hex')}`);
}

describe('device signatures', () => {
    it('turns WebCrypto signatures into low-S DER that OpenSSL verifies', async () => {
        const pair = await keys();
        const key = await publicPem(pair);
        for (let i = 0; i < 20; i += 1) {
            const data = new TextEncoder().encode(`message ${i}`);
            const raw = new Uint8Array(
                await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data),
            );
            const der = ecdsaSignatureToDer(raw);
            expect(verify('sha256', data, key, der)).toBe(true);
            expect(sOf(der) <= P256_ORDER / 2n).toBe(true);
        }
    });

    it('rewrites a high s to n - s', () => {
        const raw = new Uint8Array(64);
        raw[31] = 1; // r = 1
        const high = P256_ORDER - 5n;
        raw.set(Buffer.from(high.toString(16).padStart(64, '0'), 'hex'), 32);
        expect(sOf(ecdsaSignatureToDer(raw))).toBe(5n);
    });

    it('refuses to sign bytes whose digest is not the one the gateway sent', async () => {
        const pair = await keys();
        const step: OfflineStep = {
            id: '1',
            transactionId: 't',
            stage: 'proposal',
            bytes: toBase64(Uint8Array.of(1, 2)),
            digest: toBase64(new Uint8Array(32)),
        };
        await expect(signStep(pair.privateKey, step)).rejects.toThrow(/not the SHA-256/);
    });

    it('walks a submit through proposal, transaction and commit, one signature each', async () => {
        const pair = await keys();
        const key = await publicPem(pair);
        const stages = ['proposal', 'transaction', 'commit'] as const;
        let at = 0;
        const seen: string[] = [];
        const step = async (stage: OfflineStep['stage']): Promise<OfflineStep> => {
            const bytes = new TextEncoder().encode(`bytes of ${stage}`);
            const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
            return { id: 'p1', transactionId: 'tx1', stage, bytes: toBase64(bytes), digest: toBase64(digest) };
        };
        const post = async <T>(path: string, body: unknown): Promise<T> => {
            seen.push(path);
            if (path === '/offline/proposals') return (await step('proposal')) as T;
            const signature = fromBase64((body as { signature: string }).signature);
            expect(verify('sha256', new TextEncoder().encode(`bytes of ${stages[at]}`), key, signature)).toBe(true);
            at += 1;
            if (at < stages.length) return (await step(stages[at])) as T;
            return {
                id: 'p1',
                transactionId: 'tx1',
                stage: 'done',
                result: toBase64(new TextEncoder().encode('{"ok":true}')),
                blockNumber: '7',
            } as T;
        };
        const progress: string[] = [];
        const result = await runOffline<{ ok: boolean }>(post, pair.privateKey, { contract: 'c', name: 'F' }, (s) =>
            progress.push(s),
        );
        expect(result).toEqual({ value: { ok: true }, transactionId: 'tx1', blockNumber: '7' });
        expect(progress).toEqual(['proposal', 'transaction', 'commit', 'done']);
        expect(seen).toEqual(['/offline/proposals', ...Array(3).fill('/offline/proposals/p1/signature')]);
    });
});

describe('CSR', () => {
    it('is a PKCS#10 request whose signature verifies, subject CN = the enrolment id, P-256 key', async () => {
        const pair = await keys();
        const pem = await createCsr(pair, 'patient-0a1b2c3d');
        expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
        const csr = new x509.Pkcs10CertificateRequest(pem);
        expect(await csr.verify()).toBe(true);
        expect(csr.subjectName.getField('CN')).toEqual(['patient-0a1b2c3d']);
        expect((csr.publicKey.algorithm as EcKeyAlgorithm).namedCurve).toBe('P-256');
        const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey));
        expect(Buffer.from(csr.publicKey.rawData).equals(spki)).toBe(true);
    });

    it('encodes long names with multi-byte DER lengths', async () => {
        const pair = await keys();
        const name = `p${'x'.repeat(63)}`;
        const csr = new x509.Pkcs10CertificateRequest(await createCsr(pair, name));
        expect(await csr.verify()).toBe(true);
        expect(csr.subjectName.getField('CN')).toEqual([name]);
    });
});
