#!/usr/bin/env node
/**
 * render.js TEMPLATE OUTPUT: replaces every ${NAME} in TEMPLATE with the environment variable
 * NAME and writes OUTPUT. Fails naming the variable when one is unset, so a template never
 * reaches Fabric half-filled. (envsubst would do, but is not installed everywhere.)
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [template, output] = process.argv.slice(2);
if (!template || !output) {
    console.error('usage: render.js TEMPLATE OUTPUT');
    process.exit(2);
}
const missing = new Set();
const text = fs.readFileSync(template, 'utf8').replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name) => {
    const value = process.env[name];
    if (value === undefined) {
        missing.add(name);
        return '';
    }
    return value;
});
if (missing.size) {
    console.error(`${template}: no value for ${[...missing].join(', ')}`);
    process.exit(1);
}
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, text);
