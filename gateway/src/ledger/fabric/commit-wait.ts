/**
 * Waits for a submitted transaction's commit status, sending the same signed transaction to
 * ordering again while the status is slow to come.
 *
 * Why: an orderer's "SUCCESS" to a broadcast only says it accepted the transaction. A Raft
 * follower accepts by forwarding it to the leader it knows; when that leader has just died, the
 * forward can be written to the dead leader's connection and lost, and the transaction is never
 * ordered: its commit status never arrives, and the client waited out the whole commit-status
 * deadline (60 s) for a TIMEOUT (seen in the fault suite after `kill -9` of the Raft leader).
 * Sending the same signed bytes again is safe: it has the same transaction id, and Fabric
 * commits only the first copy that is ordered; a later copy is marked DUPLICATE_TXID and the
 * commit status (the first occurrence) is unchanged. So a slow status costs at most one
 * invalid duplicate, and a lost one is ordered again once the orderers have a leader.
 */
export interface CommitWaitOptions {
    /** Resend to ordering when no status came within this many ms, and again each time as long. 0: never. */
    resubmitAfterMs: number;
    setTimer?: (callback: () => void, ms: number) => { cancel(): void };
}

const realTimer = (callback: () => void, ms: number) => {
    const timer = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(timer) };
};

/**
 * The commit status from `status()` (one call, bounded by its own deadline); meanwhile
 * `resubmit()` every `resubmitAfterMs`. A failing resubmit is ignored: the status call decides.
 * Returns the number of resubmits with the status, for metrics and tests.
 */
export async function awaitCommit<S>(
    status: () => Promise<S>,
    resubmit: () => Promise<unknown>,
    options: CommitWaitOptions,
): Promise<{ status: S; resubmits: number }> {
    const setTimer = options.setTimer ?? realTimer;
    let resubmits = 0;
    let timer: { cancel(): void } | undefined;
    let done = false;
    const schedule = () => {
        if (options.resubmitAfterMs > 0 && !done) {
            timer = setTimer(() => {
                if (done) {
                    return;
                }
                resubmits++;
                resubmit().then(
                    () => schedule(),
                    () => schedule(),
                );
            }, options.resubmitAfterMs);
        }
    };
    schedule();
    try {
        const result = await status();
        return { status: result, resubmits };
    } finally {
        done = true;
        timer?.cancel();
    }
}
