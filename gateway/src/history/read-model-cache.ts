import type { IndexChange } from './ingest';

/**
 * What the read model read from the index, kept in memory while none of the keys it depends on
 * has been written since. The indexer tells the cache every key each database write changed
 * ({@link IndexChange}), so an entry still here is exactly what the database would answer now:
 * the cache moves to the new height and drops only the entries whose keys changed.
 *
 * Two rules keep it exact: an entry is stored only if it was read at the cache's own height
 * (a read that saw a newer height than the cache has heard of is not kept), and only if no change
 * arrived while it was being read (`generation`). A restart of the indexer clears everything.
 */
export class ReadModelCache<T> {
    private readonly entries = new Map<string, { value: T; keys: readonly string[] }>();
    private readonly dependents = new Map<string, Set<string>>();
    private generationValue = 0;
    private heightValue?: number;
    private ledgerTimeValue?: string;

    constructor(private readonly capacity = 100_000) {}

    /** The height every entry reflects; undefined until the first read or after a reset. */
    get height(): number | undefined {
        return this.heightValue;
    }

    get ledgerTime(): string | undefined {
        return this.ledgerTimeValue;
    }

    /** Pass to {@link put}: changes applied after this make the read being done stale. */
    get generation(): number {
        return this.generationValue;
    }

    get(id: string): T | undefined {
        return this.heightValue === undefined ? undefined : this.entries.get(id)?.value;
    }

    /** Keeps `value` (read at `height`, depending on `keys`) unless a change arrived since `generation`. */
    put(
        id: string,
        value: T,
        keys: readonly string[],
        read: { generation: number; height: number; ledgerTime?: string },
    ): void {
        if (read.generation !== this.generationValue) {
            return;
        }
        if (this.heightValue === undefined) {
            this.heightValue = read.height;
            this.ledgerTimeValue = read.ledgerTime;
        } else if (read.height !== this.heightValue) {
            return;
        }
        if (this.entries.size >= this.capacity) {
            this.clear();
            this.heightValue = read.height;
            this.ledgerTimeValue = read.ledgerTime;
        }
        this.entries.set(id, { value, keys });
        for (const key of keys) {
            let ids = this.dependents.get(key);
            if (!ids) {
                ids = new Set();
                this.dependents.set(key, ids);
            }
            ids.add(id);
        }
    }

    /** What the indexer wrote: drop the entries that read any written key, and move to the new height. */
    apply(change: IndexChange): void {
        this.generationValue++;
        if (change.reset) {
            this.clear();
            return;
        }
        for (const key of change.keys) {
            const ids = this.dependents.get(key);
            if (!ids) {
                continue;
            }
            this.dependents.delete(key);
            for (const id of ids) {
                const entry = this.entries.get(id);
                this.entries.delete(id);
                for (const other of entry?.keys ?? []) {
                    this.dependents.get(other)?.delete(id);
                }
            }
        }
        if (this.heightValue !== undefined) {
            this.heightValue = change.height;
            this.ledgerTimeValue = change.ledgerTime ?? this.ledgerTimeValue;
        }
    }

    private clear(): void {
        this.entries.clear();
        this.dependents.clear();
        this.heightValue = undefined;
        this.ledgerTimeValue = undefined;
    }
}
