import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LedgerError } from '../errors';
import type { IdentityDirectory, SigningIdentity } from '../ledger';
import type { ConnectionProfile } from './profile';

/**
 * Identities enrolled by the network's Fabric CAs, read from the MSP folders network.sh writes:
 * `<org dir>/users/<user>@<domain>/msp/{signcerts/cert.pem,keystore/<key>}`. The identity
 * carries a signer, never the key itself.
 */
export class EnrolledIdentities implements IdentityDirectory {
    constructor(private readonly profiles: () => Promise<Map<string, ConnectionProfile>>) {}

    async get(org: string, user: string): Promise<SigningIdentity> {
        const profile = (await this.profiles()).get(org);
        if (!profile) {
            throw new LedgerError('UNAUTHENTICATED', `no org ${org} in the network (no connection profile)`);
        }
        const msp = path.join(profile.orgDir, 'users', `${user}@${profile.domain}`, 'msp');
        let certificate: string;
        let privateKey: string;
        try {
            certificate = await readFile(path.join(msp, 'signcerts', 'cert.pem'), 'utf8');
            const keys = (await readdir(path.join(msp, 'keystore'))).sort();
            if (keys.length !== 1) {
                throw new LedgerError(
                    'UNAUTHENTICATED',
                    `${msp}/keystore must hold exactly one key, found ${keys.length}`,
                );
            }
            privateKey = await readFile(path.join(msp, 'keystore', keys[0]), 'utf8');
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                throw new LedgerError('UNAUTHENTICATED', `no enrolled identity ${user} in org ${org}`);
            }
            throw error;
        }
        return {
            mspId: profile.mspId,
            certificate,
            signer: signers.newPrivateKeySigner(createPrivateKey(privateKey)),
        };
    }

    async orgs(): Promise<Array<{ org: string; mspId: string }>> {
        return [...(await this.profiles()).values()].map(({ org, mspId }) => ({ org, mspId }));
    }
}
