import type { ChaincodeEvent, Checkpoint, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../errors';
import type { EventPosition, EventStream, LedgerEvent } from '../ledger';
import { isUnavailable, ledgerErrorFrom } from './errors';

/** Opens a chaincode event stream on some reachable peer, resuming at `position` when given. */
export type OpenEvents = (position: EventPosition | undefined) => Promise<{
    events: CloseableAsyncIterable<ChaincodeEvent>;
    /** Called when this stream broke because its peer became unreachable. */
    peerFailed(): void;
}>;

/** fabric-gateway's Checkpoint for a position: the block to start at and the event to resume after. */
export function checkpointOf(position: EventPosition): Checkpoint {
    return {
        getBlockNumber: () => position.blockNumber,
        getTransactionId: () => position.transactionId,
    };
}

export function toLedgerEvent(event: ChaincodeEvent): LedgerEvent {
    return {
        blockNumber: event.blockNumber,
        transactionId: event.transactionId,
        chaincodeName: event.chaincodeName,
        eventName: event.eventName,
        payload: event.payload,
    };
}

/**
 * Chaincode events that survive the loss of a peer: when the stream breaks with UNAVAILABLE it
 * is reopened on the org's next peer, after the last event delivered, so nothing is skipped or
 * repeated. (Before the first event of a stream opened without `from`, events committed while
 * the stream is being reopened are not replayed: there is no position to resume from yet.)
 * The first stream is opened before `openEventStream` resolves, so events committed after
 * that are delivered. Leaving a for-await loop over the stream closes it, as `close()` does.
 */
export async function openEventStream(
    open: OpenEvents,
    from: EventPosition | undefined,
    peers: number,
): Promise<EventStream> {
    let position = from;
    let closed = false;
    let current = await open(position);

    async function* iterate(): AsyncGenerator<LedgerEvent> {
        let failures = 0;
        try {
            while (!closed) {
                let failure: unknown;
                try {
                    for await (const event of current.events) {
                        failures = 0;
                        position = { blockNumber: event.blockNumber, transactionId: event.transactionId };
                        yield toLedgerEvent(event);
                    }
                } catch (error) {
                    failure = error ?? new Error('event stream failed');
                }
                if (closed) {
                    return;
                }
                if (failure !== undefined && !isUnavailable(failure)) {
                    throw ledgerErrorFrom(failure);
                }
                // Unreachable, or the peer ended the stream (it is shutting down): the next peer.
                if (++failures >= peers) {
                    throw failure !== undefined
                        ? ledgerErrorFrom(failure)
                        : new LedgerError('UNAVAILABLE', 'every peer of the org ended the event stream');
                }
                current.peerFailed();
                current.events.close();
                current = await open(position);
            }
        } finally {
            // Also reached when a consumer leaves a for-await loop early: the stream ends then.
            closed = true;
            current.events.close();
        }
    }

    const iterator = iterate();
    return {
        [Symbol.asyncIterator]: () => iterator,
        close() {
            closed = true;
            current.events.close();
        },
    };
}
