import type { LedgerConfig } from '../config';
import { LedgerError } from '../errors';
import type { Ledger, LedgerSession, SigningIdentity } from '../ledger';
import { ConnectionPool } from './connections';
import { Failover } from './failover';
import { EnrolledIdentities } from './identities';
import { readProfiles, type ConnectionProfile, type PeerEndpoint } from './profile';
import { ReadAfterWrite } from './read-after-write';
import { defaultDeadlines, FabricSession, type Deadlines } from './session';

export type { Deadlines } from './session';

/**
 * The ledger on a real Fabric network, through the Fabric Gateway service of the peers
 * (@hyperledger/fabric-gateway). Reads the connection profiles and enrolled users that
 * network/network.sh writes under `config.networkDir`.
 *
 * A session goes through the peers of its identity's own org when that org has a profile
 * (each org's users through their org's gateway peers, as in production), else through the
 * peers of `config.org`. Profiles are read again when an unknown org is asked for, so an org
 * added with `network.sh addOrg` is usable without reopening the ledger. Every call sees the
 * writes this ledger committed before it, whichever org's peer serves it (read-after-write.ts).
 */
export async function openFabricLedger(config: LedgerConfig, deadlines: Partial<Deadlines> = {}): Promise<Ledger> {
    const ledger = new FabricLedger(config, { ...defaultDeadlines, ...deadlines });
    await ledger.refresh();
    if (!ledger.hasOrg(config.org)) {
        throw new LedgerError(
            'UNAVAILABLE',
            `no connection profile for org ${config.org} under ${config.networkDir}: is the Fabric network up? (bash network/network.sh restart)`,
        );
    }
    return ledger;
}

class FabricLedger implements Ledger {
    readonly kind = 'fabric' as const;
    readonly identities: EnrolledIdentities;
    private readonly pool = new ConnectionPool();
    private profiles = new Map<string, ConnectionProfile>();
    private readonly failovers = new Map<string, Failover<PeerEndpoint>>();
    private readonly readAfterWrite = new ReadAfterWrite();

    constructor(
        private readonly config: LedgerConfig,
        private readonly deadlines: Deadlines,
    ) {
        this.identities = new EnrolledIdentities(async () => {
            await this.refresh();
            return this.profiles;
        });
    }

    async refresh(): Promise<void> {
        this.profiles = await readProfiles(this.config.networkDir);
    }

    hasOrg(org: string): boolean {
        return this.profiles.has(org);
    }

    connect(identity: SigningIdentity): LedgerSession {
        const own = [...this.profiles.values()].find((profile) => profile.mspId === identity.mspId);
        const profile = own ?? this.profiles.get(this.config.org);
        if (!profile) {
            throw new LedgerError('UNAVAILABLE', `no connection profile for org ${this.config.org}`);
        }
        return new FabricSession(identity, {
            pool: this.pool,
            peers: this.failover(profile),
            channel: this.config.channel,
            chaincode: this.config.chaincode,
            deadlines: this.deadlines,
            readAfterWrite: this.readAfterWrite,
        });
    }

    async close(): Promise<void> {
        this.pool.close();
    }

    /** One failover state per org, shared by its sessions. */
    private failover(profile: ConnectionProfile): Failover<PeerEndpoint> {
        let failover = this.failovers.get(profile.org);
        if (!failover) {
            failover = new Failover(profile.peers);
            this.failovers.set(profile.org, failover);
        }
        return failover;
    }
}
