import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Schema validation without type coercion. A JSON body is taken exactly as sent: `true` is not
 * the string "true", `12345` is not "12345", and a string is not a one-element array. Only the
 * path and query string — where every value arrives as text — are read as the integer or
 * boolean their schema declares (never into arrays).
 */
const common: Options = { removeAdditional: false, allErrors: false, strict: false, useDefaults: true };

const bodyAjv = withFormats(new Ajv({ ...common, coerceTypes: false }));
const urlAjv = withFormats(new Ajv({ ...common, coerceTypes: true }));

/** MSP ids of the consortium members of every gateway built in this process (one consortium). */
const consortiumMembers = new Set<string>();

export function registerConsortiumMembers(mspIds: readonly string[]): void {
    mspIds.forEach((id) => consortiumMembers.add(id));
}

/** Property names that hold an MSP id, anywhere in a body, path or query. */
const mspIdFields = new Set(['mspId', 'custodianMsp', 'homeMsp', 'issuerMsp']);

/**
 * Validation by meaning, added to every route's schemas where the field says what it holds:
 * MSP ids must be consortium members (`format: consortium-msp`), base64 content must decode
 * (`format: base64` wherever `contentEncoding: base64` is declared).
 */
export function addMeaning(schema: unknown, name?: string): void {
    if (!schema || typeof schema !== 'object') {
        return;
    }
    const node = schema as Record<string, unknown>;
    if (node.type === 'string' && node.format === undefined) {
        if (name !== undefined && mspIdFields.has(name)) {
            node.format = 'consortium-msp';
        } else if (node.contentEncoding === 'base64') {
            node.format = 'base64';
        }
    }
    const properties = node.properties as Record<string, unknown> | undefined;
    if (properties && typeof properties === 'object') {
        Object.entries(properties).forEach(([key, child]) => addMeaning(child, key));
    }
    if (node.items) {
        addMeaning(node.items);
    }
}

/** What each format means, for error messages. */
export function formatRule(format: string): string {
    switch (format) {
        case 'consortium-msp':
            return `must be the MSP id of a consortium member: ${[...consortiumMembers].sort().join(', ')}`;
        case 'base64':
            return 'must be base64 (RFC 4648 alphabet, padded to a multiple of 4)';
        case 'date-time':
            return 'must be an ISO 8601 date-time, e.g. 2026-12-05T10:00:00Z';
        case 'date':
            return 'must be an ISO 8601 date, e.g. 2026-12-05';
        default:
            return `must be a valid ${format}`;
    }
}

/** Formats the routes use to validate what a value means, not only its type. */
function withFormats(ajv: Ajv): Ajv {
    addFormats(ajv);
    ajv.addFormat('base64', {
        type: 'string',
        validate: (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text) && !/=[^=]/.test(text),
    });
    ajv.addFormat('consortium-msp', { type: 'string', validate: (id: string) => consortiumMembers.has(id) });
    ajv.addKeyword({ keyword: 'example' });
    return ajv;
}

export const strictValidatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
