import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CheckpointedConsumer } from '../../gateway/src/events/consumer';
import { FileCheckpointStore } from '../../gateway/src/events/checkpoint-store';
import type { EventPosition, Ledger, LedgerSession } from '../../gateway/src/ledger';

/**
 * The gateway's checkpointed event consumer (gateway/src/events/consumer.ts), with its position
 * in a file, kept running through a fault as a service would run it: when it fails (every peer
 * of its org down), it is started again from its checkpoint a second later. It records each
 * event's transaction id, so the suite checks nothing was lost or repeated.
 */
export class SupervisedConsumer {
    readonly seen: string[] = [];
    restarts = 0;
    private consumer?: CheckpointedConsumer;
    private stopped = false;
    private running?: Promise<void>;
    private readonly dir = mkdtempSync(path.join(tmpdir(), 'careledger-faults-consumer-'));

    private constructor(
        private readonly session: LedgerSession,
        private readonly startAt: EventPosition,
    ) {}

    static async open(ledger: Ledger, org: string, user: string, startAt: EventPosition): Promise<SupervisedConsumer> {
        return new SupervisedConsumer(ledger.connect(await ledger.identities.get(org, user)), startAt);
    }

    start(): void {
        this.running = this.supervise();
    }

    async stop(): Promise<void> {
        this.stopped = true;
        await this.consumer?.stop();
        await this.running;
        rmSync(this.dir, { recursive: true, force: true });
    }

    /** Resolves once every id in `ids` was seen, or after `timeoutMs` (the check then reports what is missing). */
    async caughtUp(ids: readonly string[], timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            const seen = new Set(this.seen);
            if (ids.every((id) => seen.has(id))) {
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
    }

    private async supervise(): Promise<void> {
        const checkpoints = new FileCheckpointStore(path.join(this.dir, 'checkpoint.json'));
        while (!this.stopped) {
            this.consumer = new CheckpointedConsumer({
                session: this.session,
                checkpoints,
                startAt: this.startAt,
                handle: async (event) => {
                    this.seen.push(event.transactionId);
                },
            });
            try {
                await this.consumer.start();
            } catch {
                // every peer of the org unreachable: start again from the checkpoint
            }
            if (!this.stopped) {
                this.restarts++;
                await new Promise((resolve) => setTimeout(resolve, 1_000));
            }
        }
    }
}

/** Event delivery checked against the acknowledged transactions: missing ones, and repeats. */
export function eventCheck(seen: readonly string[], acknowledged: readonly string[]) {
    const counts = new Map<string, number>();
    for (const id of seen) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return {
        missing: acknowledged.filter((id) => !counts.has(id)),
        repeated: [...counts.entries()].filter(([, n]) => n > 1).map(([id]) => id),
    };
}
