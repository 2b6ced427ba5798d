import * as fs from 'node:fs';
import type { EventPosition } from '../ledger';
import { writeFileAtomic } from '../storage/atomic-file';

/**
 * Where a consumer has got to: the block and transaction of the last event it finished
 * handling. Resuming "after" this position neither repeats that event nor skips the next.
 */
export interface CheckpointStore {
    load(): Promise<EventPosition | undefined>;
    save(position: Required<EventPosition>): Promise<void>;
}

/** One JSON file, replaced atomically on every save so a crash leaves the old or the new position. */
export class FileCheckpointStore implements CheckpointStore {
    constructor(readonly file: string) {}

    async load(): Promise<EventPosition | undefined> {
        if (!fs.existsSync(this.file)) {
            return undefined;
        }
        const saved = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { blockNumber: string; transactionId: string };
        return { blockNumber: BigInt(saved.blockNumber), transactionId: saved.transactionId };
    }

    async save(position: Required<EventPosition>): Promise<void> {
        writeFileAtomic(
            this.file,
            JSON.stringify({ blockNumber: position.blockNumber.toString(), transactionId: position.transactionId }),
        );
    }
}

export class MemoryCheckpointStore implements CheckpointStore {
    private position?: Required<EventPosition>;

    async load(): Promise<EventPosition | undefined> {
        return this.position;
    }

    async save(position: Required<EventPosition>): Promise<void> {
        this.position = position;
    }
}

/** `"12"` or `"12:txid"` (the SSE Last-Event-ID and `?from=` form) as a position. */
export function parsePosition(text: string): EventPosition | undefined {
    const match = /^(\d{1,19})(?::([A-Za-z0-9_-]{1,128}))?$/.exec(text);
    return match ? { blockNumber: BigInt(match[1]), transactionId: match[2] } : undefined;
}

export function formatPosition(position: EventPosition): string {
    return position.transactionId ? `${position.blockNumber}:${position.transactionId}` : String(position.blockNumber);
}
