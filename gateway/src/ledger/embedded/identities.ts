import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readCsr } from '../csr';
import { newNativeSigner } from '../fabric/native-signer';
import type {
    ClientIdentity,
    CsrRegistration,
    DigestSigner,
    IdentityDirectory,
    Registration,
    SigningIdentity,
} from '../ledger';
import { LedgerError } from '../errors';
import { alreadyRegistered, checkRegistration } from '../registration';
import type { ConsortiumOrg } from './consortium';
import { DevCertificateAuthority, type KeyAndCertificate } from './dev-ca';

/** A user's certificate, and the private key unless the user keeps it (enrolled with a CSR). */
type Enrolled = { certificate: string; privateKey?: string };

/** The CA's own folder sits beside the users' folders, so no user may take its name. */
const caFolder = 'ca';

/**
 * The development CA's identities: one CA per org and an enrolment certificate for every
 * demo user of network/consortium.json. On disk they live under
 * `<dataDir>/identities/<org>/ca/` and `<dataDir>/identities/<org>/<user>/` (keys 0600,
 * folders 0700), created on first open and reused after. A SigningIdentity carries a signer,
 * never the key itself: the key is read from its folder and used in-process.
 *
 * Users registered later (`register`, `enrollWithCsr`) get a folder of their own beside the
 * demo users' and are found again on the next open; a user enrolled with a CSR has a
 * certificate and no key there. Creating the folder is what claims the name, so two
 * registrations of one name — even from two processes on one data folder — cannot both win.
 */
export class DevIdentities implements IdentityDirectory {
    /** Names being registered right now, so two concurrent registrations of one name cannot both win. */
    private readonly claimed = new Set<string>();

    private constructor(
        private readonly orgList: ConsortiumOrg[],
        private readonly cas: Map<string, DevCertificateAuthority>,
        private readonly users: Map<string, Enrolled>,
        private readonly folder: string | undefined,
    ) {}

    private readonly signers = new WeakMap<Enrolled, DigestSigner>();

    /** Creates or loads the identities. `folder` undefined keeps them in memory. */
    static async open(orgs: ConsortiumOrg[], folder: string | undefined): Promise<DevIdentities> {
        const cas = new Map<string, DevCertificateAuthority>();
        const users = new Map<string, Enrolled>();
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
            for (const [name, material] of await registeredUsers(folder && path.join(folder, org.org))) {
                if (!users.has(`${org.org}/${name}`)) {
                    users.set(`${org.org}/${name}`, material);
                }
            }
        }
        return new DevIdentities(orgs, cas, users, folder);
    }

    async get(org: string, user: string): Promise<SigningIdentity> {
        const material = this.users.get(`${org}/${user}`);
        const mspId = this.orgList.find((candidate) => candidate.org === org)?.mspId;
        if (!material || !mspId) {
            throw new LedgerError('UNAUTHENTICATED', `no enrolled identity ${user} in org ${org}`);
        }
        if (material.privateKey === undefined) {
            return { mspId, certificate: material.certificate };
        }
        let signer = this.signers.get(material);
        if (!signer) {
            // Parsed once per user (parsing the PEM key costs more than a signature); OpenSSL signs.
            signer = newNativeSigner(material.privateKey);
            this.signers.set(material, signer);
        }
        return { mspId, certificate: material.certificate, signer };
    }

    async register(org: string, registration: Registration): Promise<SigningIdentity> {
        const { user, role, actorId } = checkRegistration(registration);
        await this.enrol(org, user, async (ca) => ca.issue({ name: user, role, actorId }));
        return this.get(org, user);
    }

    async enrollWithCsr(org: string, registration: CsrRegistration): Promise<ClientIdentity> {
        const { user, role, actorId, csrPem } = checkRegistration(registration);
        const { commonName, publicKey } = await readCsr(csrPem, 'csr');
        if (commonName !== user) {
            throw new LedgerError('INVALID_ARGUMENT', `csr subject CN must be the user name ${user}`, {
                field: 'csr',
            });
        }
        const certificate = await this.enrol(org, user, async (ca) => ({
            certificate: await ca.certify({ name: user, role, actorId }, publicKey),
        }));
        return { mspId: this.caOf(org).mspId, certificate };
    }

    async orgs(): Promise<Array<{ org: string; mspId: string }>> {
        return this.orgList.map(({ org, mspId }) => ({ org, mspId }));
    }

    /**
     * Claims `user` in `org` (CONFLICT if taken), has the org's CA issue its material, keeps it
     * and returns the certificate. The claim is released if issuing or saving fails.
     */
    private async enrol(
        org: string,
        user: string,
        issue: (ca: DevCertificateAuthority) => Promise<Enrolled>,
    ): Promise<string> {
        const ca = this.caOf(org);
        const key = `${org}/${user}`;
        if (this.users.has(key) || this.claimed.has(key) || user === caFolder) {
            throw alreadyRegistered(org, user);
        }
        this.claimed.add(key);
        try {
            const userFolder = this.folder && path.join(this.folder, org, user);
            if (userFolder) {
                await claimFolder(userFolder, org, user);
            }
            try {
                const material = await issue(ca);
                if (userFolder) {
                    await save(userFolder, material);
                }
                this.users.set(key, material);
                return material.certificate;
            } catch (error) {
                if (userFolder) {
                    await rm(userFolder, { recursive: true, force: true });
                }
                throw error;
            }
        } finally {
            this.claimed.delete(key);
        }
    }

    private caOf(org: string): DevCertificateAuthority {
        const mspId = this.orgList.find((candidate) => candidate.org === org)?.mspId;
        const ca = mspId && this.cas.get(mspId);
        if (!ca) {
            throw new LedgerError('NOT_FOUND', `no org ${org} in the consortium`);
        }
        return ca;
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
    await save(folder, material);
    return material;
}

async function save(folder: string, material: Enrolled): Promise<void> {
    await chmod(folder, 0o700);
    // The key first: a folder with a certificate but no key would look like a CSR enrolment.
    if (material.privateKey !== undefined) {
        await writeFile(path.join(folder, 'key.pem'), material.privateKey, { mode: 0o600 });
    }
    await writeFile(path.join(folder, 'cert.pem'), material.certificate, { mode: 0o644 });
}

/** Creates the user's folder; an existing one means the name is taken. */
async function claimFolder(folder: string, org: string, user: string): Promise<void> {
    await mkdir(path.dirname(folder), { recursive: true, mode: 0o700 });
    try {
        await mkdir(folder, { mode: 0o700 });
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            throw alreadyRegistered(org, user);
        }
        throw error;
    }
}

/** Users registered after the demo users: every folder of the org holding a certificate. */
async function registeredUsers(orgFolder: string | undefined): Promise<Array<[string, Enrolled]>> {
    if (!orgFolder) {
        return [];
    }
    let names: string[];
    try {
        names = (await readdir(orgFolder)).filter((name) => name !== caFolder).sort();
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return [];
        }
        throw error;
    }
    const users: Array<[string, Enrolled]> = [];
    for (const name of names) {
        const certificate = await readOptional(path.join(orgFolder, name, 'cert.pem'));
        if (certificate !== undefined) {
            users.push([name, { certificate, privateKey: await readOptional(path.join(orgFolder, name, 'key.pem')) }]);
        }
    }
    return users;
}

async function readOptional(file: string): Promise<string | undefined> {
    try {
        return await readFile(file, 'utf8');
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
            return undefined;
        }
        throw error;
    }
}
