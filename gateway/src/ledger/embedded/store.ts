import { ClassicLevel } from 'classic-level';
import { mkdir } from 'node:fs/promises';
import { decode, encode } from './codec';
import type { PrivateDataOfBlock } from './ledger-block';
import type { Block } from './types';
import type { StateChange, WorldState } from './world-state';

/**
 * Where the embedded ledger keeps blocks and state. A block is written first, with its private
 * data beside it (blocks hold only hashes of private data); its state changes follow in one
 * batch together with the new state height, which also drops the block's private data (the state
 * holds it now, and a purge must leave no other copy). On open any block the state has not yet
 * absorbed (a crash between the two writes) is applied again, with its private data.
 */
export interface LedgerStore {
    /** Number of blocks stored. */
    readonly blockCount: number;
    /** Loads the persisted state into `state` (which must be empty) and returns its height. */
    loadState(state: WorldState): Promise<number>;
    appendBlock(block: Block, privateData: PrivateDataOfBlock): Promise<void>;
    /** Applies `changes` and drops the private data of block `height - 1`. */
    commitState(height: number, changes: StateChange[]): Promise<void>;
    getBlock(number: number): Promise<Block>;
    /** The private data of a block whose state is not yet committed; empty otherwise. */
    getPrivateData(number: number): Promise<PrivateDataOfBlock>;
    close(): Promise<void>;
}

export class MemoryStore implements LedgerStore {
    private readonly blocks: Block[] = [];
    private readonly privateData = new Map<number, PrivateDataOfBlock>();

    get blockCount(): number {
        return this.blocks.length;
    }

    async loadState(): Promise<number> {
        return 0;
    }

    async appendBlock(block: Block, privateData: PrivateDataOfBlock): Promise<void> {
        this.blocks.push(block);
        this.privateData.set(block.number, privateData);
    }

    async commitState(height: number): Promise<void> {
        this.privateData.delete(height - 1);
    }

    async getPrivateData(number: number): Promise<PrivateDataOfBlock> {
        return this.privateData.get(number) ?? {};
    }

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
const privateDataKey = (number: number) => `pvt!${number.toString().padStart(12, '0')}`;
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
     * The commit point: the block (with its private data beside it) is on disk, fsynced
     * (LevelDB's `sync`), before any of its submitters is told it committed, so an acknowledged
     * transaction survives kill -9 and power loss. One fsync per block; the state batch that
     * follows is not synced: a state lost with the power is rebuilt from the block on open.
     */
    async appendBlock(block: Block, privateData: PrivateDataOfBlock): Promise<void> {
        if (Object.keys(privateData).length === 0) {
            await this.db.put(blockKey(block.number), encode(block), { sync: true });
        } else {
            await this.db
                .batch()
                .put(blockKey(block.number), encode(block))
                .put(privateDataKey(block.number), encode(privateData))
                .write({ sync: true });
        }
        this.count = block.number + 1;
    }

    async getPrivateData(number: number): Promise<PrivateDataOfBlock> {
        const value = await this.db.get(privateDataKey(number));
        return value === undefined ? {} : decode<PrivateDataOfBlock>(value);
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
        batch.del(privateDataKey(height - 1));
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
