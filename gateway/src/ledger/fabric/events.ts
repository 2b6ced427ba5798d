import type { ChaincodeEvent, Checkpoint, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { EventPosition, EventStream, LedgerEvent } from '../ledger';
import { openFailoverStream } from './failover-stream';

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
 * that are delivered. Leaving a for-await loop over the stream closes it, as `close()` does
 * (failover-stream.ts).
 */
export function openEventStream(
    open: OpenEvents,
    from: EventPosition | undefined,
    peers: number,
): Promise<EventStream> {
    return openFailoverStream({
        open: async (position: EventPosition | undefined) => {
            const opened = await open(position);
            return { source: opened.events, peerFailed: () => opened.peerFailed() };
        },
        from,
        peers,
        deliver: (event: ChaincodeEvent) => ({
            value: toLedgerEvent(event),
            resume: { blockNumber: event.blockNumber, transactionId: event.transactionId },
        }),
        what: 'event stream',
    });
}
