import type { BlockStream, EventPosition, EventStream, LedgerBlock, LedgerEvent } from '../ledger';
import { toLedgerBlock } from './blocks';
import type { Block } from './types';

/** The chaincode events of a block's valid transactions, in block order. */
export function eventsOfBlock(block: Block, chaincodeName: string): LedgerEvent[] {
    const events: LedgerEvent[] = [];
    block.transactions.forEach((tx, index) => {
        if (block.validation[index] === 'VALID' && tx.event) {
            events.push({
                blockNumber: BigInt(block.number),
                transactionId: tx.txId,
                chaincodeName,
                eventName: tx.event.name,
                payload: new Uint8Array(tx.event.payload),
            });
        }
    });
    return events;
}

/**
 * Chaincode event streams: replay from the block store, then follow committed blocks.
 * A stream resumes as fabric-gateway's checkpoints do: from the start of `blockNumber`, or
 * after `transactionId` within it.
 */
export class EventHub {
    private readonly listeners = new Set<(block: Block) => void>();

    /**
     * @param published blocks already committed when the hub starts: replayed, never live.
     */
    constructor(
        private readonly chaincodeName: string,
        private published: number,
        private readonly getBlock: (number: number) => Promise<Block>,
    ) {}

    /** Delivers a committed block's events to open streams; blocks arrive in order. */
    publish(block: Block): void {
        this.published = block.number + 1;
        this.listeners.forEach((listener) => listener(block));
    }

    /** Ends every open stream, e.g. when the ledger closes. */
    closeAll(): void {
        this.listeners.forEach((listener) => listener(undefined as unknown as Block));
        this.listeners.clear();
    }

    /**
     * Blocks from `startBlock` (default: the next one committed): stored blocks first, then
     * committed blocks as they are published, none skipped or repeated.
     */
    openBlocks(startBlock?: number): BlockStream {
        const live: Block[] = [];
        let wake: (() => void) | undefined;
        let closed = false;
        const liveFrom = this.published;
        const listener = (block: Block | undefined) => {
            if (!block) {
                closed = true;
            } else {
                live.push(block);
            }
            wake?.();
        };
        this.listeners.add(listener);
        const close = () => {
            closed = true;
            this.listeners.delete(listener);
            wake?.();
        };
        const first = startBlock ?? liveFrom;
        const { getBlock } = this;

        async function* generate(): AsyncGenerator<LedgerBlock> {
            try {
                for (let number = first; number < liveFrom && !closed; number++) {
                    yield toLedgerBlock(await getBlock(number));
                }
                while (!closed) {
                    const block = live.shift();
                    if (block) {
                        if (block.number >= first) {
                            yield toLedgerBlock(block);
                        }
                    } else {
                        await new Promise<void>((resolve) => (wake = resolve));
                        wake = undefined;
                    }
                }
            } finally {
                close();
            }
        }

        const iterator = generate();
        return { close, source: 'embedded', [Symbol.asyncIterator]: () => iterator };
    }

    open(from?: EventPosition): EventStream {
        const live: LedgerEvent[] = [];
        let wake: (() => void) | undefined;
        let closed = false;
        const liveFrom = this.published;
        const listener = (block: Block | undefined) => {
            if (!block) {
                closed = true;
            } else {
                live.push(...eventsOfBlock(block, this.chaincodeName));
            }
            wake?.();
        };
        this.listeners.add(listener);
        const close = () => {
            closed = true;
            this.listeners.delete(listener);
            wake?.();
        };
        const accept = checkpointFilter(from);
        const { chaincodeName, getBlock } = this;

        async function* generate(): AsyncGenerator<LedgerEvent> {
            try {
                if (from) {
                    for (let number = Number(from.blockNumber); number < liveFrom && !closed; number++) {
                        for (const event of eventsOfBlock(await getBlock(number), chaincodeName)) {
                            if (accept(event)) {
                                yield event;
                            }
                        }
                    }
                }
                while (!closed) {
                    const event = live.shift();
                    if (event) {
                        if (accept(event)) {
                            yield event;
                        }
                    } else {
                        await new Promise<void>((resolve) => (wake = resolve));
                        wake = undefined;
                    }
                }
            } finally {
                close();
            }
        }

        const iterator = generate();
        return {
            close,
            [Symbol.asyncIterator]: () => iterator,
        };
    }
}

/** Passes events at or after `from`, skipping those of its block up to and including its transaction. */
function checkpointFilter(from: EventPosition | undefined): (event: LedgerEvent) => boolean {
    if (!from) {
        return () => true;
    }
    let skipping = from.transactionId !== undefined;
    return (event) => {
        if (event.blockNumber < from.blockNumber) {
            return false;
        }
        if (event.blockNumber > from.blockNumber || !skipping) {
            return true;
        }
        if (event.transactionId === from.transactionId) {
            skipping = false;
        }
        return false;
    };
}
