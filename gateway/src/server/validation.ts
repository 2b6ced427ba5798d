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

/** Formats the routes use to validate what a value means, not only its type. */
function withFormats(ajv: Ajv): Ajv {
    addFormats(ajv);
    ajv.addFormat('base64', {
        type: 'string',
        validate: (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text) && !/=[^=]/.test(text),
    });
    ajv.addKeyword({ keyword: 'example' });
    return ajv;
}

export const strictValidatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
