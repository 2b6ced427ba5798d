import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { startGateway, tlsFilesFrom, type StartedGateway } from './main';

/**
 * HTTPS as production runs it (#17, ASVS V9): `CARELEDGER_TLS_CERT` / `CARELEDGER_TLS_KEY` name the org's TLS
 * certificate and key (PEM); the gateway then serves HTTPS only. A certificate made here for 127.0.0.1 stands in
 * for the org's; clients trust it as they would trust the org's TLS CA.
 */
x509.cryptoProvider.set(webcrypto as never);

async function tlsCertificateFor127(): Promise<{ cert: string; key: string }> {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '0a1b2c3d',
        name: 'CN=gateway.hospital.example',
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 3_600_000),
        signingAlgorithm: algorithm,
        keys: keys as never,
        extensions: [
            new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
    });
    const key = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
    return { cert: certificate.toString('pem'), key };
}

function get(
    url: string,
    options: https.RequestOptions = {},
): Promise<{ status: number; body: string; protocol?: string }> {
    return new Promise((resolve, reject) => {
        const request = https.get(url, options, (response) => {
            const protocol = (response.socket as import('node:tls').TLSSocket).getProtocol() ?? undefined;
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
            response.on('end', () =>
                resolve({
                    status: response.statusCode ?? 0,
                    body,
                    protocol,
                }),
            );
        });
        request.on('error', reject);
        request.setTimeout(30_000, () => request.destroy(new Error('timeout')));
    });
}

describe('HTTPS start switch (CARELEDGER_TLS_CERT / CARELEDGER_TLS_KEY)', () => {
    let dataDir: string;
    let gateway: StartedGateway | undefined;
    let tls: { cert: string; key: string };

    beforeAll(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-https-'));
        tls = await tlsCertificateFor127();
        fs.writeFileSync(path.join(dataDir, 'tls.crt'), tls.cert);
        fs.writeFileSync(path.join(dataDir, 'tls.key'), tls.key, { mode: 0o600 });
        gateway = await startGateway({
            ...process.env,
            CARELEDGER_LEDGER: 'embedded',
            CARELEDGER_DATA_DIR: path.join(dataDir, 'ledger'),
            CARELEDGER_ORG: 'hospital',
            CARELEDGER_PORT: '0',
            CARELEDGER_LOG_LEVEL: 'warn',
            CARELEDGER_DEMO_SEED: '0',
            CARELEDGER_DEMO_TOKENS: '1',
            CARELEDGER_HISTORY: 'off',
            CARELEDGER_TLS_CERT: path.join(dataDir, 'tls.crt'),
            CARELEDGER_TLS_KEY: path.join(dataDir, 'tls.key'),
        });
    });

    afterAll(async () => {
        await gateway?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('serves the API over TLS with the given certificate, to clients that trust it', async () => {
        expect(gateway!.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const health = await get(`${gateway!.address}/healthz`, { ca: tls.cert });
        expect(health.status).toBe(200);
        expect(['TLSv1.2', 'TLSv1.3']).toContain(health.protocol);

        const tokens = JSON.parse(
            fs.readFileSync(path.join(dataDir, 'ledger', 'gateway', 'hospital', 'demo-tokens.json'), 'utf8'),
        ) as Record<string, string>;
        const who = await get(`${gateway!.address}/system/whoami`, {
            ca: tls.cert,
            headers: { authorization: `Bearer ${tokens.physician1}` },
        });
        expect(who.status).toBe(200);
        expect(JSON.parse(who.body)).toMatchObject({ mspId: 'HospitalMSP', role: 'physician' });
        expect(JSON.parse(who.body)).toMatchObject({ actorId: expect.any(String) });
    });

    it('refuses clients that do not trust the certificate, and plain HTTP on the same port', async () => {
        await expect(get(`${gateway!.address}/healthz`)).rejects.toThrow(/self[- ]signed|certificate/i);
        const plain = await fetch(gateway!.address.replace('https:', 'http:') + '/healthz').then(
            (response) => response.status,
            (error: Error) => error.message,
        );
        expect(plain).not.toBe(200);
    });

    it('refuses to start with only one of the two settings', () => {
        expect(() => tlsFilesFrom({ CARELEDGER_TLS_CERT: path.join(dataDir, 'tls.crt') })).toThrow(
            /CARELEDGER_TLS_CERT and CARELEDGER_TLS_KEY must be set together/,
        );
        expect(tlsFilesFrom({})).toBeUndefined();
    });
});
