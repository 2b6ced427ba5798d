import * as fs from 'node:fs';
import * as path from 'node:path';
import { root } from './started-default';

/**
 * Issue #20, problems 4 and 8: `careledger` is an installed, executable package bin; the Node
 * versions the project declares are ones every locked dependency supports (so `npm ci` on a
 * supported Node prints no EBADENGINE); formatting is checked by `npm test`.
 */
// semver (npm's own range rules) is installed with the toolchain; its types are not, and one function is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(version: string, range: string): boolean };

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

describe('packaging', () => {
    const declared = read('package.json').engines.node as string;
    /** The oldest release of each tested Node line: the machine's 20 (CI), and 22 and 24 (test:node-matrix). */
    const oldest = ['20.20.0', '22.23.0', '24.22.0'];
    /** The releases test:node-matrix runs (tools/node/versions.json). */
    const pinned = Object.values(read('tools/node/versions.json').releases as Record<string, { version: string }>);

    it('declares the tested Node lines (20, 22, 24), the same in every workspace', () => {
        for (const version of [...oldest, ...pinned.map((release) => release.version), process.versions.node]) {
            expect({ version, declared: semver.satisfies(version, declared) }).toEqual({ version, declared: true });
        }
        for (const untested of ['20.19.0', '21.7.3', '22.12.0', '23.11.1', '24.21.0', '26.0.0']) {
            expect({ untested, declared: semver.satisfies(untested, declared) }).toEqual({ untested, declared: false });
        }
        for (const workspace of ['gateway', 'chaincode', 'bench/chaincode', 'web']) {
            expect({ workspace, node: read(`${workspace}/package.json`).engines.node }).toEqual({
                workspace,
                node: declared,
            });
        }
    });

    it('locks no dependency that refuses a supported Node version', () => {
        const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: unknown }> };
        const refusing = Object.entries(lock.packages).flatMap(([name, entry]) => {
            const range = (entry.engines as { node?: string } | undefined)?.node;
            if (typeof range !== 'string') {
                return [];
            }
            return oldest
                .filter((v) => !semver.satisfies(v, range))
                .map((v) => `${name}@${entry.version} (${range}) refuses ${v}`);
        });
        expect(refusing).toEqual([]);
    });

    it('installs careledger as an executable package bin', () => {
        const bin = read('gateway/package.json').bin.careledger as string;
        const file = path.join(root, 'gateway', bin);
        expect(fs.readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
        expect(fs.statSync(file).mode & 0o111).toBe(0o111);
        // npm links it into node_modules/.bin, where npx finds it.
        expect(fs.realpathSync(path.join(root, 'node_modules', '.bin', 'careledger'))).toBe(fs.realpathSync(file));
    });

    it('checks formatting in npm test', () => {
        expect(read('package.json').scripts['format:check']).toBe('prettier --check .');
        expect(fs.readFileSync(path.join(root, 'test', 'run.js'), 'utf8')).toContain("'format:check'");
    });
});
