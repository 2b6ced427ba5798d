import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../errors';
import { isUnavailable, ledgerErrorFrom } from './errors';

/** A stream opened on one peer, and how to tell the peer picker that this peer failed. */
export interface PeerStream<T> {
    source: CloseableAsyncIterable<T>;
    /** Called when this stream broke because its peer became unreachable. */
    peerFailed(): void;
    /** Names the peer (its host alias), for status reports. */
    peer?: string;
}

export interface FailoverStreamOptions<T, Resume, Out> {
    /** Opens the stream on some reachable peer, resuming at `resume` when given. */
    open(resume: Resume | undefined): Promise<PeerStream<T>>;
    /** Where the first stream starts; undefined: from what is committed after it opens. */
    from: Resume | undefined;
    /** Peers of the org: this many failures in a row, with nothing delivered between, end the stream. */
    peers: number;
    /** What one item of the peer's stream is delivered as, and where to resume after it. */
    deliver(item: T): { value: Out; resume: Resume };
    /** Names the stream in the error when every peer ended it, e.g. `block stream`. */
    what: string;
}

/** A stream of `Out` that `close()` ends; leaving a for-await loop over it closes it too. */
export interface FailoverStream<Out> extends AsyncIterable<Out> {
    close(): void;
    /** The peer the stream reads from now (changes when it fails over). */
    readonly source?: string;
}

/**
 * A stream that survives the loss of a peer: when the peer's stream breaks with UNAVAILABLE, or
 * the peer ends it (it is shutting down), it is reopened on the org's next peer at the resume
 * point after the last item delivered, so nothing is skipped or repeated. Any other error is
 * raised as a LedgerError, not retried. The first stream is opened before this resolves.
 * Shared by the block stream (block-stream.ts) and the chaincode event stream (events.ts).
 */
export async function openFailoverStream<T, Resume, Out>(
    options: FailoverStreamOptions<T, Resume, Out>,
): Promise<FailoverStream<Out>> {
    let resume = options.from;
    let closed = false;
    let current = await options.open(resume);

    async function* iterate(): AsyncGenerator<Out> {
        let failures = 0;
        try {
            while (!closed) {
                let failure: unknown;
                try {
                    for await (const item of current.source) {
                        failures = 0;
                        const delivered = options.deliver(item);
                        resume = delivered.resume;
                        yield delivered.value;
                    }
                } catch (error) {
                    failure = error ?? new Error(`${options.what} failed`);
                }
                if (closed) {
                    return;
                }
                if (failure !== undefined && !isUnavailable(failure)) {
                    throw ledgerErrorFrom(failure);
                }
                if (++failures >= options.peers) {
                    throw failure !== undefined
                        ? ledgerErrorFrom(failure)
                        : new LedgerError('UNAVAILABLE', `every peer of the org ended the ${options.what}`);
                }
                current.peerFailed();
                current.source.close();
                current = await options.open(resume);
            }
        } finally {
            // Also reached when a consumer leaves a for-await loop early: the stream ends then.
            closed = true;
            current.source.close();
        }
    }

    const iterator = iterate();
    return {
        [Symbol.asyncIterator]: () => iterator,
        get source() {
            return current.peer;
        },
        close() {
            closed = true;
            current.source.close();
        },
    };
}
