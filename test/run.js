#!/usr/bin/env node
/**
 * The README's test command (`npm test`) after the build:
 *   1. type-check every source and test file, check formatting (prettier --check) and lint (eslint);
 *   2. unit tests and the scenario suite on the embedded ledger, on the machine's Node and again on Node 22 LTS
 *      (tools/node/install.js: the npm registry's pinned release, cached outside the repository);
 *   3. the web app: its component tests (vitest), then its journeys in Chromium (playwright-core
 *      driving Debian's /usr/bin/chromium, installed by test/browser/install-chromium.sh when absent)
 *      against gateways on the embedded ledger;
 *   4. the Kubernetes deployment: helm lint --strict and kubeconform on every chart (deploy/validate.sh);
 *   5. when Fabric is installed: bring the network up, run the same scenario suite and the
 *      network-only tests against it through @hyperledger/fabric-gateway, the web app's smoke
 *      journey in Chromium, and take it down;
 *   6. when Fabric is installed and this machine can make network namespaces (as root): the
 *      multi-host test (test/multihost), each org in its own namespace, as its own user.
 * After each scenario run, the standards' own validators (tools/validators/run.js: GS1's EPCIS
 * schema, shapes and event hash, HAPI FHIR) check every artefact the run's gateways emitted.
 * When Fabric is not found, one line says the network suite was skipped and why.
 * Exit status is non-zero if any step failed.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const jest = path.join(root, 'node_modules', '.bin', 'jest');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
const network = path.join(root, 'network', 'network.sh');
const fs = require('node:fs');
const os = require('node:os');

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-test-'));
const counts = { passed: 0, failed: 0, skipped: 0 };
const artefacts = (ledger) => path.join(reportDir, `artefacts-${ledger}`);
const validators = path.join(root, 'tools', 'validators', 'run.js');

/**
 * Runs jest with a JSON report so the closing line counts tests, not steps. With `node`, jest runs on that Node.js
 * binary, first on PATH so its workers and every child process do too.
 */
function runJest(title, args, env, node) {
    const report = path.join(reportDir, `${title.replace(/\W+/g, '-')}.json`);
    const jestArgs = [...args, '--json', `--outputFile=${report}`];
    const ok = node
        ? run(title, node, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs], {
              ...env,
              PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
          })
        : run(title, jest, jestArgs, env);
    try {
        const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
        counts.passed += summary.numPassedTests;
        counts.failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
        counts.skipped += summary.numPendingTests + summary.numTodoTests;
    } catch {
        counts.failed += 1;
    }
    return ok;
}

function run(title, command, args, env = {}) {
    console.log(`\n=== ${title} ===`);
    const started = Date.now();
    const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ok = result.status === 0;
    console.log(`=== ${title}: ${ok ? 'passed' : 'FAILED'} (${seconds} s) ===`);
    return ok;
}

function fabricFound() {
    const result = spawnSync('bash', [network, 'check'], { cwd: root, encoding: 'utf8' });
    return { found: result.status === 0, report: `${result.stdout}${result.stderr}`.trim() };
}

const results = [];
results.push(['type-check', run('type-check', tsc, ['-p', 'tsconfig.test.json'])]);
results.push(['format check', run('format check (npm run format:check)', 'npm', ['run', '--silent', 'format:check'])]);
results.push(['lint', run('lint (npm run lint: eslint)', 'npm', ['run', '--silent', 'lint'])]);
results.push([
    'unit and scenarios (embedded ledger)',
    runJest('unit and scenarios (embedded ledger)', ['--selectProjects', 'unit', 'scenarios'], {
        CARELEDGER_LEDGER: 'embedded',
        CARELEDGER_ARTEFACTS: artefacts('embedded'),
    }),
]);
// Node 22 LTS, the release the container images run (tools/node/: the npm registry's pinned binary, cached), for the
// same unit and embedded suite; the Fabric tier below stays on the machine's Node.
const node22 = spawnSync(process.execPath, [path.join(root, 'tools', 'node', 'install.js'), '22'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
});
if (node22.status !== 0) {
    console.log('\n=== Node 22: install FAILED ===');
    results.push(['Node 22 install', false]);
} else {
    const node = node22.stdout.trim().split('\n').pop();
    results.push([
        'unit and scenarios (embedded ledger, Node 22)',
        runJest(
            'unit and scenarios (embedded ledger, Node 22)',
            ['--selectProjects', 'unit', 'scenarios'],
            { CARELEDGER_LEDGER: 'embedded' },
            node,
        ),
    ]);
}
results.push([
    'standards validators (embedded run)',
    run('standards validators (embedded run)', process.execPath, [validators, artefacts('embedded')]),
]);

/** Vitest with a JSON report, counted like jest's. */
function runVitest(title) {
    const report = path.join(reportDir, 'vitest.json');
    const vitest = path.join(root, 'node_modules', '.bin', 'vitest');
    console.log(`\n=== ${title} ===`);
    const result = spawnSync(vitest, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
        cwd: path.join(root, 'web'),
        stdio: 'inherit',
        env: process.env,
    });
    try {
        const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
        counts.passed += summary.numPassedTests;
        counts.failed += summary.numFailedTests;
    } catch {
        counts.failed += 1;
    }
    console.log(`=== ${title}: ${result.status === 0 ? 'passed' : 'FAILED'} ===`);
    return result.status === 0;
}

results.push(['web component tests', runVitest('web component tests (vitest)')]);
const chromium = run('chromium for the browser tests', 'bash', [
    path.join(root, 'test', 'browser', 'install-chromium.sh'),
]);
results.push(['chromium', chromium]);
if (chromium) {
    results.push([
        'web journeys in Chromium (embedded ledger)',
        runJest('web journeys in Chromium (embedded ledger)', ['--selectProjects', 'browser', '--runInBand'], {
            CARELEDGER_LEDGER: 'embedded',
        }),
    ]);
}

results.push([
    'deploy charts (helm lint, kubeconform)',
    run('deploy charts (helm lint, kubeconform)', 'bash', [path.join(root, 'deploy', 'validate.sh')]),
]);

const fabric = fabricFound();
if (!fabric.found) {
    console.log(`\nnetwork suite skipped: Fabric not found (${fabric.report.split('\n').pop()})`);
} else {
    console.log(`\n${fabric.report}`);
    // The history index runs on a real PostgreSQL server in the Fabric tier (tools/postgres/).
    const postgres = spawnSync('bash', [path.join(root, 'tools', 'postgres', 'postgres.sh'), 'start'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    results.push(['postgres up', postgres.status === 0]);
    const historyPg = postgres.status === 0 ? postgres.stdout.trim() : undefined;
    const up = run('network up', 'bash', [network, 'restart']);
    results.push(['network up', up]);
    if (up) {
        const fabricEnv = {
            CARELEDGER_LEDGER: 'fabric',
            ...(historyPg ? { CARELEDGER_HISTORY_PG: historyPg } : {}),
            CARELEDGER_ARTEFACTS: artefacts('fabric'),
        };
        // The access matrix acts as every role of every org on the one shared ledger (it registers issuers, licenses
        // practitioners, makes denied reads as other orgs): it runs after the other files, whose assertions assume
        // the world their own set-up made.
        results.push([
            'scenarios and network tests (Fabric)',
            runJest(
                'scenarios and network tests (Fabric)',
                [
                    '--selectProjects',
                    'scenarios',
                    'network',
                    '--runInBand',
                    // These replace the config's patterns, so they repeat them (node_modules, the embedded-only fuzz files).
                    '--testPathIgnorePatterns',
                    '/node_modules/',
                    'test/security/fuzz-',
                    'access-matrix',
                ],
                fabricEnv,
            ),
        ]);
        results.push([
            'access matrix (Fabric)',
            runJest(
                'access matrix (Fabric)',
                ['--selectProjects', 'scenarios', '--runInBand', 'test/security/access-matrix'],
                fabricEnv,
            ),
        ]);
        if (chromium) {
            results.push([
                'web smoke journey in Chromium (Fabric)',
                runJest(
                    'web smoke journey in Chromium (Fabric)',
                    ['--selectProjects', 'browser', '--runInBand', 'test/browser/smoke.test.ts'],
                    { CARELEDGER_LEDGER: 'fabric' },
                ),
            ]);
        }
        results.push([
            'standards validators (Fabric run)',
            run('standards validators (Fabric run)', process.execPath, [validators, artefacts('fabric')]),
        ]);
    }
    if (process.env.CARELEDGER_KEEP_NETWORK !== '1') {
        results.push(['network down', run('network down', 'bash', [network, 'down'])]);
    }
    if (historyPg) {
        run('postgres down', 'bash', [path.join(root, 'tools', 'postgres', 'postgres.sh'), 'stop']);
    }
    const hosts = spawnSync('bash', [path.join(root, 'test', 'multihost', 'hosts.sh'), 'check'], { encoding: 'utf8' });
    if (hosts.status !== 0) {
        console.log(`\nmulti-host test skipped: ${`${hosts.stdout}${hosts.stderr}`.trim()}`);
    } else {
        results.push([
            'multi-host (Fabric, network namespaces)',
            runJest('multi-host (Fabric, network namespaces)', ['--selectProjects', 'multihost', '--runInBand'], {}),
        ]);
    }
}

const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
if (failed.length) {
    console.log(`\nfailed steps: ${failed.join('; ')}`);
    counts.failed = Math.max(counts.failed, 1);
}
console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(failed.length ? 1 : 0);
