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

// W3C VC 2.0: Digital Bazaar's verifier ran while the gateways answered (test/interop/vc-verifier.ts,
// tools/validators/vc/verify.mjs) and kept its reports; here every credential and presentation the run
// kept must be covered by a report that verified it, or failed it exactly as the test meant (a status
// bit, a withdrawn issuer); the negative controls must all have failed.
{
    const { createHash } = require('node:crypto');
    const dir = path.join(artefacts, 'vc');
    const reportDir = path.join(artefacts, 'vc-reports');
    const reports = fs.existsSync(reportDir)
        ? fs.readdirSync(reportDir).map((f) => JSON.parse(fs.readFileSync(path.join(reportDir, f), 'utf8')))
        : [];
    const versions = reports[0]
        ? Object.entries(reports[0].verifier)
              .map(([n, v]) => `${n} ${v}`)
              .join(', ')
        : '';
    const entries = reports.flatMap((r) => r.reports);
    const byHash = new Map();
    for (const entry of entries.filter((e) => !e.control)) {
        byHash.set(entry.sha256, [...(byHash.get(entry.sha256) ?? []), entry]);
    }
    const acceptable = (e) =>
        e.safeMode === true &&
        e.proof === true &&
        (e.expected === undefined
            ? e.verified === true
            : e.verified === false &&
              (e.expected === 'registry' ? e.trusted === false : e.trusted === true && e.status === e.expected));
    if (count(dir) === 0) {
        step('VC artefacts', false, `none in ${dir}: the scenario run kept no credential or presentation`);
    } else {
        const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
        const counts = { vc: 0, vp: 0, statusLists: 0, expectedFailures: 0 };
        const bad = [];
        for (const file of files) {
            const text = fs.readFileSync(path.join(dir, file), 'utf8');
            const document = JSON.parse(text);
            const matches = byHash.get(createHash('sha256').update(text).digest('hex')) ?? [];
            if (matches.length === 0 || !matches.every(acceptable)) {
                bad.push(
                    `${file}: ${matches.length === 0 ? 'never verified' : JSON.stringify(matches.map((m) => m.errors))}`,
                );
                continue;
            }
            if (document.type.includes('VerifiablePresentation')) counts.vp += 1;
            else if (document.type.includes('BitstringStatusListCredential')) counts.statusLists += 1;
            else counts.vc += 1;
            if (matches.some((m) => m.expected)) counts.expectedFailures += 1;
        }
        if (bad.length) console.log(bad.join('\n'));
        step(
            `VC artefacts (${versions})`,
            bad.length === 0,
            `${files.length - bad.length}/${files.length} verified by the independent verifier: ${counts.vc} credentials, ${counts.statusLists} status lists, ${counts.vp} presentations; ${counts.expectedFailures} failed as the test meant (suspended, revoked, issuer withdrawn)`,
        );
    }
    const controls = entries.filter((e) => e.control);
    const failedControls = controls.filter((e) => e.verified === false);
    const reasons = ['Invalid signature', 'RogueMSP/did.json answered 404', 'challenge'].filter((reason) =>
        failedControls.some((e) => e.errors.some((m) => m.includes(reason))),
    );
    step(
        'VC controls: tampered, unregistered issuer, wrong challenge rejected for their reason',
        reasons.length === 3,
        `${failedControls.length} control documents rejected; reasons seen: ${reasons.join('; ')}`,
    );
}

// FHIR R4: HAPI FHIR's instance validator (Java 17, Maven Central), controls in the same JVM.
{
    const dir = path.join(artefacts, 'fhir');
    const build = sh('bash', [path.join(here, 'fhir', 'build.sh')], { capture: true });
    if (!build.ok) {
        step('FHIR validator build (Maven)', false, build.stderr.split('\n').slice(-3).join(' '));
    } else if (count(dir) === 0) {
        step('FHIR artefacts', false, `none in ${dir}: the scenario run kept no FHIR resource`);
    } else {
        const classpath = build.stdout.split('\n').pop();
        const controls = path.join(here, 'fhir', 'controls', 'fail');
        const run = sh('java', ['-cp', classpath, 'careledger.ValidateFhir', dir, '--expect-fail', controls], {
            capture: true,
        });
        const lines = run.stdout.split('\n');
        if (!run.ok) console.log(lines.join('\n'));
        step('FHIR artefacts and controls', run.ok, lines.slice(-2).join('; '));
    }
}

// DSCSA verification responses: GS1 publishes no machine-readable validator for the
// Lightweight Messaging Standard; the responses are counted here and their fields and error
// answers asserted by test/interop/dscsa.test.ts.
step(
    'DSCSA responses kept',
    count(path.join(artefacts, 'dscsa')) > 0,
    `${count(path.join(artefacts, 'dscsa'))} responses`,
);

console.log(`\nstandards validators over ${artefacts}:\n${summary.join('\n')}`);
process.exit(failed ? 1 : 0);
