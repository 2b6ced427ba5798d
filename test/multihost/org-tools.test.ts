import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as x509 from '@peculiar/x509';
import { common, msp } from '@hyperledger/fabric-protos';

/**
 * The file checks of network/org (unit tier, no Fabric): a bundle holding a key is refused,
 * and a config-update signature is accepted only over the update it signs.
 */
const root = path.resolve(__dirname, '..', '..');
const bundleJs = path.join(root, 'network', 'org', 'bundle.js');
const configsigJs = path.join(root, 'network', 'org', 'configsig.js');
const work = mkdtempSync(path.join(tmpdir(), 'careledger-org-tools-'));

function node(script: string, ...args: string[]) {
    return nodeWith({}, script, ...args);
}

function nodeWith(env: Record<string, string>, script: string, ...args: string[]) {
    const result = spawnSync('node', [script, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('bundle.js check-public', () => {
    function bundle(name: string, files: Record<string, string>): string {
        const dir = path.join(work, name);
        for (const [file, text] of Object.entries(files)) {
            mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            writeFileSync(path.join(dir, file), text);
        }
        return dir;
    }
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

    test('accepts certificates and NodeOUs only', () => {
        const dir = bundle('public', {
            'msp/cacerts/ca.pem': cert,
            'msp/config.yaml': 'NodeOUs: {}\n',
            'org.json': '{}',
        });
        expect(node(bundleJs, 'check-public', dir).status).toBe(0);
    });

    test.each([
        [
            'a PEM private key under an innocent name',
            'msp/tlscacerts/ca.pem',
            '-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----\n',
        ],
        ['an EC key', 'msp/cacerts/extra.pem', '-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n'],
        ['a keystore folder', 'msp/keystore/anything', 'x'],
        ['a fabric-ca key file name', 'msp/abc_sk', 'x'],
        ['a TLS key file name', 'tls/server.key', 'x'],
    ])('refuses %s, naming the file', (_what, file, text) => {
        const dir = bundle(`leaky-${file.replace(/\W/g, '-')}`, { 'msp/cacerts/ca.pem': cert, [file]: text });
        const result = node(bundleJs, 'check-public', dir);
        expect(result.status).toBe(1);
        expect(result.output).toContain(`refused: ${file}`);
    });
});

/** The environment org.sh gives bundle.js: network/scripts/env.sh's settings, as a shell sees them. */
function envShSettings(...names: string[]): Record<string, string> {
    const script = `source ${JSON.stringify(path.join(root, 'network', 'scripts', 'env.sh'))} && ${names.map((n) => `echo "$${n}"`).join(' && ')}`;
    const values = spawnSync('bash', ['-c', script], { encoding: 'utf8' }).stdout.trim().split('\n');
    return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

/**
 * The etcdraft Options of network/configtx/configtx.yaml's CareLedgerRaft profile, `${VAR}`s
 * filled from env.sh as channel.sh renders them.
 */
function raftOptionsOfNetwork(): Record<string, string> {
    const settings = envShSettings('RAFT_TICK_INTERVAL', 'RAFT_ELECTION_TICK');
    const yaml = readFileSync(path.join(root, 'network', 'configtx', 'configtx.yaml'), 'utf8');
    const block = /CareLedgerRaft:[\s\S]*?\n(\s+)Options:\n((?:\1\s+.*\n)+)/.exec(yaml);
    if (!block) {
        throw new Error('no Options under CareLedgerRaft in configtx.yaml');
    }
    return Object.fromEntries(
        block[2]
            .split('\n')
            .map((line) => /^\s+([A-Za-z]+): (.+)$/.exec(line))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => [m[1], m[2].replace(/\$\{(\w+)\}/g, (_, name: string) => settings[name])]),
    );
}

describe('bundle.js configtx', () => {
    test('the channel admits the members with MAJORITY Admins and Raft consenters from the orderer bundle', () => {
        const orderer = path.join(work, 'orderer-bundle');
        mkdirSync(path.join(orderer, 'msp'), { recursive: true });
        writeFileSync(
            path.join(orderer, 'org.json'),
            JSON.stringify({
                mspId: 'OrdererMSP',
                kind: 'orderer',
                nodes: [{ name: 'orderer0.o', host: '192.0.2.10', port: 7050 }],
            }),
        );
        const members = ['HospitalMSP', 'ManufacturerMSP'].map((mspId, i) => {
            const dir = path.join(work, `member-${i}`);
            mkdirSync(path.join(dir, 'msp'), { recursive: true });
            writeFileSync(
                path.join(dir, 'org.json'),
                JSON.stringify({ mspId, kind: 'peer', nodes: [{ name: 'p', host: `192.0.2.${11 + i}`, port: 7051 }] }),
            );
            return dir;
        });
        const out = path.join(work, 'configtx.yaml');
        const args = ['configtx', out, '50ms', '200', 'V3_0', orderer, ...members];
        // Without env.sh's settings the Raft options are not guessed.
        const unset = nodeWith({ RAFT_TICK_INTERVAL: '', RAFT_ELECTION_TICK: '' }, bundleJs, ...args);
        expect(unset.status).toBe(2);
        expect(unset.output).toContain('RAFT_TICK_INTERVAL is not set');
        const env = envShSettings('RAFT_TICK_INTERVAL', 'RAFT_ELECTION_TICK');
        expect(nodeWith(env, bundleJs, ...args).status).toBe(0);
        const profile = JSON.parse(readFileSync(out, 'utf8')).Profiles.CareLedgerChannel;
        const networkProfile = raftOptionsOfNetwork();
        // The multi-host channel fails over as fast as the developer network's (docs/reliability.md).
        expect(profile.Orderer.EtcdRaft.Options.TickInterval).toBe('100ms');
        expect(
            Object.fromEntries(
                Object.entries(profile.Orderer.EtcdRaft.Options as Record<string, unknown>).map(([k, v]) => [
                    k,
                    String(v),
                ]),
            ),
        ).toEqual(networkProfile);
        expect(profile.Application.Policies.Admins).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' });
        expect(profile.Application.Organizations.map((o: { ID: string }) => o.ID)).toEqual([
            'HospitalMSP',
            'ManufacturerMSP',
        ]);
        expect(profile.Application.Organizations[1].AnchorPeers).toEqual([{ Host: '192.0.2.12', Port: 7051 }]);
        expect(profile.Orderer.EtcdRaft.Consenters[0]).toMatchObject({ Host: '192.0.2.10', Port: 7050 });
    });
});

describe('configsig.js merge', () => {
    let certPem: string;
    let privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'];

    beforeAll(async () => {
        x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
        const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
        const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
        const cert = await x509.X509CertificateGenerator.createSelfSigned({
            serialNumber: '01',
            name: 'CN=admin, OU=admin, O=Test',
            notBefore: new Date('2026-01-01'),
            notAfter: new Date('2036-01-01'),
            keys,
            signingAlgorithm: alg,
        });
        certPem = cert.toString('pem');
        const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
        privateKey = (await import('node:crypto')).createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    });

    /** An unsigned config-update envelope over `update` bytes, as org.sh propose-* writes it. */
    function updateFile(name: string, update: Buffer): string {
        const channelHeader = new common.ChannelHeader();
        channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
        channelHeader.setChannelId('careledger');
        const header = new common.Header();
        header.setChannelHeader(channelHeader.serializeBinary());
        const envelopeOfUpdate = new common.ConfigUpdateEnvelope();
        envelopeOfUpdate.setConfigUpdate(update);
        const payload = new common.Payload();
        payload.setHeader(header);
        payload.setData(envelopeOfUpdate.serializeBinary());
        const envelope = new common.Envelope();
        envelope.setPayload(payload.serializeBinary());
        const file = path.join(work, name);
        writeFileSync(file, envelope.serializeBinary());
        return file;
    }

    /** A signature file by TestMSP's admin over `update`, as org.sh sign writes it. */
    function signatureFile(name: string, update: Buffer): string {
        const identity = new msp.SerializedIdentity();
        identity.setMspid('TestMSP');
        identity.setIdBytes(Buffer.from(certPem));
        const signatureHeader = new common.SignatureHeader();
        signatureHeader.setCreator(identity.serializeBinary());
        signatureHeader.setNonce(Buffer.from('nonce-1'));
        const headerBytes = Buffer.from(signatureHeader.serializeBinary());
        const file = path.join(work, name);
        writeFileSync(
            file,
            JSON.stringify({
                mspId: 'TestMSP',
                updateDigest: createHash('sha256').update(update).digest('hex'),
                signatureHeader: headerBytes.toString('base64'),
                signature: sign('sha256', Buffer.concat([headerBytes, update]), privateKey).toString('base64'),
            }),
        );
        return file;
    }

    const updateA = Buffer.from('config update A: add PharmacyMSP');
    const updateB = Buffer.from('config update B: remove RegulatorMSP');

    test('a signature over the update is merged into it', () => {
        const result = node(
            configsigJs,
            'merge',
            updateFile('a.pb', updateA),
            path.join(work, 'a-signed.pb'),
            signatureFile('a.sig', updateA),
        );
        expect(result.output).toContain('signers: TestMSP');
        expect(result.status).toBe(0);
        const payload = common.Payload.deserializeBinary(
            common.Envelope.deserializeBinary(readFileSync(path.join(work, 'a-signed.pb'))).getPayload_asU8(),
        );
        expect(common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8()).getSignaturesList()).toHaveLength(
            1,
        );
    });

    test('a signature over another update is refused', () => {
        const result = node(
            configsigJs,
            'merge',
            updateFile('b.pb', updateB),
            path.join(work, 'b-signed.pb'),
            signatureFile('a2.sig', updateA),
        );
        expect(result.status).toBe(1);
        expect(result.output).toContain('is a signature over another update');
    });

    test('a signature file claiming the other update’s digest still does not verify', () => {
        const forged = JSON.parse(readFileSync(signatureFile('a3.sig', updateA), 'utf8')) as Record<string, string>;
        forged.updateDigest = createHash('sha256').update(updateB).digest('hex');
        writeFileSync(path.join(work, 'forged.sig'), JSON.stringify(forged));
        const result = node(
            configsigJs,
            'merge',
            updateFile('b2.pb', updateB),
            path.join(work, 'b2-signed.pb'),
            path.join(work, 'forged.sig'),
        );
        expect(result.status).toBe(1);
        expect(result.output).toContain('does not verify over this update');
    });

    test('a signature file claiming another MSP is refused', () => {
        const claimed = JSON.parse(readFileSync(signatureFile('a4.sig', updateA), 'utf8')) as Record<string, string>;
        claimed.mspId = 'HospitalMSP';
        writeFileSync(path.join(work, 'claimed.sig'), JSON.stringify(claimed));
        const result = node(
            configsigJs,
            'merge',
            updateFile('a2.pb', updateA),
            path.join(work, 'a5-signed.pb'),
            path.join(work, 'claimed.sig'),
        );
        expect(result.status).toBe(1);
        expect(result.output).toContain(
            "the signature file says HospitalMSP but the signer's certificate is of TestMSP",
        );
    });
});
