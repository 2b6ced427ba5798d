#!/usr/bin/env node
/**
 * The `careledger` command (package bin): runs the compiled CLI, building the project first
 * when it has not been built yet (a fresh `npm ci`), so `npx careledger ...` works at once.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const gateway = path.resolve(__dirname, '..');
const root = path.resolve(gateway, '..');
const compiled = path.join(gateway, 'dist', 'cli', 'main.js');

if (!fs.existsSync(compiled)) {
    process.stderr.write('careledger: building the project first (npm run build), once\n');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root, gateway] });
    const built = spawnSync(process.execPath, [tsc, '-b', 'chaincode', 'gateway'], {
        cwd: root,
        stdio: ['ignore', 2, 2],
    });
    if (built.status !== 0) {
        process.stderr.write('careledger: the build failed; run npm run build to see why\n');
        process.exit(1);
    }
}

require(compiled)
    .run(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
