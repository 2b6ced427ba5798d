import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { openBlockStream, type OpenBlocks } from './block-stream';

/** An empty block numbered `number` (no envelopes: the stream's failover does not look inside). */
function block(number: number): common.Block {
    const header = new common.BlockHeader();
    header.setNumber(number);
    const result = new common.Block();
    result.setHeader(header);
    result.setData(new common.BlockData());
    return result;
}

/** A stand-in for fabric-gateway's block iterable: yields `blocks`, then drops (UNAVAILABLE) or waits for close. */
function blockSource(
    blocks: common.Block[],
    end: 'fail' | 'wait' | 'finish',
): CloseableAsyncIterable<common.Block> & { closed: boolean } {
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
            yield* blocks;
            if (end === 'fail') {
                throw Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
                    code: GrpcStatus.UNAVAILABLE,
                    details: 'Connection dropped',
                    metadata: new Metadata(),
                });
            }
            if (end === 'wait' && !source.closed) {
                await new Promise<void>((resolve) => (release = resolve));
            }
        },
    };
    return source;
}

describe('openBlockStream', () => {
    test('when a peer drops the stream, reopens on the next at the block after the last delivered', async () => {
        const sources = [blockSource([block(3), block(4)], 'fail'), blockSource([block(5), block(6)], 'wait')];
        const opened: Array<bigint | undefined> = [];
        let failed = 0;
        const open: OpenBlocks = async (startBlock) => {
            opened.push(startBlock);
            return {
                blocks: sources[opened.length - 1],
                peerFailed: () => (failed += 1),
                peer: `peer${opened.length - 1}`,
            };
        };

        const stream = await openBlockStream(open, 3n, 2, 'careledger');
        expect(stream.source).toBe('peer0');
        const iterator = stream[Symbol.asyncIterator]();
        const numbers: bigint[] = [];
        const sourceOf: Array<string | undefined> = [];
        while (numbers.length < 4) {
            const next = await iterator.next();
            if (next.done) break;
            numbers.push(next.value.number);
            sourceOf.push(stream.source);
        }
        expect(numbers).toEqual([3n, 4n, 5n, 6n]);
        // The stream names the peer each block came from, so a reader can report the switch.
        expect(sourceOf).toEqual(['peer0', 'peer0', 'peer1', 'peer1']);
        expect(opened).toEqual([3n, 5n]);
        expect(failed).toBe(1);
        expect(sources[0].closed).toBe(true);

        stream.close();
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
        expect(sources[1].closed).toBe(true);
    });

    test('fails with UNAVAILABLE naming the block stream once every peer ended it', async () => {
        const open: OpenBlocks = async () => ({ blocks: blockSource([], 'finish'), peerFailed: () => undefined });
        const stream = await openBlockStream(open, undefined, 2, 'careledger');
        await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({
            name: 'LedgerError',
            code: 'UNAVAILABLE',
            message: expect.stringContaining('every peer of the org ended the block stream'),
        });
    });
});
