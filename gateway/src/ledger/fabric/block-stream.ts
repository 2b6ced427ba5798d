import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { common } from '@hyperledger/fabric-protos';
import type { BlockStream } from '../ledger';
import { toLedgerBlock } from './blocks';
import { openFailoverStream } from './failover-stream';

/** Opens a block stream on some reachable peer from `startBlock` (default: the next block). */
export type OpenBlocks = (startBlock: bigint | undefined) => Promise<{
    blocks: CloseableAsyncIterable<common.Block>;
    /** Called when this stream broke because its peer became unreachable. */
    peerFailed(): void;
    /** The peer's host alias, reported as the stream's `source`. */
    peer?: string;
}>;

/**
 * Blocks that survive the loss of a peer: when the stream breaks with UNAVAILABLE it is
 * reopened on the org's next peer at the block after the last one delivered — the block
 * number is the checkpoint — so none is skipped or repeated (failover-stream.ts).
 */
export function openBlockStream(
    open: OpenBlocks,
    startBlock: bigint | undefined,
    peers: number,
    chaincode: string,
): Promise<BlockStream> {
    return openFailoverStream({
        open: async (next: bigint | undefined) => {
            const opened = await open(next);
            return { source: opened.blocks, peerFailed: () => opened.peerFailed(), peer: opened.peer };
        },
        from: startBlock,
        peers,
        deliver: (block: common.Block) => {
            const decoded = toLedgerBlock(block, chaincode);
            return { value: decoded, resume: decoded.number + 1n };
        },
        what: 'block stream',
    });
}
