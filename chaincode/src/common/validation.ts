import { invalidArgument } from './errors';

/**
 * Argument validation. Each check returns the validated value or throws INVALID_ARGUMENT
 * naming the field and the rule it broke, before the contract reads or writes any state.
 *
 * @example
 * const input = parseJsonArg<RegisterInput>(raw, 'record');
 * const type = requireString(input.type, 'record.type', { max: 64 });
 */
export interface StringRule {
    /** Minimum length (default 1). */
    min?: number;
    /** Maximum length (default 256). */
    max?: number;
    pattern?: RegExp;
    /** Words for the rule `pattern` enforces, used in the error. */
    patternRule?: string;
}

export function requireString(value: unknown, field: string, rule: StringRule = {}): string {
    const { min = 1, max = 256 } = rule;
    if (typeof value !== 'string') {
        throw invalidArgument(field, `must be a string`);
    }
    if (value.length < min) {
        throw invalidArgument(field, min === 1 ? 'is required' : `must be at least ${min} characters`);
    }
    if (value.length > max) {
        throw invalidArgument(field, `must be at most ${max} characters`);
    }
    if (rule.pattern && !rule.pattern.test(value)) {
        throw invalidArgument(field, rule.patternRule ?? `must match ${rule.pattern.source}`);
    }
    return value;
}

export function optionalString(value: unknown, field: string, rule: StringRule = {}): string | undefined {
    return value === undefined || value === null || value === '' ? undefined : requireString(value, field, rule);
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** An identifier chosen by a client: 1–128 characters of letters, digits, `.`, `_`, `:`, `-`. */
export function requireId(value: unknown, field: string): string {
    return requireString(value, field, {
        max: 128,
        pattern: idPattern,
        patternRule: 'must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    });
}

export function requireOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        throw invalidArgument(field, `must be one of ${allowed.join(', ')}`);
    }
    return value as T;
}

export function requireInteger(value: unknown, field: string, range: { min?: number; max?: number } = {}): number {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
        throw invalidArgument(field, 'must be an integer');
    }
    if (range.min !== undefined && n < range.min) {
        throw invalidArgument(field, `must be at least ${range.min}`);
    }
    if (range.max !== undefined && n > range.max) {
        throw invalidArgument(field, `must be at most ${range.max}`);
    }
    return n;
}

const isoPattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO-8601 date or date-time with zone; returned normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function requireIsoDate(value: unknown, field: string): string {
    const text = requireString(value, field, { max: 40 });
    const time = Date.parse(text);
    if (!isoPattern.test(text) || Number.isNaN(time)) {
        throw invalidArgument(field, 'must be an ISO-8601 date or date-time with a time zone');
    }
    return new Date(time).toISOString();
}

export function optionalIsoDate(value: unknown, field: string): string | undefined {
    return value === undefined || value === null || value === '' ? undefined : requireIsoDate(value, field);
}

/** A SHA-256 digest as 64 lowercase hex characters. */
export function requireSha256Hex(value: unknown, field: string): string {
    return requireString(value, field, {
        min: 64,
        max: 64,
        pattern: /^[0-9a-f]{64}$/,
        patternRule: 'must be a SHA-256 digest: 64 lowercase hex characters',
    });
}

/** A SHA-1 digest as FHIR R4's `Attachment.hash` carries it: base64 of 20 bytes (28 characters, one `=`). */
export function requireSha1Base64(value: unknown, field: string): string {
    return requireString(value, field, {
        min: 28,
        max: 28,
        pattern: /^[A-Za-z0-9+/]{27}=$/,
        patternRule: 'must be a SHA-1 digest in base64: 28 characters ending in "=" (FHIR Attachment.hash)',
    });
}

/** An absolute URI with a scheme (`https:`, `s3:`, `urn:` ...). */
export function requireUri(value: unknown, field: string): string {
    return requireString(value, field, {
        max: 2048,
        pattern: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/,
        patternRule: 'must be an absolute URI with a scheme and no spaces',
    });
}

export function requireBoolean(value: unknown, field: string): boolean {
    if (value === true || value === 'true') {
        return true;
    }
    if (value === false || value === 'false') {
        return false;
    }
    throw invalidArgument(field, 'must be true or false');
}

/** Parses a transaction argument that carries a JSON object. */
export function parseJsonArg<T extends object>(raw: string, field: string): T {
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        throw invalidArgument(field, 'must be a JSON object');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalidArgument(field, 'must be a JSON object');
    }
    return value as T;
}

export function requireArray<T>(value: unknown, field: string, range: { min?: number; max?: number } = {}): T[] {
    if (!Array.isArray(value)) {
        throw invalidArgument(field, 'must be an array');
    }
    const { min = 0, max = 10_000 } = range;
    if (value.length < min) {
        throw invalidArgument(field, min === 1 ? 'must not be empty' : `must have at least ${min} items`);
    }
    if (value.length > max) {
        throw invalidArgument(field, `must have at most ${max} items`);
    }
    return value as T[];
}
