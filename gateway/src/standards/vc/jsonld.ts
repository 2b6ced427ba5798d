import { documentLoader } from './contexts';

/**
 * jsonld.js (Digital Bazaar, the JSON-LD reference implementation; CommonJS) with the offline
 * loader, in safe mode: a term no context defines, a relative IRI or a dropped value is an
 * error, not silently lost data that a signature would then fail to cover.
 */
interface JsonLd {
    canonize(input: object, options: object): Promise<string>;
    expand(input: object, options: object): Promise<object[]>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonld = require('jsonld') as JsonLd;

/** RDF Dataset Canonicalization (RDFC-1.0) to N-Quads, as the `ecdsa-rdfc-2019` cryptosuite specifies. */
export function canonize(document: object): Promise<string> {
    return jsonld.canonize(document, {
        algorithm: 'RDFC-1.0',
        format: 'application/n-quads',
        documentLoader,
        safe: true,
        base: null,
        rdfDirection: 'i18n-datatype',
    });
}

/** Expands in safe mode: throws for any term, type or IRI no context defines. */
export function expandSafely(document: object): Promise<object[]> {
    return jsonld.expand(document, { documentLoader, safe: true, base: null });
}
