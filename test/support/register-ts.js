/**
 * Lets a plain `node` child process require the TypeScript sources directly (transpiled on
 * require, no build needed), with `@careledger/chaincode` mapped to chaincode/src as jest maps it.
 * Used by test fixtures that run in a separate process so a test can kill them.
 */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    const mapped = request === '@careledger/chaincode' ? path.join(root, 'chaincode/src/index.ts') : request;
    return resolveFilename.call(this, mapped, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
        },
    });
    module._compile(outputText, filename);
};
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';

module.exports = { root };
