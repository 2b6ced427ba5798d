import { isUnavailable } from './errors';

/**
 * An org's peers in order of preference, and which one calls go to now. A call that finds its
 * peer unreachable is retried on the next peer, once per peer; the peer that answered becomes
 * the one later calls go to first, so every session of the org stops paying for a dead peer
 * after the first one noticed. Other errors are the call's own and are not retried.
 */
export class Failover<T> {
    private preferred = 0;

    constructor(readonly targets: readonly T[]) {
        if (targets.length === 0) {
            throw new Error('failover needs at least one target');
        }
    }

    /** The target calls go to first now. */
    get current(): T {
        return this.targets[this.preferred];
    }

    async run<R>(call: (target: T) => Promise<R>): Promise<R> {
        let lastError: unknown;
        const start = this.preferred;
        for (let attempt = 0; attempt < this.targets.length; attempt++) {
            const index = (start + attempt) % this.targets.length;
            try {
                const result = await call(this.targets[index]);
                this.preferred = index;
                return result;
            } catch (error) {
                if (!isUnavailable(error)) {
                    throw error;
                }
                lastError = error;
            }
        }
        throw lastError;
    }

    /** Moves past `target` after a failure outside `run` (e.g. a broken event stream). */
    markFailed(target: T): void {
        if (this.targets[this.preferred] === target) {
            this.preferred = (this.preferred + 1) % this.targets.length;
        }
    }
}
