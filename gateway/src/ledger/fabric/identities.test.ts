import * as x509 from '@peculiar/x509';
import {
    createHash,
    generateKeyPairSync,
    KeyObject,
    randomBytes,
    verify,
    webcrypto,
    X509Certificate,
} from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createCsr, readCsr } from '../csr';
import { DevCertificateAuthority } from '../embedded/dev-ca';
import { tokenPayload } from './ca-token';
import { EnrolledIdentities } from './identities';
import { readProfiles, type ConnectionProfile } from './profile';

describe('EnrolledIdentities', () => {
    let dir: string;
    let identities: EnrolledIdentities;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificate =
        '-----BEGIN CERTIFICATE-----\nstand-in: the directory passes the file through\n-----END CERTIFICATE-----\n';

    beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'careledger-identities-'));
        const orgDir = path.join(dir, 'hospital.careledger.local');
        const msp = path.join(orgDir, 'users', 'physician1@hospital.careledger.local', 'msp');
        await mkdir(path.join(msp, 'signcerts'), { recursive: true });
        await mkdir(path.join(msp, 'keystore'), { recursive: true });
        await writeFile(path.join(msp, 'signcerts', 'cert.pem'), certificate);
        await writeFile(path.join(msp, 'keystore', 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
        const profile: ConnectionProfile = {
            org: 'hospital',
            mspId: 'HospitalMSP',
            channel: 'careledger',
            chaincode: 'careledger',
            peers: [{ name: 'p', endpoint: '127.0.0.1:7200', hostAlias: 'p', tlsRootCertPath: '/x' }],
            orgDir,
            domain: 'hospital.careledger.local',
        };
        identities = new EnrolledIdentities(async () => new Map([['hospital', profile]]));
    });

    afterEach(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    test("reads a user's certificate and signs with its key", async () => {
        const identity = await identities.get('hospital', 'physician1');
        expect(identity).toMatchObject({ mspId: 'HospitalMSP', certificate });
        expect(identity.privateKey).toBeUndefined();

        // fabric-gateway hands the signer the SHA-256 digest of what it signs.
        const message = Buffer.from('proposal bytes');
        const digest = createHash('sha256').update(message).digest();
        const signature = await identity.signer!(digest);
        expect(verify('sha256', message, publicKey, signature)).toBe(true);
        expect(verify('sha256', Buffer.from('other bytes'), publicKey, signature)).toBe(false);
    });

    test('an unknown user or org is UNAUTHENTICATED', async () => {
        await expect(identities.get('hospital', 'nobody')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await expect(identities.get('nowhere', 'physician1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    test('lists the orgs of the network', async () => {
        expect(await identities.orgs()).toEqual([{ org: 'hospital', mspId: 'HospitalMSP' }]);
    });
});

/**
 * A stand-in for the org's Fabric CA, over HTTPS on 127.0.0.1: it checks the registrar's token
 * as fabric-ca's VerifyToken does (same payload, signature by the certificate in the token),
 * the enrolment secret as HTTP basic auth, and certifies CSRs with the development CA.
 */
class StandInCa {
    readonly registered = new Map<
        string,
        {
            secret: string;
            type: string;
            attrs: Array<{ name: string; value: string; ecert?: boolean }>;
            maxEnrollments?: number;
        }
    >();
    readonly requests: Array<{ uri: string; body: Record<string, unknown> }> = [];
    private server?: https.Server;

    private constructor(
        readonly ca: DevCertificateAuthority,
        readonly registrar: { certificate: string; privateKey: string },
        readonly tls: { certificate: string; privateKey: string },
    ) {}

    static async start(): Promise<StandInCa> {
        const { ca } = await DevCertificateAuthority.create('HospitalMSP', 'hospital.careledger.local');
        const registrar = await ca.issue({ name: 'registrar', type: 'client' });
        const standIn = new StandInCa(ca, registrar, await tlsCertificate());
        standIn.server = https.createServer(
            { cert: standIn.tls.certificate, key: standIn.tls.privateKey },
            (request, response) => {
                const chunks: Buffer[] = [];
                request.on('data', (chunk: Buffer) => chunks.push(chunk));
                request.on('end', () => {
                    void standIn.handle(request, Buffer.concat(chunks)).then(([status, body]) => {
                        response.writeHead(status, { 'content-type': 'application/json' });
                        response.end(JSON.stringify(body));
                    });
                });
            },
        );
        await new Promise<void>((resolve) => standIn.server!.listen(0, '127.0.0.1', resolve));
        return standIn;
    }

    get url(): string {
        return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.server!.close(() => resolve()));
    }

    private async handle(request: http.IncomingMessage, body: Buffer): Promise<[number, object]> {
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        this.requests.push({ uri: request.url!, body: parsed });
        const refuse = (status: number, code: number, message: string): [number, object] => [
            status,
            { success: false, result: null, errors: [{ code, message }], messages: [] },
        ];
        const authorization = request.headers.authorization ?? '';
        if (request.url === '/api/v1/register') {
            const [certificatePart, signaturePart] = authorization.split('.');
            const certificate = Buffer.from(certificatePart ?? '', 'base64').toString('utf8');
            const payload = tokenPayload({ method: request.method!, uri: request.url, body, certificate });
            const valid =
                certificate === this.registrar.certificate &&
                verify(
                    'sha256',
                    Buffer.from(payload),
                    new X509Certificate(certificate).publicKey,
                    Buffer.from(signaturePart ?? '', 'base64'),
                );
            if (!valid) {
                return refuse(401, 20, 'Authentication failure');
            }
            const name = parsed.id as string;
            if (this.registered.has(name)) {
                return refuse(409, 74, `Identity '${name}' is already registered`);
            }
            const secret = randomBytes(6).toString('hex');
            this.registered.set(name, {
                secret,
                type: parsed.type as string,
                attrs: parsed.attrs as Array<{ name: string; value: string }>,
                maxEnrollments: parsed.max_enrollments as number | undefined,
            });
            return [201, { success: true, result: { secret }, errors: [], messages: [] }];
        }
        if (request.url === '/api/v1/enroll') {
            const [name, secret] = Buffer.from(authorization.replace(/^Basic /, ''), 'base64')
                .toString('utf8')
                .split(':');
            const identity = this.registered.get(name);
            if (!identity || identity.secret !== secret) {
                return refuse(401, 20, 'Authentication failure');
            }
            const { commonName, publicKey } = await readCsr(parsed.certificate_request as string);
            if (commonName !== name) {
                return refuse(403, 77, 'The CSR subject common name must equal the enrollment ID');
            }
            const value = (attr: string) => identity.attrs.find((a) => a.name === attr)?.value;
            const certificate = await this.ca.certify(
                { name, type: identity.type, role: value('careledger.role'), actorId: value('careledger.id') },
                publicKey,
            );
            return [
                201,
                {
                    success: true,
                    result: {
                        Cert: Buffer.from(certificate).toString('base64'),
                        ServerInfo: {
                            CAName: 'ca-hospital',
                            CAChain: Buffer.from(this.ca.certificate).toString('base64'),
                        },
                    },
                    errors: [],
                    messages: [],
                },
            ];
        }
        return refuse(404, 0, 'no such endpoint');
    }
}

/** A self-signed TLS certificate for 127.0.0.1. */
async function tlsCertificate(): Promise<{ certificate: string; privateKey: string }> {
    const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
        {
            serialNumber: '03',
            name: 'CN=ca.hospital.careledger.local',
            signingAlgorithm: ecdsa,
            keys,
            extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
        },
        webcrypto,
    );
    return {
        certificate: certificate.toString('pem'),
        privateKey: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
}

describe('EnrolledIdentities: registering with the org CA', () => {
    let dir: string;
    let orgDir: string;
    let ca: StandInCa;
    let identities: EnrolledIdentities;
    const nurse = { user: 'nurse-new', role: 'nurse', actorId: 'prac-hosp-0999' };
    const userMsp = (user: string) => path.join(orgDir, 'users', `${user}@hospital.careledger.local`, 'msp');

    async function writeProfile(certificateAuthority?: object): Promise<void> {
        const profile = {
            org: 'hospital',
            mspId: 'HospitalMSP',
            channel: 'careledger',
            chaincode: 'careledger',
            peers: [{ name: 'p', endpoint: '127.0.0.1:7200', hostAlias: 'p', tlsRootCertPath: '/x' }],
            ...(certificateAuthority ? { certificateAuthority } : {}),
        };
        await writeFile(path.join(orgDir, 'connection.json'), JSON.stringify(profile));
    }

    beforeAll(async () => {
        ca = await StandInCa.start();
    });
    afterAll(() => ca.close());

    beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'careledger-ca-'));
        orgDir = path.join(dir, 'peerOrganizations', 'hospital.careledger.local');
        const registrarMsp = path.join(dir, 'registrar.hospital', 'msp');
        await mkdir(path.join(registrarMsp, 'signcerts'), { recursive: true });
        await mkdir(path.join(registrarMsp, 'keystore'), { recursive: true });
        await writeFile(path.join(registrarMsp, 'signcerts', 'cert.pem'), ca.registrar.certificate);
        await writeFile(path.join(registrarMsp, 'keystore', 'abc_sk'), ca.registrar.privateKey);
        await mkdir(path.join(orgDir, 'msp', 'tlscacerts'), { recursive: true });
        await writeFile(path.join(orgDir, 'msp', 'tlscacerts', 'ca.pem'), ca.tls.certificate);
        await writeFile(path.join(orgDir, 'msp', 'config.yaml'), 'NodeOUs:\n  Enable: true\n');
        await writeProfile({
            url: ca.url,
            caName: 'ca-hospital',
            tlsRootCertPath: 'msp/tlscacerts/ca.pem',
            registrar: { name: 'registrar', mspPath: registrarMsp },
        });
        identities = new EnrolledIdentities(() => readProfiles(dir));
        ca.registered.clear();
        ca.requests.length = 0;
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    test('registers as the registrar, enrols a key made here and writes the users/ layout', async () => {
        const identity = await identities.register('hospital', nurse);
        expect(ca.registered.get('nurse-new')).toMatchObject({
            type: 'client',
            maxEnrollments: 1,
            attrs: [
                { name: 'careledger.role', value: 'nurse', ecert: true },
                { name: 'careledger.id', value: 'prac-hosp-0999', ecert: true },
            ],
        });
        expect(ca.requests.map((r) => r.uri)).toEqual(['/api/v1/register', '/api/v1/enroll']);
        expect(ca.requests[1].body).toMatchObject({
            caname: 'ca-hospital',
            attr_reqs: expect.arrayContaining([{ name: 'careledger.role' }, { name: 'careledger.id' }]),
        });
        expect(identity).toMatchObject({ mspId: 'HospitalMSP' });
        expect(identity.privateKey).toBeUndefined();
        const msp = userMsp('nurse-new');
        expect((await stat(path.join(msp, 'keystore'))).mode & 0o777).toBe(0o700);
        expect((await stat(path.join(msp, 'keystore', 'key.pem'))).mode & 0o777).toBe(0o600);
        expect(await readFile(path.join(msp, 'cacerts', 'ca.pem'), 'utf8')).toBe(ca.ca.certificate);
        expect(await readFile(path.join(msp, 'config.yaml'), 'utf8')).toContain('NodeOUs');
        const found = await identities.get('hospital', 'nurse-new');
        expect(found.certificate).toBe(identity.certificate);
        const message = Buffer.from('proposal');
        const signature = await found.signer!(createHash('sha256').update(message).digest());
        expect(verify('sha256', message, new X509Certificate(identity.certificate).publicKey, signature)).toBe(true);
    });

    test('a name the CA has registered already, or one enrolled here, is CONFLICT', async () => {
        ca.registered.set('taken', { secret: 's', type: 'client', attrs: [] });
        await expect(identities.register('hospital', { ...nurse, user: 'taken' })).rejects.toMatchObject({
            code: 'CONFLICT',
        });
        await identities.register('hospital', nurse);
        const calls = ca.requests.length;
        await expect(identities.register('hospital', nurse)).rejects.toMatchObject({ code: 'CONFLICT' });
        expect(ca.requests.length).toBe(calls);
    });

    test("has the CA sign a device's CSR and keeps the certificate alone", async () => {
        const device = await createCsr('patient-device');
        const identity = await identities.enrollWithCsr('hospital', {
            user: 'patient-device',
            role: 'patient',
            actorId: 'pat-0001',
            csrPem: device.csrPem,
        });
        expect(ca.requests[1].body.certificate_request).toBe(device.csrPem);
        const msp = userMsp('patient-device');
        expect((await readdir(msp)).sort()).toEqual(['cacerts', 'config.yaml', 'signcerts']);
        expect(await identities.get('hospital', 'patient-device')).toEqual({
            mspId: 'HospitalMSP',
            certificate: identity.certificate,
        });
    });

    test('refuses a CSR for another name before registering anything', async () => {
        const other = await createCsr('someone-else');
        await expect(identities.enrollWithCsr('hospital', { ...nurse, csrPem: other.csrPem })).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'csr',
        });
        expect(ca.requests).toEqual([]);
    });

    test('a registrar the CA does not accept is FORBIDDEN; a profile without a CA is UNAVAILABLE', async () => {
        const impostor = await DevCertificateAuthority.create('HospitalMSP', 'hospital.careledger.local');
        const other = await impostor.ca.issue({ name: 'registrar' });
        const registrarMsp = path.join(dir, 'registrar.hospital', 'msp');
        await writeFile(path.join(registrarMsp, 'signcerts', 'cert.pem'), other.certificate);
        await writeFile(path.join(registrarMsp, 'keystore', 'abc_sk'), other.privateKey);
        await expect(identities.register('hospital', nurse)).rejects.toMatchObject({ code: 'FORBIDDEN' });
        await writeProfile();
        await expect(identities.register('hospital', nurse)).rejects.toMatchObject({
            code: 'UNAVAILABLE',
            detail: expect.stringContaining('certificateAuthority'),
        });
    });

    test('trusts only the org CA root for TLS, and a CA that does not answer is UNAVAILABLE', async () => {
        await writeFile(path.join(orgDir, 'msp', 'tlscacerts', 'ca.pem'), (await tlsCertificate()).certificate);
        await expect(identities.register('hospital', nurse)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
        expect(ca.requests).toEqual([]);
        await writeFile(path.join(orgDir, 'msp', 'tlscacerts', 'ca.pem'), ca.tls.certificate);
        await writeProfile({
            url: 'https://127.0.0.1:1',
            tlsRootCertPath: 'msp/tlscacerts/ca.pem',
            registrar: { name: 'registrar', mspPath: path.join(dir, 'registrar.hospital', 'msp') },
        });
        await expect(identities.register('hospital', nurse)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });
});
