import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { parseCertificateAuthority, readCertificateAuthority } from './ca-profile';

describe("the org CA's section of a connection profile", () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'careledger-ca-profile-'))));
    afterEach(() => rm(dir, { recursive: true, force: true }));

    test('reads what network/scripts/profile.js writes, at the port plan of CARELEDGER_PORT_BASE', async () => {
        const orgDir = path.join(dir, 'manufacturer.careledger.local');
        await mkdir(orgDir);
        execFileSync(
            process.execPath,
            [
                path.join(projectRoot(), 'network', 'scripts', 'profile.js'),
                path.join(orgDir, 'connection.json'),
                'manufacturer',
                'ManufacturerMSP',
                'careledger',
                'careledger',
                `peer0.manufacturer.careledger.local=127.0.0.1:9220=${path.join(orgDir, 'ca.crt')}`,
            ],
            {
                env: {
                    ...process.env,
                    CARELEDGER_PORT_BASE: '9000',
                    CARELEDGER_NETWORK_DATA_DIR: path.join(dir, 'data'),
                },
            },
        );
        expect(await readCertificateAuthority({ orgDir })).toEqual({
            // consortium.json position 2 (the orderer org's CA is 0): 9000 + 400 + 10 * 2.
            url: 'https://127.0.0.1:9420',
            caName: 'ca-manufacturer',
            tlsRootCertPath: path.join(orgDir, 'msp', 'tlscacerts', 'ca.pem'),
            registrar: { name: 'registrar', mspPath: path.join(dir, 'data', 'registrar.manufacturer', 'msp') },
        });
    });

    test('is optional: a profile written before it existed has none', async () => {
        await writeFile(path.join(dir, 'connection.json'), JSON.stringify({ org: 'hospital', peers: [] }));
        expect(await readCertificateAuthority({ orgDir: dir })).toBeUndefined();
    });

    test('resolves relative paths against the org folder and names the field that is wrong', () => {
        const parsed = parseCertificateAuthority(
            { url: 'https://ca:7054/', tlsRootCertPath: 'msp/ca.pem', registrar: { name: 'r', mspPath: '../r/msp' } },
            'connection.json',
            '/orgs/hospital',
        );
        expect(parsed).toEqual({
            url: 'https://ca:7054',
            tlsRootCertPath: '/orgs/hospital/msp/ca.pem',
            registrar: { name: 'r', mspPath: '/orgs/r/msp' },
        });
        const good = { url: 'https://ca:7054', tlsRootCertPath: 'x', registrar: { name: 'r', mspPath: 'm' } };
        expect(() => parseCertificateAuthority({ ...good, url: 'http://ca:7054' }, 'f', '/')).toThrow(
            'certificateAuthority.url must be an https:// URL',
        );
        expect(() => parseCertificateAuthority({ ...good, registrar: { name: 'r' } }, 'f', '/')).toThrow(
            'certificateAuthority.registrar.mspPath must be a non-empty string',
        );
        expect(() => parseCertificateAuthority({ ...good, caName: '' }, 'f', '/')).toThrow(
            'certificateAuthority.caName',
        );
    });
});
