import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { common } from '@hyperledger/fabric-protos';
import { LedgerError } from '../errors';
import type { BlockStream, LedgerBlock } from '../ledger';
import { toLedgerBlock } from './blocks';
import { isUnavailable, ledgerErrorFrom } from './errors';

/** Opens a block stream on some reachable peer from `startBlock` (default: the next block). */
export type OpenBlocks = (startBlock: bigint | undefined) => Promise<{
    blocks: CloseableAsyncIterable<common.Block>;
    /** Called when this stream broke because its peer became unreachable. */
    peerFailed(): void;
}>;

/**
 * Blocks that survive the loss of a peer: when the stream breaks with UNAVAILABLE it is
 * reopened on the org's next peer at the block after the last one delivered — the block
 * number is the checkpoint — so none is skipped or repeated.
 */
export async function openBlockStream(
    open: OpenBlocks,
    startBlock: bigint | undefined,
    peers: number,
    chaincode: string,
): Promise<BlockStream> {
    let next = startBlock;
    let closed = false;
    let current = await open(next);

    async function* iterate(): AsyncGenerator<LedgerBlock> {
        let failures = 0;
        try {
            while (!closed) {
                let failure: unknown;
                try {
                    for await (const block of current.blocks) {
                        failures = 0;
                        const decoded = toLedgerBlock(block, chaincode);
                        next = decoded.number + 1n;
                        yield decoded;
                    }
                } catch (error) {
                    failure = error ?? new Error('block stream failed');
                }
                if (closed) {
                    return;
                }
                if (failure !== undefined && !isUnavailable(failure)) {
                    throw ledgerErrorFrom(failure);
                }
                if (++failures >= peers) {
                    throw failure !== undefined
                        ? ledgerErrorFrom(failure)
                        : new LedgerError('UNAVAILABLE', 'every peer of the org ended the block stream');
                }
                current.peerFailed();
                current.blocks.close();
                current = await open(next);
            }
        } finally {
            closed = true;
            current.blocks.close();
        }
    }

    const iterator = iterate();
    return {
        [Symbol.asyncIterator]: () => iterator,
        close() {
            closed = true;
            current.blocks.close();
        },
    };
}
