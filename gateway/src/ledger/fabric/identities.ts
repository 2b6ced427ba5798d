import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { access, chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createCsr, readCsr } from '../csr';
import { LedgerError } from '../errors';
import type { ClientIdentity, CsrRegistration, IdentityDirectory, Registration, SigningIdentity } from '../ledger';
import { alreadyRegistered, checkRegistration } from '../registration';
import { FabricCaClient, type CaCaller } from './ca-client';
import { readCertificateAuthority } from './ca-profile';
import { newNativeSigner } from './native-signer';
import type { ConnectionProfile } from './profile';

/**
 * Identities enrolled by the network's Fabric CAs, read from the MSP folders network.sh writes:
 * `<org dir>/users/<user>@<domain>/msp/{signcerts/cert.pem,keystore/<key>}`. The identity
 * carries a signer, never the key itself.
 *
 * New users are registered with the org's CA (its `certificateAuthority` in the connection
 * profile, ca-profile.ts) by the profile's registrar, as the type `client` with
 * `careledger.role` and `careledger.id` as enrolment-certificate attributes — what network.sh
 * does for the demo users — and enrolled with a CSR: a key made here (kept as
 * `keystore/key.pem`, 0600) or the client's own (only the certificate is kept). Their MSP
 * folder has the network's layout, so `get` and the peer CLI find them like any other user.
 */
export class EnrolledIdentities implements IdentityDirectory {
    constructor(private readonly profiles: () => Promise<Map<string, ConnectionProfile>>) {}

    async get(org: string, user: string): Promise<SigningIdentity> {
        const profile = await this.profileOf(org, 'UNAUTHENTICATED');
        const msp = mspFolder(profile, user);
        let certificate: string;
        let keys: string[];
        try {
            certificate = await readFile(path.join(msp, 'signcerts', 'cert.pem'), 'utf8');
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                throw new LedgerError('UNAUTHENTICATED', `no enrolled identity ${user} in org ${org}`);
            }
            throw error;
        }
        try {
            keys = (await readdir(path.join(msp, 'keystore'))).sort();
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                // Enrolled with the client's own CSR: the key is on their device.
                return { mspId: profile.mspId, certificate };
            }
            throw error;
        }
        if (keys.length !== 1) {
            throw new LedgerError('UNAUTHENTICATED', `${msp}/keystore must hold exactly one key, found ${keys.length}`);
        }
        const privateKey = await readFile(path.join(msp, 'keystore', keys[0]), 'utf8');
        return {
            mspId: profile.mspId,
            certificate,
            signer: newNativeSigner(privateKey),
        };
    }

    async orgs(): Promise<Array<{ org: string; mspId: string }>> {
        return [...(await this.profiles()).values()].map(({ org, mspId }) => ({ org, mspId }));
    }

    async register(org: string, registration: Registration): Promise<SigningIdentity> {
        const checked = checkRegistration(registration);
        const device = await createCsr(checked.user);
        await this.enrol(org, checked, device.csrPem, device.privateKey);
        return this.get(org, checked.user);
    }

    async enrollWithCsr(org: string, registration: CsrRegistration): Promise<ClientIdentity> {
        const checked = checkRegistration(registration);
        // Checked here before anything is registered: the CA would refuse it only after.
        const { commonName } = await readCsr(checked.csrPem, 'csr');
        if (commonName !== checked.user) {
            throw new LedgerError('INVALID_ARGUMENT', `csr subject CN must be the user name ${checked.user}`, {
                field: 'csr',
            });
        }
        const certificate = await this.enrol(org, checked, checked.csrPem);
        return { mspId: (await this.profileOf(org, 'NOT_FOUND')).mspId, certificate };
    }

    /**
     * Registers the user with the org's CA, enrols `csrPem` and writes the MSP folder: the key
     * (if this process made it) before the certificate, so a half-written folder never looks
     * like a CSR enrolment. Returns the certificate.
     */
    private async enrol(org: string, registration: Registration, csrPem: string, privateKey?: string): Promise<string> {
        const profile = await this.profileOf(org, 'NOT_FOUND');
        const msp = mspFolder(profile, registration.user);
        if (await exists(path.join(msp, 'signcerts', 'cert.pem'))) {
            throw alreadyRegistered(org, registration.user);
        }
        const { client, registrar } = await this.certificateAuthority(profile);
        const secret = await client.register(registrar, {
            name: registration.user,
            type: 'client',
            attrs: [
                { name: 'careledger.role', value: registration.role, ecert: true },
                { name: 'careledger.id', value: registration.actorId, ecert: true },
            ],
            // The secret never leaves this process; once used it is worth nothing.
            maxEnrollments: 1,
        });
        const enrolled = await client.enroll({
            name: registration.user,
            secret,
            csrPem,
            attrReqs: [
                { name: 'careledger.role' },
                { name: 'careledger.id' },
                { name: 'hf.EnrollmentID', optional: true },
                { name: 'hf.Type', optional: true },
                { name: 'hf.Affiliation', optional: true },
            ],
        });
        try {
            await writeMsp(profile, msp, enrolled.certificate, privateKey, enrolled.caChain);
        } catch (error) {
            await rm(path.dirname(msp), { recursive: true, force: true });
            throw error;
        }
        return enrolled.certificate;
    }

    private async certificateAuthority(
        profile: ConnectionProfile,
    ): Promise<{ client: FabricCaClient; registrar: CaCaller }> {
        const ca = await readCertificateAuthority(profile);
        if (!ca) {
            throw new LedgerError(
                'UNAVAILABLE',
                `the connection profile of ${profile.org} names no certificateAuthority, so users cannot be registered; ` +
                    'it is written by network/scripts/profile.js (bring the network up again to regenerate it)',
            );
        }
        const registrarMsp = ca.registrar.mspPath;
        const keys = (await readdir(path.join(registrarMsp, 'keystore'))).sort();
        if (keys.length !== 1) {
            throw new LedgerError(
                'UNAVAILABLE',
                `${registrarMsp}/keystore must hold exactly one key of registrar ${ca.registrar.name}, found ${keys.length}`,
            );
        }
        const registrar: CaCaller = {
            certificate: await readFile(path.join(registrarMsp, 'signcerts', 'cert.pem'), 'utf8'),
            signer: signers.newPrivateKeySigner(
                createPrivateKey(await readFile(path.join(registrarMsp, 'keystore', keys[0]), 'utf8')),
            ),
        };
        const client = new FabricCaClient({
            url: ca.url,
            caName: ca.caName,
            tlsRootCert: await readFile(ca.tlsRootCertPath, 'utf8'),
        });
        return { client, registrar };
    }

    private async profileOf(org: string, code: 'UNAUTHENTICATED' | 'NOT_FOUND'): Promise<ConnectionProfile> {
        const profile = (await this.profiles()).get(org);
        if (!profile) {
            throw new LedgerError(code, `no org ${org} in the network (no connection profile)`);
        }
        return profile;
    }
}

function mspFolder(profile: ConnectionProfile, user: string): string {
    return path.join(profile.orgDir, 'users', `${user}@${profile.domain}`, 'msp');
}

/** The network's user layout: signcerts/, keystore/ (0700, key 0600), cacerts/, NodeOU config.yaml. */
async function writeMsp(
    profile: ConnectionProfile,
    msp: string,
    certificate: string,
    privateKey: string | undefined,
    caChain: string | undefined,
): Promise<void> {
    await mkdir(msp, { recursive: true, mode: 0o700 });
    await chmod(path.dirname(msp), 0o700);
    if (privateKey !== undefined) {
        await mkdir(path.join(msp, 'keystore'), { mode: 0o700 });
        await writeFile(path.join(msp, 'keystore', 'key.pem'), privateKey, { mode: 0o600, flag: 'wx' });
    }
    await mkdir(path.join(msp, 'cacerts'), { recursive: true });
    const orgMsp = path.join(profile.orgDir, 'msp');
    if (caChain) {
        await writeFile(path.join(msp, 'cacerts', 'ca.pem'), caChain);
    } else if (await exists(path.join(orgMsp, 'cacerts', 'ca.pem'))) {
        await copyFile(path.join(orgMsp, 'cacerts', 'ca.pem'), path.join(msp, 'cacerts', 'ca.pem'));
    }
    if (await exists(path.join(orgMsp, 'config.yaml'))) {
        await copyFile(path.join(orgMsp, 'config.yaml'), path.join(msp, 'config.yaml'));
    }
    await mkdir(path.join(msp, 'signcerts'), { recursive: true });
    await writeFile(path.join(msp, 'signcerts', 'cert.pem'), certificate, { flag: 'wx' });
}

async function exists(file: string): Promise<boolean> {
    try {
        await access(file);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return false;
        }
        throw error;
    }
}
