/**
 * Sends a batch of rows to the database as columns, one parameter per column, for
 * `INSERT ... SELECT FROM unnest(...)`.
 *
 * Why not plain array parameters: an array parameter is quoted and escaped element by element
 * by the driver and parsed again by the server's array parser; on PGlite (PostgreSQL in
 * WebAssembly) that was two thirds of the ingest time. A column is instead sent as one text,
 * its values joined by U+001E (record separator) with U+001F standing for NULL, and split by the
 * server's `string_to_array` — about three times cheaper on PGlite and cheaper on the driver's
 * side for `pg`. A column holding either control character in any value falls back to an
 * array parameter, so any value is carried exactly.
 *
 * The joined text starts with a marker element (dropped by `[2:]`), so a column of one empty
 * string is not mistaken for an empty column.
 */
export type ColumnValue = string | number | boolean | null;
export type ColumnType = 'text' | 'bigint' | 'int' | 'boolean';

const recordSeparator = '\u001e';
const nullMarker = '\u001f';

/** One column of a batch: its values in row order and its SQL type. */
export type Column = readonly [values: readonly ColumnValue[], type: ColumnType];

/**
 * `unnest(...)` over the columns, with its parameters: `SELECT ... FROM ${sql} AS u(a, b, ...)`.
 * `offset`: parameters already in the statement before these (numbering starts at `$offset+1`).
 */
export function unnestColumns(columns: readonly Column[], offset = 0): { sql: string; params: unknown[] } {
    const batch = new ColumnBatch(offset);
    const arrays = columns.map(([values, type]) => batch.column(values, type));
    return { sql: `unnest(${arrays.join(', ')})`, params: batch.params };
}

class ColumnBatch {
    readonly params: unknown[] = [];

    constructor(private readonly offset: number) {}

    /** Adds a column; returns the SQL expression of its array (an argument of `unnest`). */
    column(values: readonly ColumnValue[], type: ColumnType): string {
        if (
            values.some(
                (value) => typeof value === 'string' && (value.includes(recordSeparator) || value.includes(nullMarker)),
            )
        ) {
            this.params.push(values);
            return `$${this.offset + this.params.length}::${type}[]`;
        }
        let joined = 'c';
        for (const value of values) {
            joined += recordSeparator;
            joined += value === null ? nullMarker : typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
        }
        this.params.push(joined);
        const array = `(string_to_array($${this.offset + this.params.length}, E'\\x1e', E'\\x1f'))[2:]`;
        return type === 'text' ? array : `${array}::${type}[]`;
    }
}
