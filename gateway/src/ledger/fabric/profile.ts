import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * An org's connection profile, written by network/network.sh to
 * `<networkDir>/peerOrganizations/<domain>/connection.json`. Peers are in order of preference:
 * the first is the org's gateway peer, the others are where calls fail over to.
 */
export interface PeerEndpoint {
    name: string;
    /** `host:port` */
    endpoint: string;
    /** The TLS server name to verify, e.g. `peer0.hospital.careledger.local`. */
    hostAlias: string;
    /** Absolute path of the PEM root certificate that signed the peer's TLS certificate. */
    tlsRootCertPath: string;
}

export interface ConnectionProfile {
    org: string;
    mspId: string;
    channel: string;
    chaincode: string;
    peers: PeerEndpoint[];
    /** The org's folder, `<networkDir>/peerOrganizations/<domain>`, holding its users. */
    orgDir: string;
    /** e.g. `hospital.careledger.local` */
    domain: string;
}

/** Every org's profile found under `networkDir`, by org name. */
export async function readProfiles(networkDir: string): Promise<Map<string, ConnectionProfile>> {
    const root = path.join(networkDir, 'peerOrganizations');
    let domains: string[];
    try {
        domains = (await readdir(root)).sort();
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return new Map();
        }
        throw error;
    }
    const profiles = new Map<string, ConnectionProfile>();
    for (const domain of domains) {
        const orgDir = path.join(root, domain);
        const file = path.join(orgDir, 'connection.json');
        let text: string;
        try {
            text = await readFile(file, 'utf8');
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                continue; // an org whose enrolment is still under way
            }
            throw error;
        }
        const profile = parseProfile(JSON.parse(text), file);
        profiles.set(profile.org, { ...profile, orgDir, domain });
    }
    return profiles;
}

/** Checks the shape of a profile, naming the file and the field that is wrong. */
export function parseProfile(value: unknown, source: string): Omit<ConnectionProfile, 'orgDir' | 'domain'> {
    const fail = (field: string, rule: string): never => {
        throw new Error(`${source}: ${field} ${rule}`);
    };
    const record = (value ?? fail('profile', 'must be a JSON object')) as Record<string, unknown>;
    const text = (field: string, from: Record<string, unknown> = record, prefix = ''): string => {
        const v = from[field];
        return typeof v === 'string' && v.length > 0 ? v : fail(`${prefix}${field}`, 'must be a non-empty string');
    };
    const peers =
        Array.isArray(record.peers) && record.peers.length > 0
            ? record.peers
            : fail('peers', 'must list at least one peer');
    return {
        org: text('org'),
        mspId: text('mspId'),
        channel: text('channel'),
        chaincode: text('chaincode'),
        peers: peers.map((peer: unknown, index: number) => {
            const entry = (peer ?? {}) as Record<string, unknown>;
            const prefix = `peers[${index}].`;
            return {
                name: text('name', entry, prefix),
                endpoint: text('endpoint', entry, prefix),
                hostAlias: text('hostAlias', entry, prefix),
                tlsRootCertPath: text('tlsRootCertPath', entry, prefix),
            };
        }),
    };
}
