/**
 * Sends a signed transaction to ordering again while the ordering service answers that it is
 * unavailable, for a bounded time.
 *
 * Why: while the Raft orderers elect a new leader (seconds after the leader is lost), every
 * orderer refuses or times out a broadcast, and the peer's gateway answers "no orderers could
 * successfully process transaction" (UNAVAILABLE) once it has tried each. Nothing the client
 * could do differs from trying again shortly, and trying again with the same signed bytes is
 * safe even if one of the attempts was ordered after all: the copies share one transaction id,
 * Fabric commits the first and marks later ones DUPLICATE_TXID. A new transaction (what a
 * caller retrying the UNAVAILABLE error would send) could commit twice.
 */
export interface OrderingRetryOptions {
    /** Keep trying for this many ms from the first attempt (0: one attempt only). */
    retryForMs: number;
    /** Pause between attempts. */
    pauseMs: number;
    /** Which failures are worth another attempt (the gateway's UNAVAILABLE). */
    isRetryable: (error: unknown) => boolean;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
}

export async function submitUntilAccepted<T>(submit: () => Promise<T>, options: OrderingRetryOptions): Promise<T> {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const started = now();
    for (;;) {
        try {
            return await submit();
        } catch (error) {
            if (!options.isRetryable(error) || now() + options.pauseMs - started > options.retryForMs) {
                throw error;
            }
            await sleep(options.pauseMs);
        }
    }
}
