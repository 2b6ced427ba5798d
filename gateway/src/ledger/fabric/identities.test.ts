import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EnrolledIdentities } from './identities';
import type { ConnectionProfile } from './profile';

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
