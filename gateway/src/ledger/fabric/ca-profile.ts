import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ConnectionProfile } from './profile';

/**
 * Where an org's Fabric CA is and who registers users with it: the optional
 * `certificateAuthority` section of the org's connection profile, which
 * network/scripts/profile.js writes:
 *
 *   "certificateAuthority": { "url": "https://127.0.0.1:7410", "caName": "ca-hospital",
 *     "tlsRootCertPath": ".../msp/tlscacerts/ca.pem",
 *     "registrar": { "name": "registrar", "mspPath": ".../registrar.hospital/msp" } }
 *
 * The registrar is an identity the CA lets register clients with the `careledger.*`
 * attributes (hf.Registrar.Roles, hf.Registrar.Attributes); its MSP folder holds
 * `signcerts/cert.pem` and exactly one key in `keystore/`. Relative paths are relative to the
 * org's folder.
 */
export interface CertificateAuthorityProfile {
    url: string;
    /** The CA's name on a server that hosts several (`--caname`); absent: the server's default. */
    caName?: string;
    tlsRootCertPath: string;
    registrar: { name: string; mspPath: string };
}

/** The org's CA section, or undefined when its profile has none (a network set up before it existed). */
export async function readCertificateAuthority(
    profile: Pick<ConnectionProfile, 'orgDir'>,
): Promise<CertificateAuthorityProfile | undefined> {
    const file = path.join(profile.orgDir, 'connection.json');
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { certificateAuthority?: unknown };
    if (parsed.certificateAuthority === undefined) {
        return undefined;
    }
    return parseCertificateAuthority(parsed.certificateAuthority, file, profile.orgDir);
}

export function parseCertificateAuthority(value: unknown, source: string, orgDir: string): CertificateAuthorityProfile {
    const fail = (field: string, rule: string): never => {
        throw new Error(`${source}: certificateAuthority.${field} ${rule}`);
    };
    const record = (typeof value === 'object' && value !== null ? value : fail('', 'must be an object')) as Record<
        string,
        unknown
    >;
    const text = (from: Record<string, unknown>, field: string, prefix = ''): string => {
        const v = from[field];
        return typeof v === 'string' && v.length > 0 ? v : fail(`${prefix}${field}`, 'must be a non-empty string');
    };
    const url = text(record, 'url');
    if (!/^https:\/\//.test(url)) {
        fail('url', 'must be an https:// URL (the CA serves TLS only)');
    }
    const registrar = (
        typeof record.registrar === 'object' && record.registrar !== null
            ? record.registrar
            : fail('registrar', 'must be an object { name, mspPath }')
    ) as Record<string, unknown>;
    const caName = record.caName === undefined ? undefined : text(record, 'caName');
    return {
        url: url.replace(/\/+$/, ''),
        ...(caName ? { caName } : {}),
        tlsRootCertPath: path.resolve(orgDir, text(record, 'tlsRootCertPath')),
        registrar: {
            name: text(registrar, 'name', 'registrar.'),
            mspPath: path.resolve(orgDir, text(registrar, 'mspPath', 'registrar.')),
        },
    };
}
