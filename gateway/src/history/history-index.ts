import type { LedgerSession } from '../ledger';
import { openHistoryDatabase, type HistoryDatabase } from './database';
import { HistoryIndexer, type IndexerOptions, type IndexerStatus } from './ingest';
import { migrate, schemaVersion } from './migrations';
import { VerificationReadModel, type VerdictInputs } from './read-model';
import { ReadModelCache } from './read-model-cache';
import { HistoryStore } from './store';
import { verifyIndex, type VerifyOptions, type VerifyReport } from './verify';

export interface HistoryIndexOptions {
    /** `postgres://...`, a PGlite folder, or `memory://` (see DatabaseConfig). */
    databaseUrl: string;
    /** The org's session whose peer's blocks are indexed. */
    session: LedgerSession;
    /** Names the ledger followed, e.g. `embedded:careledger/careledger`. */
    source: string;
    indexer?: Omit<IndexerOptions, 'store' | 'session' | 'source'>;
}

export interface HistoryStatus extends IndexerStatus {
    database: 'pglite' | 'postgres';
    schemaVersion: number;
    /** Blocks the org's peer holds; undefined when the ledger could not be asked. */
    ledgerHeight?: number;
    /** Blocks the index is behind the ledger. */
    lag?: number;
}

/**
 * The history index of one org: its database (migrated on open), the block listener that
 * feeds it and verification against the ledger. Queries go through {@link HistoryQueries}
 * over `store`. It reads blocks through the ledger interface and never writes to the ledger.
 */
export class HistoryIndex {
    readonly indexer: HistoryIndexer;
    readonly store: HistoryStore;
    /** Verification from this index, its cache kept exact by this index's own indexer. */
    readonly readModel: VerificationReadModel;

    private constructor(
        readonly db: HistoryDatabase,
        private readonly options: HistoryIndexOptions,
        private version: number,
    ) {
        this.store = new HistoryStore(db);
        const cache = new ReadModelCache<VerdictInputs>();
        this.readModel = new VerificationReadModel(db, cache);
        this.indexer = new HistoryIndexer({
            ...options.indexer,
            onChange: (change) => {
                cache.apply(change);
                options.indexer?.onChange?.(change);
            },
            store: this.store,
            session: options.session,
            source: options.source,
        });
    }

    static async open(options: HistoryIndexOptions): Promise<HistoryIndex> {
        const db = await openHistoryDatabase({ url: options.databaseUrl });
        try {
            await migrate(db);
            return new HistoryIndex(db, options, await schemaVersion(db));
        } catch (error) {
            await db.close().catch(() => undefined);
            throw error;
        }
    }

    /** Follows the ledger in the background until {@link close}. */
    start(): void {
        this.indexer.start();
    }

    /**
     * Ingests until the index holds every block the ledger had when called. `onProgress` gets
     * the index height and the target after every database write.
     */
    async catchUp(onProgress?: (indexed: number, target: number) => void): Promise<IndexerStatus> {
        const target = Number(await this.options.session.chainHeight());
        const wasRunning = this.indexer.status().state === 'running' || this.indexer.status().state === 'retrying';
        const progress = setInterval(() => onProgress?.(this.indexer.status().indexedHeight, target), 200);
        try {
            this.indexer.start();
            await Promise.race([this.indexer.waitFor(target), this.brokenOrStopped()]);
            onProgress?.(this.indexer.status().indexedHeight, target);
        } finally {
            clearInterval(progress);
            if (!wasRunning) {
                await this.indexer.stop();
            }
        }
        return this.indexer.status();
    }

    verify(options?: VerifyOptions): Promise<VerifyReport> {
        return verifyIndex(this.store, this.options.session, options);
    }

    async status(): Promise<HistoryStatus> {
        const status = this.indexer.status();
        const indexedHeight = await this.store.height().catch(() => status.indexedHeight);
        let ledgerHeight: number | undefined;
        try {
            ledgerHeight = Number(await this.options.session.chainHeight());
        } catch {
            ledgerHeight = undefined;
        }
        return {
            ...status,
            indexedHeight,
            database: this.db.kind,
            schemaVersion: this.version,
            ledgerHeight,
            lag: ledgerHeight === undefined ? undefined : Math.max(0, ledgerHeight - indexedHeight),
        };
    }

    async close(): Promise<void> {
        await this.indexer.stop();
        await this.db.close();
    }

    private async brokenOrStopped(): Promise<void> {
        while (!['broken', 'stopped'].includes(this.indexer.status().state)) {
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }
}
