'use strict';
/**
 * A JSON-LD document loader with no network access: it answers only for the contexts
 * vendored in this folder (GS1 EPCIS 2.0; the W3C and CareLedger contexts when present) and
 * refuses every other URL, so validation never depends on, or silently fetches from, the
 * internet.
 */
const fs = require('node:fs');
const path = require('node:path');

const contexts = new Map([
    [
        'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
        path.join(__dirname, 'epcis', 'gs1', 'epcis-context.jsonld'),
    ],
]);

/** Adds a context served from a local file (or an already parsed object). */
function addContext(url, fileOrObject) {
    contexts.set(url, fileOrObject);
}

async function documentLoader(url) {
    const source = contexts.get(url);
    if (source === undefined) {
        throw new Error(`offline document loader: ${url} is not vendored`);
    }
    const document = typeof source === 'string' ? JSON.parse(fs.readFileSync(source, 'utf8')) : source;
    return { contextUrl: null, documentUrl: url, document };
}

module.exports = { documentLoader, addContext };
