import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config';

export interface ConsortiumUser {
    name: string;
    role?: string;
    id?: string;
}

export interface ConsortiumOrg {
    org: string;
    mspId: string;
    domain: string;
    users: ConsortiumUser[];
}

/** The orgs and demo users of network/consortium.json: founding orgs first, then the addable ones. */
export function loadConsortium(root = projectRoot()): ConsortiumOrg[] {
    const file = path.join(root, 'network', 'consortium.json');
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { orgs: ConsortiumOrg[]; addableOrgs?: ConsortiumOrg[] };
    return [...parsed.orgs, ...(parsed.addableOrgs ?? [])].map(({ org, mspId, domain, users }) => ({
        org,
        mspId,
        domain,
        users,
    }));
}
