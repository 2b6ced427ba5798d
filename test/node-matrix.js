#!/usr/bin/env node
/**
 * `npm run test:node-matrix [-- 22 24]`: the project under each pinned Node.js release of
 * tools/node/versions.json (default: all of them), installed from the npm registry by
 * tools/node/install.js. For each release, with that release's `node` first on PATH (so every
 * child process — jest's workers, the gateway, the chaincode server — runs on it):
 *   1. build: tsc -b --force chaincode gateway (compiled by that release, not left from an earlier build);
 *   2. type-check every source and test file (tsconfig.test.json);
 *   3. the unit tests and the scenario suite on the embedded ledger (jest);
 *   4. the gateway (`npm start`'s gateway/dist/server/main.js) on the embedded ledger, on a free
 *      port: it seeds the demo world, and /healthz, /readyz (a WhoAmI through the ledger) and an
 *      authenticated demo persona's call must answer 200;
 *   5. the chaincode server (`fabric-chaincode-node server`, as network/scripts/chaincode.sh
 *      starts it for each peer): a peer's gRPC stream to it must receive REGISTER with the
 *      chaincode id, the first message of the chaincode protocol.
 * Options: `--steps build,typecheck,jest,gateway,chaincode` to run some steps only;
 * `--jest-args "…"` replaces the jest selection (default `--selectProjects unit scenarios`).
 * Prints a table of each step's status and seconds, and `N passed, N failed` of jest's tests.
 * Exit status is non-zero if any step failed.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { install, releases } = require('../tools/node/install');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', name);
const allSteps = ['build', 'typecheck', 'jest', 'gateway', 'chaincode'];

function parseArgs(argv) {
    const options = { majors: [], steps: allSteps, jestArgs: ['--selectProjects', 'unit', 'scenarios'] };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--steps') {
            options.steps = argv[++i].split(',');
            const unknown = options.steps.filter((s) => !allSteps.includes(s));
            if (unknown.length)
                throw new Error(`--steps: unknown ${unknown.join(', ')} (known: ${allSteps.join(', ')})`);
        } else if (argv[i] === '--jest-args') {
            options.jestArgs = argv[++i].split(/\s+/).filter(Boolean);
        } else {
            options.majors.push(argv[i]);
        }
    }
    if (options.majors.length === 0) options.majors = Object.keys(releases());
    return options;
}

/** The environment of every child: this release's node first on PATH. */
function envFor(node, extra = {}) {
    return { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`, ...extra };
}

function runSync(node, args, env) {
    const result = spawnSync(node, args, { cwd: root, stdio: 'inherit', env });
    return result.status === 0;
}

/** Runs jest with a JSON report; returns its test counts. */
function runJest(node, jestArgs, env, reportDir) {
    const report = path.join(reportDir, `jest-${path.basename(path.dirname(path.dirname(node)))}.json`);
    const ok = runSync(node, [bin('jest/bin/jest.js'), ...jestArgs, '--json', `--outputFile=${report}`], env);
    try {
        const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
        return {
            ok,
            passed: summary.numPassedTests,
            failed: summary.numFailedTests + summary.numRuntimeErrorTestSuites,
            skipped: summary.numPendingTests + summary.numTodoTests,
        };
    } catch {
        return { ok: false, passed: 0, failed: 1, skipped: 0 };
    }
}

/** Resolves when `text` (a regular expression) appears in the child's output; rejects on exit or timeout. */
function waitForOutput(child, pattern, timeoutMs, what) {
    return new Promise((resolve, reject) => {
        let output = '';
        const timer = setTimeout(
            () => finish(new Error(`${what}: no ${pattern} within ${timeoutMs / 1000} s\n${output.slice(-2000)}`)),
            timeoutMs,
        );
        const onData = (data) => {
            output += data;
            const match = pattern.exec(output);
            if (match) finish(undefined, match);
        };
        const onExit = (code, signal) =>
            finish(new Error(`${what} exited (${code ?? signal}) before ${pattern}\n${output.slice(-2000)}`));
        function finish(error, match) {
            clearTimeout(timer);
            child.stdout.off('data', onData);
            child.stderr.off('data', onData);
            child.off('exit', onExit);
            if (error) reject(error);
            else resolve(match);
        }
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', onExit);
    });
}

async function stop(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
}

/** Step 4: the gateway on the embedded ledger, on a free port, answering real requests. */
async function gatewaySmoke(node, env) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-matrix-gateway-'));
    const child = spawn(node, [path.join(root, 'gateway', 'dist', 'server', 'main.js')], {
        cwd: root,
        env: {
            ...env,
            CARELEDGER_LEDGER: 'embedded',
            CARELEDGER_DATA_DIR: dataDir,
            CARELEDGER_PORT: '0',
            CARELEDGER_HOST: '127.0.0.1',
            CARELEDGER_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
        // The banner, printed once the demo world is seeded and the personas' tokens issued.
        const [, address] = await waitForOutput(
            child,
            /API:\s+(http:\/\/127\.0\.0\.1:\d+)[\s\S]*Personas:/,
            300_000,
            'the gateway',
        );
        for (const route of ['/healthz', '/readyz']) {
            const response = await fetch(`${address}${route}`);
            if (response.status !== 200) throw new Error(`GET ${route}: ${response.status} ${await response.text()}`);
        }
        // A demo persona's token, issued at start-up, on an authenticated route.
        const tokens = JSON.parse(
            fs.readFileSync(path.join(dataDir, 'gateway', 'hospital', 'demo-tokens.json'), 'utf8'),
        );
        const [user, token] = Object.entries(tokens)[0];
        const whoami = await fetch(`${address}/orgs/hospital/system/whoami`, {
            headers: { authorization: `Bearer ${token}` },
        });
        const body = await whoami.text();
        if (whoami.status !== 200 || !body.includes('HospitalMSP')) {
            throw new Error(`GET /orgs/hospital/system/whoami as hospital/${user}: ${whoami.status} ${body}`);
        }
        console.log(`gateway: ${address} answered /healthz, /readyz and /whoami (hospital/${user})`);
        return true;
    } catch (error) {
        console.error(`gateway: ${error.message}`);
        return false;
    } finally {
        await stop(child);
        fs.rmSync(dataDir, { recursive: true, force: true });
    }
}

async function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/** Step 5: the chaincode server speaks the chaincode protocol: a peer's stream receives REGISTER. */
async function chaincodeSmoke(node, env) {
    const grpc = require(require.resolve('@grpc/grpc-js', { paths: [path.join(root, 'gateway')] }));
    const { peer } = require(require.resolve('@hyperledger/fabric-protos', { paths: [path.join(root, 'gateway')] }));
    const port = await freePort();
    const chaincodeId = 'careledger_matrix:0000';
    const child = spawn(
        node,
        [
            bin('fabric-shim/cli.js'),
            'server',
            '--chaincode-address',
            `127.0.0.1:${port}`,
            '--chaincode-id',
            chaincodeId,
            '--module-path',
            path.join(root, 'chaincode'),
        ],
        { cwd: root, env: { ...env, CORE_CHAINCODE_LOGGING_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const client = new peer.ChaincodeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
        const registered = await new Promise((resolve, reject) => {
            const deadline = Date.now() + 120_000;
            const attempt = () => {
                if (child.exitCode !== null)
                    return reject(new Error(`the chaincode server exited (${child.exitCode})\n${output.slice(-2000)}`));
                const stream = client.connect();
                stream.on('data', (message) => {
                    stream.cancel();
                    resolve(message);
                });
                stream.on('error', (error) => {
                    if (error.code === grpc.status.CANCELLED) return;
                    if (Date.now() > deadline)
                        return reject(new Error(`no REGISTER within 120 s: ${error.message}\n${output.slice(-2000)}`));
                    setTimeout(attempt, 500);
                });
            };
            attempt();
        });
        const type = registered.getType();
        const name = peer.ChaincodeID.deserializeBinary(registered.getPayload_asU8()).getName();
        if (type !== peer.ChaincodeMessage.Type.REGISTER || name !== chaincodeId) {
            throw new Error(`first message: type ${type}, chaincode id ${name}; expected REGISTER for ${chaincodeId}`);
        }
        console.log(`chaincode server on 127.0.0.1:${port}: REGISTER ${name}`);
        return true;
    } catch (error) {
        console.error(`chaincode server: ${error.message}`);
        return false;
    } finally {
        client.close();
        await stop(child);
    }
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'careledger-matrix-'));
    const rows = [];
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const major of options.majors) {
        let node;
        try {
            node = install(major);
        } catch (error) {
            console.error(error.message);
            rows.push([major, 'install', false, 0]);
            continue;
        }
        const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
        const env = envFor(node);
        const step = async (name, work) => {
            if (!options.steps.includes(name)) return;
            console.log(`\n=== node ${version}: ${name} ===`);
            const started = Date.now();
            const ok = await work();
            const seconds = (Date.now() - started) / 1000;
            console.log(`=== node ${version}: ${name}: ${ok ? 'passed' : 'FAILED'} (${seconds.toFixed(1)} s) ===`);
            rows.push([version, name, ok, seconds]);
        };
        await step('build', () =>
            runSync(node, [bin('typescript/bin/tsc'), '-b', '--force', 'chaincode', 'gateway'], env),
        );
        await step('typecheck', () => runSync(node, [bin('typescript/bin/tsc'), '-p', 'tsconfig.test.json'], env));
        await step('jest', () => {
            const result = runJest(node, options.jestArgs, { ...env, CARELEDGER_LEDGER: 'embedded' }, reportDir);
            counts.passed += result.passed;
            counts.failed += result.failed;
            counts.skipped += result.skipped;
            console.log(`node ${version}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
            return result.ok;
        });
        await step('gateway', () => gatewaySmoke(node, env));
        await step('chaincode', () => chaincodeSmoke(node, env));
    }
    fs.rmSync(reportDir, { recursive: true, force: true });
    console.log('\nnode      step        result   seconds');
    for (const [version, name, ok, seconds] of rows) {
        console.log(
            `${version.padEnd(9)} ${name.padEnd(11)} ${(ok ? 'passed' : 'FAILED').padEnd(8)} ${seconds.toFixed(1)}`,
        );
    }
    const failed = rows.filter(([, , ok]) => !ok);
    if (failed.length) counts.failed = Math.max(counts.failed, 1);
    console.log(
        `\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`,
    );
    process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
