#!/usr/bin/env node
'use strict';
/**
 * Turns EPCIS 2.0 JSON-LD documents into N-Quads with jsonld.js (the JSON-LD 1.1 reference
 * implementation), offline, in safe mode: a term GS1's context does not define is an error
 * rather than silently dropped. rdflib's own JSON-LD parser mishandles GS1's property-scoped
 * redefinition of `type` inside sourceList/destinationList (it fails GS1's own example
 * "Example-Type-sourceOrDestination"), so the SHACL step reads these N-Quads instead.
 * Usage: to-nquads.js OUT_DIR FILE... — writes OUT_DIR/<basename>.nq per document.
 */
const fs = require('node:fs');
const path = require('node:path');
const jsonld = require('jsonld');
const { documentLoader } = require('../jsonld-offline');

async function main([outDir, ...files]) {
    fs.mkdirSync(outDir, { recursive: true });
    let failed = 0;
    for (const file of files) {
        const target = path.join(outDir, `${path.basename(file)}.nq`);
        try {
            const document = JSON.parse(fs.readFileSync(file, 'utf8'));
            const nquads = await jsonld.toRDF(document, { format: 'application/n-quads', documentLoader, safe: true });
            fs.writeFileSync(target, nquads);
        } catch (error) {
            failed += 1;
            const detail = error.details ? ` ${JSON.stringify(error.details).slice(0, 400)}` : '';
            fs.writeFileSync(`${target}.error`, `${error.message}${detail}\n`);
        }
    }
    process.exit(failed ? 1 : 0);
}

main(process.argv.slice(2));
