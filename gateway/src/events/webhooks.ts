import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenGrant } from '../auth/token-store';
import type { EventPosition, LedgerEvent, LedgerSession } from '../ledger';
import { backoffDelay } from '../ledger/retry';
import { writeFileAtomic } from '../storage/atomic-file';
import { open, seal } from '../storage/sealing';
import {
    FileCheckpointStore,
    formatPosition,
    MemoryCheckpointStore,
    parsePosition,
    type CheckpointStore,
} from './checkpoint-store';
import { CheckpointedConsumer } from './consumer';
import { eventReaderOf, readerMayReceive } from './audience';
import { eventToJson } from './event-json';

/**
 * Webhooks: chaincode events POSTed to registered URLs, in commit order, at least once. Each
 * delivery carries `Idempotency-Key: <transaction id>`; a receiver that has seen the key
 * already can acknowledge and ignore it. A failed delivery is retried with capped exponential
 * backoff until the receiver answers 2xx, and later events wait for it (order is kept).
 *
 * A new webhook receives the events committed after it starts, or from a given position. Each webhook reads the event
 * stream as the identity that registered it; that grant (org, user, certificate) is stored
 * sealed (AES-256-GCM) next to the registration and turned back into a session on start.
 */
export interface WebhookRegistration {
    id: string;
    url: string;
    /** Event-name prefixes to deliver, e.g. `['supply.']`; empty means all. */
    eventNames: string[];
    /** Who registered it: `org/user`. */
    owner: string;
    createdAt: string;
}

interface StoredWebhook extends WebhookRegistration {
    sealedIdentity: string;
    /** Where delivery starts before the first checkpoint (`block[:txId]`); absent: events after start. */
    from?: string;
}

export interface WebhookOptions {
    /** Folder for registrations and checkpoints; undefined keeps them in memory. */
    dir?: string;
    key: Buffer;
    /** A session for the stored grant of the identity that registered a webhook. */
    connect: (grant: TokenGrant) => Promise<LedgerSession>;
    /** Per-attempt timeout (default 10 s). */
    timeoutMs?: number;
    /** Backoff between attempts (defaults: 500 ms doubling to 60 s). */
    baseDelayMs?: number;
    maxDelayMs?: number;
    onDelivery?: (
        registration: WebhookRegistration,
        event: LedgerEvent,
        outcome: { status?: number; error?: string; attempt: number },
    ) => void;
}

export class WebhookDispatcher {
    private readonly hooks = new Map<string, StoredWebhook>();
    private readonly consumers = new Map<string, CheckpointedConsumer>();
    private readonly memoryCheckpoints = new Map<string, CheckpointStore>();
    private closed = false;

    constructor(private readonly options: WebhookOptions) {
        if (options.dir && fs.existsSync(this.registryFile())) {
            for (const hook of JSON.parse(fs.readFileSync(this.registryFile(), 'utf8')) as StoredWebhook[]) {
                this.hooks.set(hook.id, hook);
            }
        }
    }

    /** Starts delivery for every stored registration (after a restart, from its checkpoint). */
    start(): void {
        for (const hook of this.hooks.values()) {
            this.startConsumer(hook);
        }
    }

    register(
        input: { url: string; eventNames?: string[]; owner: string; grant: TokenGrant; from?: EventPosition },
        now = new Date(),
    ): WebhookRegistration {
        const id = randomUUID();
        const hook: StoredWebhook = {
            id,
            url: input.url,
            eventNames: input.eventNames ?? [],
            owner: input.owner,
            createdAt: now.toISOString(),
            from: input.from && formatPosition(input.from),
            sealedIdentity: seal(this.options.key, Buffer.from(JSON.stringify(input.grant)), id).toString('base64'),
        };
        this.hooks.set(id, hook);
        this.persist();
        this.startConsumer(hook);
        return publicView(hook);
    }

    list(owner?: string): WebhookRegistration[] {
        return [...this.hooks.values()].filter((h) => !owner || h.owner === owner).map(publicView);
    }

    get(id: string): WebhookRegistration | undefined {
        const hook = this.hooks.get(id);
        return hook && publicView(hook);
    }

    async remove(id: string): Promise<boolean> {
        const hook = this.hooks.get(id);
        if (!hook) {
            return false;
        }
        this.hooks.delete(id);
        this.persist();
        await this.consumers.get(id)?.stop();
        this.consumers.delete(id);
        if (this.options.dir) {
            fs.rmSync(this.checkpointFile(id), { force: true });
        }
        return true;
    }

    async close(): Promise<void> {
        this.closed = true;
        await Promise.all([...this.consumers.values()].map((c) => c.stop()));
        this.consumers.clear();
    }

    /** Runs the webhook's consumer until closed or removed, reopening the stream after a failure. */
    private startConsumer(hook: StoredWebhook): void {
        const grant = JSON.parse(
            open(this.options.key, Buffer.from(hook.sealedIdentity, 'base64'), hook.id).toString('utf8'),
        ) as TokenGrant;
        const active = () => !this.closed && this.hooks.has(hook.id);
        const loop = async () => {
            for (let failures = 0; active();) {
                try {
                    const session = await this.options.connect(grant);
                    // The same rule as every stream: the registering admin receives only what they may see.
                    const reader = await eventReaderOf(session, grant.identity);
                    const consumer = new CheckpointedConsumer({
                        session,
                        checkpoints: this.checkpoints(hook.id),
                        startAt: hook.from ? parsePosition(hook.from) : undefined,
                        eventNames: hook.eventNames,
                        handle: async (event) => {
                            if (readerMayReceive(reader, event)) {
                                await this.deliver(hook, event);
                            }
                        },
                    });
                    this.consumers.set(hook.id, consumer);
                    if (!active()) {
                        return;
                    }
                    await consumer.start();
                    failures = 0;
                } catch {
                    failures += 1;
                }
                if (active()) {
                    await sleep(backoffDelay(Math.min(failures + 1, 8), { baseDelayMs: 200, maxDelayMs: 30_000 }));
                }
            }
        };
        void loop();
    }

    private async deliver(hook: StoredWebhook, event: LedgerEvent): Promise<void> {
        const body = JSON.stringify(eventToJson(event));
        for (let attempt = 1; !this.closed && this.hooks.has(hook.id); attempt++) {
            try {
                const response = await fetch(hook.url, {
                    method: 'POST',
                    headers: {
                        'content-type': 'application/json',
                        'idempotency-key': event.transactionId,
                        'careledger-event': event.eventName,
                        'careledger-webhook': hook.id,
                    },
                    body,
                    signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
                });
                this.options.onDelivery?.(publicView(hook), event, { status: response.status, attempt });
                await response.body?.cancel();
                if (response.ok) {
                    return;
                }
            } catch (error) {
                this.options.onDelivery?.(publicView(hook), event, { error: (error as Error).message, attempt });
            }
            const delay = backoffDelay(attempt, {
                baseDelayMs: this.options.baseDelayMs ?? 500,
                maxDelayMs: this.options.maxDelayMs ?? 60_000,
                // Never zero: a receiver that is down should not be hammered.
                random: () => 0.5 + Math.random() / 2,
            });
            await sleep(delay);
        }
        // Closed or removed mid-delivery: throwing stops the consumer before it saves a checkpoint.
        throw new Error('webhook stopped before delivery');
    }

    private checkpoints(id: string): CheckpointStore {
        if (this.options.dir) {
            return new FileCheckpointStore(this.checkpointFile(id));
        }
        let store = this.memoryCheckpoints.get(id);
        if (!store) {
            store = new MemoryCheckpointStore();
            this.memoryCheckpoints.set(id, store);
        }
        return store;
    }

    private registryFile(): string {
        return path.join(this.options.dir ?? '', 'webhooks.json');
    }

    private checkpointFile(id: string): string {
        return path.join(this.options.dir ?? '', `${id}.checkpoint.json`);
    }

    private persist(): void {
        if (this.options.dir) {
            writeFileAtomic(this.registryFile(), JSON.stringify([...this.hooks.values()], null, 1));
        }
    }
}

function publicView(hook: StoredWebhook): WebhookRegistration {
    return {
        id: hook.id,
        url: hook.url,
        eventNames: [...hook.eventNames],
        owner: hook.owner,
        createdAt: hook.createdAt,
    };
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
