import { LedgerError } from '../ledger';

/**
 * Query input for the index: every field is named and checked here, so a bad value is a 400
 * naming the field, and an unknown field is refused rather than silently ignored.
 */
export type RawQuery = Record<string, unknown>;

export function invalid(field: string, detail: string): LedgerError {
    return new LedgerError('INVALID_ARGUMENT', detail, { field });
}

/** Throws INVALID_ARGUMENT naming the first field of `query` that is not in `allowed`. */
export function onlyFields(query: RawQuery, allowed: readonly string[]): void {
    for (const field of Object.keys(query)) {
        if (!allowed.includes(field)) {
            throw invalid(field, `unknown field; allowed: ${allowed.join(', ')}`);
        }
    }
}

export function text(
    query: RawQuery,
    field: string,
    options: { required?: boolean; max?: number; pattern?: RegExp } = {},
): string | undefined {
    const value = query[field];
    if (value === undefined || value === '') {
        if (options.required) {
            throw invalid(field, 'is required');
        }
        return undefined;
    }
    if (typeof value !== 'string') {
        throw invalid(field, 'must be given once, as text');
    }
    if (value.length > (options.max ?? 256)) {
        throw invalid(field, `must be at most ${options.max ?? 256} characters`);
    }
    if (options.pattern && !options.pattern.test(value)) {
        throw invalid(field, `must match ${options.pattern}`);
    }
    return value;
}

export function oneOf<T extends string>(query: RawQuery, field: string, values: readonly T[]): T | undefined {
    const value = text(query, field);
    if (value !== undefined && !(values as readonly string[]).includes(value)) {
        throw invalid(field, `must be one of ${values.join(', ')}`);
    }
    return value as T | undefined;
}

export function bool(query: RawQuery, field: string): boolean | undefined {
    const value = oneOf(query, field, ['true', 'false']);
    return value === undefined ? undefined : value === 'true';
}

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO-8601 date or date-time, as the index's UTC text (milliseconds). */
export function date(query: RawQuery, field: string): string | undefined {
    const value = text(query, field, { max: 40 });
    if (value === undefined) {
        return undefined;
    }
    const parsed = isoDate.test(value) ? new Date(value) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime())) {
        throw invalid(field, 'must be an ISO-8601 date (2026-01-31) or date-time (2026-01-31T12:00:00Z)');
    }
    return parsed.toISOString();
}

/** `from` ≤ `to`, and no wider than `maxDays` when both are given. */
export function timeRange(query: RawQuery, maxDays = 400): { from?: string; to?: string } {
    const from = date(query, 'from');
    const to = date(query, 'to');
    if (from && to) {
        if (from > to) {
            throw invalid('to', 'must not be before from');
        }
        if (Date.parse(to) - Date.parse(from) > maxDays * 86_400_000) {
            throw invalid('to', `the range from..to may span at most ${maxDays} days`);
        }
    }
    return { from, to };
}

export function limit(query: RawQuery, max = 500, fallback = 100): number {
    const value = text(query, 'limit', { max: 6 });
    if (value === undefined) {
        return fallback;
    }
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
        throw invalid('limit', `must be a whole number from 1 to ${max}`);
    }
    return Number(value);
}

export function integer(query: RawQuery, field: string, min = 0): number | undefined {
    const value = text(query, field, { max: 16 });
    if (value === undefined) {
        return undefined;
    }
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
        throw invalid(field, `must be a whole number, at least ${min}`);
    }
    return Number(value);
}

/**
 * A page position: the sort key of the last row of the previous page, opaque to clients
 * (base64url JSON tagged with the query it belongs to). Rows never move in the index, so a
 * cursor stays valid as blocks are added.
 */
export function encodeCursor(kind: string, key: readonly (string | number)[]): string {
    return Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
}

export function cursor(
    query: RawQuery,
    kind: string,
    shape: ReadonlyArray<'string' | 'number'>,
): Array<string | number> | undefined {
    const value = text(query, 'cursor', { max: 1024 });
    if (value === undefined) {
        return undefined;
    }
    let decoded: unknown;
    try {
        decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    } catch {
        throw invalid('cursor', 'is not a cursor this API issued');
    }
    if (
        !Array.isArray(decoded) ||
        decoded[0] !== kind ||
        decoded.length !== shape.length + 1 ||
        !shape.every((type, i) => typeof decoded[i + 1] === type)
    ) {
        throw invalid('cursor', `is not a cursor of this query (${kind})`);
    }
    return decoded.slice(1) as Array<string | number>;
}
