import type { EventPosition, EventStream, LedgerEvent, LedgerSession } from '../ledger';
import type { CheckpointStore } from './checkpoint-store';

/**
 * A checkpointed chaincode-event consumer. Each event is handed to `handle`; only when
 * `handle` resolves is its position saved, so a consumer stopped at any moment resumes at the
 * first event it had not finished: none lost, and none repeated unless the stop fell between
 * a handler's side effect and the save (handlers that must be exactly-once dedupe on the
 * transaction id, which is why webhooks carry it as their idempotency key).
 */
export interface ConsumerOptions {
    session: LedgerSession;
    checkpoints: CheckpointStore;
    handle: (event: LedgerEvent) => Promise<void>;
    /** Where to start when no checkpoint exists; default: only new events. */
    startAt?: EventPosition;
    /** Only events whose name starts with one of these, e.g. `['supply.']`; skipped events still advance the checkpoint. */
    eventNames?: readonly string[];
}

export class CheckpointedConsumer {
    private stream?: EventStream;
    private stopped = false;
    private running?: Promise<void>;

    constructor(private readonly options: ConsumerOptions) {}

    /** Starts consuming; the returned promise settles when the consumer stops or fails. */
    start(): Promise<void> {
        this.running ??= this.run();
        return this.running;
    }

    async stop(): Promise<void> {
        this.stopped = true;
        this.stream?.close();
        await this.running?.catch(() => undefined);
    }

    private async run(): Promise<void> {
        const from = (await this.options.checkpoints.load()) ?? this.options.startAt;
        if (this.stopped) {
            return;
        }
        this.stream = await this.options.session.events(from ? { from } : {});
        if (this.stopped) {
            this.stream.close();
            return;
        }
        for await (const event of this.stream) {
            if (this.stopped) {
                break;
            }
            if (this.wanted(event)) {
                await this.options.handle(event);
            }
            await this.options.checkpoints.save({ blockNumber: event.blockNumber, transactionId: event.transactionId });
        }
    }

    private wanted(event: LedgerEvent): boolean {
        const names = this.options.eventNames;
        return !names || names.length === 0 || names.some((prefix) => event.eventName.startsWith(prefix));
    }
}
