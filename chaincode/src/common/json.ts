import stringify from 'json-stringify-deterministic';

/**
 * Serialises a value for world state, private data or an event payload. Keys are sorted
 * and undefined members dropped, so every endorsing peer writes byte-identical values.
 */
export function toBytes(value: unknown): Uint8Array {
    return Buffer.from(stringify(value), 'utf8');
}

export function toJson(value: unknown): string {
    return stringify(value);
}

export function fromBytes<T>(bytes: Uint8Array): T {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
