import { ClassicLevel } from 'classic-level';
import { mkdir } from 'node:fs/promises';
import { decode, encode } from './codec';
import type { Block } from './types';
import type { StateChange, WorldState } from './world-state';

/**
 * Where the embedded ledger keeps blocks and state. A block is written first; its state
 * changes follow in one batch together with the new state height, so on open any block the
 * state has not yet absorbed (a crash between the two writes) is applied again.
 */
export interface LedgerStore {
    /** Number of blocks stored. */
    readonly blockCount: number;
    /** Loads the persisted state into `state` (which must be empty) and returns its height. */
    loadState(state: WorldState): Promise<number>;
    appendBlock(block: Block): Promise<void>;
    commitState(height: number, changes: StateChange[]): Promise<void>;
    getBlock(number: number): Promise<Block>;
    close(): Promise<void>;
}

export class MemoryStore implements LedgerStore {
    private readonly blocks: Block[] = [];

    get blockCount(): number {
        return this.blocks.length;
    }

    async loadState(): Promise<number> {
        return 0;
    }

    async appendBlock(block: Block): Promise<void> {
        this.blocks.push(block);
    }

    async commitState(): Promise<void> {}

    async getBlock(number: number): Promise<Block> {
        const block = this.blocks[number];
        if (!block) {
            throw new Error(`block ${number} does not exist`);
        }
        return block;
    }

    async close(): Promise<void> {}
}

const heightKey = 'meta!height';
const blockKey = (number: number) => `block!${number.toString().padStart(12, '0')}`;
const pad = (n: number) => n.toString().padStart(12, '0');

/** Blocks and state in one LevelDB (classic-level), the store Fabric peers use for state. */
export class LevelStore implements LedgerStore {
    private count = 0;

    private constructor(private readonly db: ClassicLevel<string, string>) {}

    static async open(folder: string): Promise<LevelStore> {
        await mkdir(folder, { recursive: true, mode: 0o700 });
        const db = new ClassicLevel<string, string>(folder, { valueEncoding: 'utf8' });
        try {
            await db.open();
        } catch (error) {
            throw new Error(
                `cannot open the embedded ledger at ${folder} (is another process using it?): ${(error as Error).message}`,
            );
        }
        const store = new LevelStore(db);
        for await (const key of db.keys({ gte: 'block!', lt: 'block"', reverse: true, limit: 1 })) {
            store.count = Number(key.slice('block!'.length)) + 1;
        }
        return store;
    }

    get blockCount(): number {
        return this.count;
    }

    async loadState(state: WorldState): Promise<number> {
        for await (const value of this.db.values({ gte: 'state!', lt: 'state"' })) {
            state.restore(decode<StateChange>(value));
        }
        const height = await this.db.get(heightKey);
        return height === undefined ? 0 : Number(height);
    }

    /**
     * The commit point: the block is on disk, fsynced (LevelDB's `sync`), before any of its
     * submitters is told it committed, so an acknowledged transaction survives kill -9 and power
     * loss. One fsync per block; the state batch that follows is not synced: a state lost with
     * the power is rebuilt from the block on open.
     */
    async appendBlock(block: Block): Promise<void> {
        await this.db.put(blockKey(block.number), encode(block), { sync: true });
        this.count = block.number + 1;
    }

    async commitState(height: number, changes: StateChange[]): Promise<void> {
        const batch = this.db.batch();
        for (const change of changes) {
            const key = stateKey(change);
            const deleted =
                (change.space === 'public' || change.space === 'private' || change.space === 'hash') &&
                change.value === null;
            if (deleted) {
                batch.del(key);
            } else {
                batch.put(key, encode(change));
            }
        }
        batch.put(heightKey, String(height));
        await batch.write();
    }

    async getBlock(number: number): Promise<Block> {
        const value = await this.db.get(blockKey(number));
        if (value === undefined) {
            throw new Error(`block ${number} does not exist`);
        }
        return decode<Block>(value);
    }

    async close(): Promise<void> {
        await this.db.close();
    }
}

function stateKey(change: StateChange): string {
    switch (change.space) {
        case 'public':
            return `state!p!${change.key}`;
        case 'private':
            return `state!v!${change.collection}!${change.key}`;
        case 'hash':
            return `state!h!${change.collection}!${change.keyHash}`;
        case 'history':
            // Block and transaction first, so loading replays history in commit order.
            return `state!y!${pad(change.entry.version.blockNum)}!${pad(change.entry.version.txNum)}!${change.key}`;
        case 'txid':
            return `state!t!${change.txId}`;
    }
}
