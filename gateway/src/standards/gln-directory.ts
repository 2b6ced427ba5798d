import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { supply } from '@careledger/chaincode';
import { glnUri, partyGlnUri } from './gs1';

/**
 * Each consortium org's Global Location Numbers, from network/consortium.json: `gln` names
 * the organisation as a party (GS1 AI 417 in EPCIS source/destination lists) and each site's
 * GLN names a place (AI 414: readPoint, bizLocation, `location` sources and destinations).
 * An org missing from the file (e.g. added to a running network without an entry) falls back
 * to `urn:careledger:org:<MSP>`, still a valid EPCIS identifier but not a GS1 key.
 */
export interface OrgGlns {
    mspId: string;
    /** The party GLN (13 digits). */
    gln: string;
    /** The org's main site GLN (13 digits). */
    siteGln: string;
}

export class GlnDirectory {
    private readonly byMsp: Map<string, OrgGlns>;

    constructor(orgs: readonly OrgGlns[]) {
        for (const org of orgs) {
            for (const [field, value] of [
                ['gln', org.gln],
                ['sites[0].gln', org.siteGln],
            ]) {
                if (
                    !/^\d{13}$/.test(value) ||
                    supply.gs1.gs1CheckDigit(value.slice(0, -1)) !== Number(value.slice(-1))
                ) {
                    throw new Error(
                        `consortium.json: ${org.mspId} ${field} ${value} is not a GLN with a valid check digit`,
                    );
                }
            }
        }
        this.byMsp = new Map(orgs.map((org) => [org.mspId, org]));
    }

    /** Reads network/consortium.json (founding and addable orgs). */
    static fromConsortiumFile(
        file = path.resolve(__dirname, '..', '..', '..', 'network', 'consortium.json'),
    ): GlnDirectory {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
            orgs: ConsortiumEntry[];
            addableOrgs?: ConsortiumEntry[];
        };
        return new GlnDirectory(
            [...parsed.orgs, ...(parsed.addableOrgs ?? [])]
                .filter((org) => org.gln && org.sites?.[0]?.gln)
                .map((org) => ({ mspId: org.mspId, gln: org.gln as string, siteGln: org.sites![0].gln })),
        );
    }

    get(mspId: string): OrgGlns | undefined {
        return this.byMsp.get(mspId);
    }

    /** The org as a party: `https://id.gs1.org/417/{gln}`. */
    partyUri(mspId: string): string {
        const org = this.byMsp.get(mspId);
        return org ? partyGlnUri(org.gln) : supply.orgUri(mspId);
    }

    /** The org's main site as a location: `https://id.gs1.org/414/{gln}`. */
    siteUri(mspId: string): string {
        const org = this.byMsp.get(mspId);
        return org ? glnUri(org.siteGln) : supply.orgUri(mspId);
    }

    /** The MSP whose party or site GLN this is. */
    mspOfGln(gln: string): string | undefined {
        for (const org of this.byMsp.values()) {
            if (org.gln === gln || org.siteGln === gln) return org.mspId;
        }
        return undefined;
    }
}

interface ConsortiumEntry {
    mspId: string;
    gln?: string;
    sites?: Array<{ gln: string }>;
}

let shared: GlnDirectory | undefined;

/** The directory of this checkout's consortium.json, read once. */
export function consortiumGlns(): GlnDirectory {
    shared ??= GlnDirectory.fromConsortiumFile();
    return shared;
}
