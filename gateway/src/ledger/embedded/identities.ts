import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { IdentityDirectory, SigningIdentity } from '../ledger';
import { LedgerError } from '../errors';
import type { ConsortiumOrg } from './consortium';
import { DevCertificateAuthority, type KeyAndCertificate } from './dev-ca';

/**
 * The development CA's identities: one CA per org and an enrolment certificate for every
 * demo user of network/consortium.json. On disk they live under
 * `<dataDir>/identities/<org>/ca/` and `<dataDir>/identities/<org>/<user>/` (keys 0600,
 * folders 0700), created on first open and reused after. A SigningIdentity carries a signer,
 * never the key itself: the key is read from its folder and used in-process.
 */
export class DevIdentities implements IdentityDirectory {
    private constructor(
        private readonly orgList: ConsortiumOrg[],
        private readonly cas: Map<string, DevCertificateAuthority>,
        private readonly users: Map<string, KeyAndCertificate>,
    ) {}

    /** Creates or loads the identities. `folder` undefined keeps them in memory. */
    static async open(orgs: ConsortiumOrg[], folder: string | undefined): Promise<DevIdentities> {
        const cas = new Map<string, DevCertificateAuthority>();
        const users = new Map<string, KeyAndCertificate>();
        for (const org of orgs) {
            const caMaterial = await loadOrCreate(folder && path.join(folder, org.org, 'ca'), async () => {
                const { ca, privateKey } = await DevCertificateAuthority.create(org.mspId, org.domain);
                return { certificate: ca.certificate, privateKey };
            });
            const ca = await DevCertificateAuthority.load(org.mspId, org.domain, caMaterial);
            cas.set(org.mspId, ca);
            for (const user of org.users) {
                const material = await loadOrCreate(folder && path.join(folder, org.org, user.name), () =>
                    ca.issue({
                        name: user.name,
                        role: user.role,
                        actorId: user.id,
                        type: user.role === 'admin' ? 'admin' : 'client',
                    }),
                );
                users.set(`${org.org}/${user.name}`, material);
            }
        }
        return new DevIdentities(orgs, cas, users);
    }

    async get(org: string, user: string): Promise<SigningIdentity> {
        const material = this.users.get(`${org}/${user}`);
        const mspId = this.orgList.find((candidate) => candidate.org === org)?.mspId;
        if (!material || !mspId) {
            throw new LedgerError('UNAUTHENTICATED', `no enrolled identity ${user} in org ${org}`);
        }
        return {
            mspId,
            certificate: material.certificate,
            signer: signers.newPrivateKeySigner(createPrivateKey(material.privateKey)),
        };
    }

    async orgs(): Promise<Array<{ org: string; mspId: string }>> {
        return this.orgList.map(({ org, mspId }) => ({ org, mspId }));
    }

    /** The root certificates the ledger's MSP validation trusts, by MSP id. */
    trustedRoots(): Map<string, X509Certificate> {
        return new Map([...this.cas].map(([mspId, ca]) => [mspId, new X509Certificate(ca.certificate)]));
    }
}

async function loadOrCreate(
    folder: string | undefined,
    create: () => Promise<KeyAndCertificate>,
): Promise<KeyAndCertificate> {
    if (!folder) {
        return create();
    }
    const certificateFile = path.join(folder, 'cert.pem');
    const keyFile = path.join(folder, 'key.pem');
    try {
        return { certificate: await readFile(certificateFile, 'utf8'), privateKey: await readFile(keyFile, 'utf8') };
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw error;
        }
    }
    const material = await create();
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(folder, 0o700);
    // The key first: a folder with a certificate but no key would look enrolled and fail to sign.
    await writeFile(keyFile, material.privateKey, { mode: 0o600 });
    await writeFile(certificateFile, material.certificate, { mode: 0o644 });
    return material;
}
