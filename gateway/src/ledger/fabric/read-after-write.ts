import { LedgerError } from '../errors';

/**
 * Read-your-writes across the sessions of one ledger. Each Fabric peer commits blocks on its
 * own: a submit returns once its gateway peer has committed it, while another org's peer may
 * still be a few milliseconds behind. Without care, a query right after another org's submit
 * can read the state from before it (the embedded ledger, with one state, never does).
 *
 * So the ledger remembers its latest committed transaction, as the signed commit-status request
 * that proved it, and which block each peer is known to have reached. Before a call goes to a
 * peer that may be behind, that peer is asked for the commit status of that transaction, which
 * the peer answers only once it has committed it. Up-to-date peers cost nothing.
 *
 * The bound: the calls of this ledger instance see each other's writes; another process's
 * writes are seen once the peer has committed them, as with Fabric itself.
 */
export class ReadAfterWrite {
    private latest?: { blockNumber: bigint; commitRequest: Uint8Array };
    private readonly reached = new Map<string, bigint>();

    /** A transaction this ledger submitted committed in `blockNumber` on peer `endpoint`. */
    committed(endpoint: string, blockNumber: bigint, commitRequest: Uint8Array): void {
        this.reach(endpoint, blockNumber);
        if (!this.latest || blockNumber > this.latest.blockNumber) {
            this.latest = { blockNumber, commitRequest };
        }
    }

    /**
     * Waits, with `awaitCommit` (the commit status of a signed request on the peer), until the
     * peer at `endpoint` has committed the latest transaction of this ledger.
     */
    async catchUp(endpoint: string, awaitCommit: (commitRequest: Uint8Array) => Promise<unknown>): Promise<void> {
        const target = this.latest;
        if (!target || (this.reached.get(endpoint) ?? -1n) >= target.blockNumber) {
            return;
        }
        try {
            await awaitCommit(target.commitRequest);
        } catch (error) {
            // The failed wait is for another call's transaction (maybe another user's or org's):
            // its id must not reach the caller, who would take it for its own, find it VALID and
            // not retry a write that was never sent. The peer is unavailable to this call; none of
            // the call's own transaction has happened yet, so the next peer may take it.
            throw new LedgerError(
                'UNAVAILABLE',
                `peer ${endpoint} could not confirm it has committed block ${target.blockNumber}, which this ledger's earlier writes reached: ${messageOf(error)}`,
                { cause: error },
            );
        }
        this.reach(endpoint, target.blockNumber);
    }

    private reach(endpoint: string, blockNumber: bigint): void {
        if ((this.reached.get(endpoint) ?? -1n) < blockNumber) {
            this.reached.set(endpoint, blockNumber);
        }
    }
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
