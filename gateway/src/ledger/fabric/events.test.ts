import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { EventPosition, LedgerEvent } from '../ledger';
import { checkpointOf, openEventStream, type OpenEvents } from './events';

/** A stand-in for fabric-gateway's event iterable: yields `events`, then fails or waits for close. */
function eventSource(
    events: ChaincodeEvent[],
    end: 'fail' | 'wait' | 'finish' | Error,
): CloseableAsyncIterable<ChaincodeEvent> & { closed: boolean } {
    let release: () => void = () => undefined;
    const source = {
        closed: false,
        close() {
            source.closed = true;
            release();
        },
        [Symbol.dispose]() {
            source.close();
        },
        async *[Symbol.asyncIterator]() {
            yield* events;
            if (end === 'fail') {
                throw Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
                    code: GrpcStatus.UNAVAILABLE,
                    details: 'Connection dropped',
                    metadata: new Metadata(),
                });
            }
            if (end instanceof Error) {
                throw end;
            }
            if (end === 'wait' && !source.closed) {
                // Like a cancelled gRPC call: a closed source ends, now or when closed later.
                await new Promise<void>((resolve) => (release = resolve));
            }
        },
    };
    return source;
}

const event = (block: number, tx: string): ChaincodeEvent => ({
    blockNumber: BigInt(block),
    transactionId: tx,
    chaincodeName: 'careledger',
    eventName: 'system.Pinged',
    payload: new Uint8Array([block]),
});

async function take(iterator: AsyncIterator<LedgerEvent>, count: number): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < count) {
        const next = await iterator.next();
        if (next.done) {
            break;
        }
        ids.push(next.value.transactionId);
    }
    return ids;
}

describe('openEventStream', () => {
    test('maps events and, when a peer drops the stream, resumes on the next after the last event', async () => {
        const sources = [
            eventSource([event(5, 'a'), event(6, 'b')], 'fail'),
            eventSource([event(6, 'c'), event(7, 'd')], 'wait'),
        ];
        const opened: Array<EventPosition | undefined> = [];
        let failed = 0;
        const open: OpenEvents = async (position) => {
            opened.push(position);
            return { events: sources[opened.length - 1], peerFailed: () => (failed += 1) };
        };

        const stream = await openEventStream(open, { blockNumber: 5n }, 2);
        const iterator = stream[Symbol.asyncIterator]();
        expect(await take(iterator, 4)).toEqual(['a', 'b', 'c', 'd']);
        expect(opened).toEqual([{ blockNumber: 5n }, { blockNumber: 6n, transactionId: 'b' }]);
        expect(failed).toBe(1);
        expect(sources[0].closed).toBe(true);

        stream.close();
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
        expect(sources[1].closed).toBe(true);
    });

    test('fails with UNAVAILABLE once every peer has failed in a row', async () => {
        const open: OpenEvents = async () => ({ events: eventSource([], 'fail'), peerFailed: () => undefined });
        const stream = await openEventStream(open, undefined, 2);
        await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
            name: 'LedgerError',
            code: 'UNAVAILABLE',
        });
    });

    test("a stream error that is not the peer's absence is raised, not retried", async () => {
        let opens = 0;
        const open: OpenEvents = async () => {
            opens += 1;
            const denied = Object.assign(new Error('7 PERMISSION_DENIED: access denied'), {
                code: GrpcStatus.PERMISSION_DENIED,
            });
            return { events: eventSource([], denied), peerFailed: () => undefined };
        };
        const stream = await openEventStream(open, undefined, 2);
        await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        expect(opens).toBe(1);
    });

    test('leaving a for-await loop closes the stream', async () => {
        const source = eventSource([event(1, 'a'), event(1, 'b')], 'wait');
        const stream = await openEventStream(
            async () => ({ events: source, peerFailed: () => undefined }),
            undefined,
            1,
        );
        for await (const received of stream) {
            expect(received.transactionId).toBe('a');
            break;
        }
        expect(source.closed).toBe(true);
    });
});

test('checkpointOf resumes after the transaction in its block', () => {
    const checkpoint = checkpointOf({ blockNumber: 9n, transactionId: 'tx' });
    expect(checkpoint.getBlockNumber()).toBe(9n);
    expect(checkpoint.getTransactionId()).toBe('tx');
});
