import { compareKeys, inRange } from './key-order';

/**
 * A map whose keys iterate in Fabric's key order, for range scans. Inserts are O(n) in the
 * worst case, which suits a development ledger's thousands of keys.
 */
export class SortedKeyMap<V> {
    private readonly values = new Map<string, V>();
    private readonly keys: string[] = [];

    get size(): number {
        return this.keys.length;
    }

    get(key: string): V | undefined {
        return this.values.get(key);
    }

    has(key: string): boolean {
        return this.values.has(key);
    }

    set(key: string, value: V): void {
        if (!this.values.has(key)) {
            this.keys.splice(this.lowerBound(key), 0, key);
        }
        this.values.set(key, value);
    }

    delete(key: string): void {
        if (this.values.delete(key)) {
            this.keys.splice(this.lowerBound(key), 1);
        }
    }

    /** Entries with start <= key < end (or <= end when `includeEnd`); empty `end` is unbounded. */
    *range(start: string, end: string, includeEnd = false): IterableIterator<[string, V]> {
        for (let i = this.lowerBound(start); i < this.keys.length; i++) {
            const key = this.keys[i];
            if (!inRange(key, start, end, includeEnd)) {
                return;
            }
            yield [key, this.values.get(key) as V];
        }
    }

    *entries(): IterableIterator<[string, V]> {
        for (const key of this.keys) {
            yield [key, this.values.get(key) as V];
        }
    }

    private lowerBound(key: string): number {
        let low = 0;
        let high = this.keys.length;
        while (low < high) {
            const mid = (low + high) >>> 1;
            if (compareKeys(this.keys[mid], key) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
