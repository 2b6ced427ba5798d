import * as fs from 'node:fs';
import type { EventPosition, LedgerEvent } from '../ledger';
import { parsePosition } from './checkpoint-store';
import type { CheckpointStore } from './checkpoint-store';
import { eventToJson } from './event-json';

/**
 * A file of events, one JSON object per line, that is its own checkpoint: the position to
 * resume after is the last complete line's. Writing the event and recording the checkpoint
 * are then one append, so a consumer killed at any instant neither loses nor repeats an
 * event; a line torn by the kill is cut off on restart and written again.
 */
export class JsonLinesSink implements CheckpointStore {
    private fd?: number;

    constructor(readonly file: string) {}

    async load(): Promise<EventPosition | undefined> {
        if (!fs.existsSync(this.file)) {
            return undefined;
        }
        const text = fs.readFileSync(this.file, 'utf8');
        const complete = text.lastIndexOf('\n') + 1;
        if (complete < Buffer.byteLength(text)) {
            fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, complete)));
        }
        const lines = text.slice(0, complete).split('\n').filter(Boolean);
        const last = lines.at(-1);
        return last ? parsePosition((JSON.parse(last) as { position: string }).position) : undefined;
    }

    /** The append in `write` already recorded the position. */
    async save(): Promise<void> {}

    async write(event: LedgerEvent): Promise<void> {
        this.fd ??= fs.openSync(this.file, 'a', 0o600);
        fs.writeSync(this.fd, `${JSON.stringify(eventToJson(event))}\n`);
        fs.fsyncSync(this.fd);
    }

    close(): void {
        if (this.fd !== undefined) {
            fs.closeSync(this.fd);
            this.fd = undefined;
        }
    }
}
