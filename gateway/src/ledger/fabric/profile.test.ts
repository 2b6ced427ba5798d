import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseProfile, readProfiles } from './profile';

const hospital = {
    org: 'hospital',
    mspId: 'HospitalMSP',
    channel: 'careledger',
    chaincode: 'careledger',
    peers: [
        {
            name: 'peer0.hospital.careledger.local',
            endpoint: '127.0.0.1:7200',
            hostAlias: 'peer0.hospital.careledger.local',
            tlsRootCertPath: '/x/ca.crt',
        },
        {
            name: 'peer1.hospital.careledger.local',
            endpoint: '127.0.0.1:7210',
            hostAlias: 'peer1.hospital.careledger.local',
            tlsRootCertPath: '/x/ca.crt',
        },
    ],
};

describe('parseProfile', () => {
    test('accepts the profile network.sh writes, peers in order', () => {
        const profile = parseProfile(hospital, 'connection.json');
        expect(profile.mspId).toBe('HospitalMSP');
        expect(profile.peers.map((peer) => peer.endpoint)).toEqual(['127.0.0.1:7200', '127.0.0.1:7210']);
    });

    test('names the file and the field that is wrong', () => {
        expect(() => parseProfile({ ...hospital, mspId: '' }, 'a.json')).toThrow(
            'a.json: mspId must be a non-empty string',
        );
        expect(() => parseProfile({ ...hospital, peers: [] }, 'a.json')).toThrow(
            'a.json: peers must list at least one peer',
        );
        const peers = [{ ...hospital.peers[0], endpoint: undefined }];
        expect(() => parseProfile({ ...hospital, peers }, 'a.json')).toThrow(
            'a.json: peers[0].endpoint must be a non-empty string',
        );
        expect(() => parseProfile(null, 'a.json')).toThrow('a.json: profile must be a JSON object');
    });
});

describe('readProfiles', () => {
    let dir: string;

    beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'careledger-profiles-'));
    });

    afterEach(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    test('finds every org with a connection profile, with its folder and domain', async () => {
        const orgDir = path.join(dir, 'peerOrganizations', 'hospital.careledger.local');
        await mkdir(orgDir, { recursive: true });
        await writeFile(path.join(orgDir, 'connection.json'), JSON.stringify(hospital));
        // An org whose enrolment is still under way has no profile yet and is not listed.
        await mkdir(path.join(dir, 'peerOrganizations', 'pharmacy.careledger.local'), { recursive: true });

        const profiles = await readProfiles(dir);
        expect([...profiles.keys()]).toEqual(['hospital']);
        expect(profiles.get('hospital')).toMatchObject({
            orgDir,
            domain: 'hospital.careledger.local',
            mspId: 'HospitalMSP',
        });
    });

    test('a network that was never brought up has no profiles', async () => {
        expect((await readProfiles(path.join(dir, 'missing'))).size).toBe(0);
    });
});
