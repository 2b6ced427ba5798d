import { LedgerError } from '../ledger';

/** Deepest nesting of objects and arrays a JSON body may have. No route needs more than 8. */
export const maxJsonDepth = 32;

/** Keys that could reach an object's prototype if code ever merged the body into another object. */
const poisonKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses a JSON request body strictly: valid JSON, at most `maxJsonDepth` levels, and no
 * `__proto__`, `constructor` or `prototype` key anywhere. Each refusal is INVALID_ARGUMENT
 * naming the field, instead of a generic "not valid JSON".
 */
export function parseJsonBody(text: string): unknown {
    if (text.trim() === '') {
        throw new LedgerError('INVALID_ARGUMENT', 'body is empty; send a JSON object', { field: 'body' });
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new LedgerError('INVALID_ARGUMENT', `body is not valid JSON (${(error as Error).message})`, {
            field: 'body',
        });
    }
    checkShape(value, 'body', 1);
    return value;
}

function checkShape(value: unknown, path: string, depth: number): void {
    if (value === null || typeof value !== 'object') {
        return;
    }
    if (depth > maxJsonDepth) {
        throw new LedgerError('INVALID_ARGUMENT', `JSON nests deeper than ${maxJsonDepth} levels`, { field: path });
    }
    if (Array.isArray(value)) {
        value.forEach((item, i) => checkShape(item, `${path}.${i}`, depth + 1));
        return;
    }
    for (const key of Object.keys(value)) {
        const field = `${path}.${key}`;
        if (poisonKeys.has(key)) {
            throw new LedgerError('INVALID_ARGUMENT', `the key "${key}" is not accepted anywhere in a body`, {
                field,
            });
        }
        checkShape((value as Record<string, unknown>)[key], field, depth + 1);
    }
}
