#!/usr/bin/env node
'use strict';
/**
 * Runs the standards' own validators over the artefacts a scenario run kept
 * (CARELEDGER_ARTEFACTS: one sub-folder per standard, written by test/interop/artefacts.ts),
 * after proving each validator on controls: GS1's own examples must pass and known-bad
 * documents must fail, so a validator that accepts everything cannot pass CI.
 *   node tools/validators/run.js ARTEFACT_DIR
 * Installs what it needs idempotently (a cached Python venv from PyPI). Exit 1 when a
 * standard has no artefact, a control misbehaves or an artefact fails.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const [artefacts] = process.argv.slice(2);
if (!artefacts) {
    console.error('usage: run.js ARTEFACT_DIR');
    process.exit(2);
}

function sh(command, args, options = {}) {
    const result = spawnSync(command, args, {
        stdio: options.capture ? 'pipe' : 'inherit',
        encoding: 'utf8',
        ...options,
    });
    return { ok: result.status === 0, stdout: (result.stdout ?? '').trim(), stderr: (result.stderr ?? '').trim() };
}

const summary = [];
let failed = false;

function step(name, ok, detail = '') {
    summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
    failed ||= !ok;
}

function count(dir) {
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.json(ld)?$/.test(f)).length : 0;
}

// EPCIS 2.0: GS1 JSON Schema, GS1 SHACL shapes, GS1 reference event hash.
{
    const setup = sh('bash', [path.join(here, 'setup-python.sh')], { capture: true });
    if (!setup.ok) {
        step('EPCIS validators install (PyPI)', false, setup.stderr.split('\n').slice(-3).join(' '));
    } else {
        const python = setup.stdout.split('\n').pop();
        const validate = path.join(here, 'epcis', 'validate.py');
        const controls = path.join(here, 'epcis', 'controls');
        const quiet = { capture: true };
        // GS1's examples carry illustrative eventIDs, so only their schema and shapes are checked.
        const pass = sh(python, [validate, '--no-hash', path.join(controls, 'pass')], quiet);
        step('EPCIS control: GS1 examples accepted (schema, shapes)', pass.ok, pass.stdout.split('\n').pop());
        const reject = sh(python, [validate, '--expect-fail', path.join(controls, 'fail')], quiet);
        step('EPCIS control: known-bad documents rejected', reject.ok, reject.stdout.split('\n').pop());
        const dir = path.join(artefacts, 'epcis');
        if (count(dir) === 0) {
            step('EPCIS artefacts', false, `none in ${dir}: the scenario run kept no EPCIS document`);
        } else {
            const run = sh(python, [validate, dir], quiet);
            const lines = run.stdout.split('\n');
            if (!run.ok) console.log(lines.filter((l) => !l.startsWith('ok ')).join('\n'));
            step('EPCIS artefacts', run.ok, lines.pop());
        }
    }
}

console.log(`\nstandards validators over ${artefacts}:\n${summary.join('\n')}`);
process.exit(failed ? 1 : 0);
