import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs the independent verifier (tools/validators/vc/verify.mjs: Digital Bazaar's VC libraries)
 * over documents while the gateways that issued them still answer: it resolves their did:web
 * and status lists over HTTP from them. Asynchronous on purpose: the gateways run in this
 * process and must keep serving while the child verifies.
 *
 * With CARELEDGER_ARTEFACTS set, each report is kept in `<artefacts>/vc-reports/`, keyed by the
 * SHA-256 of the document as test/interop/artefacts.ts writes it, so tools/validators/run.js can
 * check that every VC artefact of the run was verified.
 */
export type ExpectedFailure = 'suspension' | 'revocation' | 'registry';

export interface VerifierReport {
    file: string;
    kind?: 'vc' | 'vp';
    verified: boolean;
    safeMode?: boolean;
    proof?: boolean;
    trusted?: boolean;
    status?: string;
    credentials?: Array<{ id: string; verified: boolean }>;
    errors: string[];
}

const tool = path.join(__dirname, '..', '..', 'tools', 'validators', 'vc', 'verify.mjs');

/** The SHA-256 run.js matches reports and artefacts by: of `JSON.stringify(document, null, 2)`. */
export function artefactHash(document: unknown): string {
    return createHash('sha256')
        .update(JSON.stringify(document, null, 2))
        .digest('hex');
}

export async function verifyIndependently(
    documents: Record<string, unknown>,
    options: {
        challenge?: string;
        domain?: string;
        label: string;
        /** Hand-made negative controls (tampered, rogue): kept apart from the run's artefacts. */
        control?: boolean;
        /** Documents the test made fail on purpose, and why: their status bit, or the registry's withdrawal. */
        expected?: Record<string, ExpectedFailure>;
    },
): Promise<Record<string, VerifierReport>> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'careledger-vc-'));
    try {
        const files = Object.entries(documents).map(([name, document]) => {
            const file = path.join(dir, `${name}.json`);
            writeFileSync(file, JSON.stringify(document, null, 2));
            return file;
        });
        const args = [tool, ...files];
        if (options.challenge) args.push('--challenge', options.challenge);
        if (options.domain) args.push('--domain', options.domain);
        const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 32 * 1024 * 1024 });
        const output = JSON.parse(stdout) as { verifier: Record<string, string>; reports: VerifierReport[] };
        const byName = Object.fromEntries(output.reports.map((r) => [r.file.replace(/\.json$/, ''), r]));
        const root = process.env.CARELEDGER_ARTEFACTS;
        if (root) {
            const reports = path.join(root, 'vc-reports');
            mkdirSync(reports, { recursive: true });
            const kept = Object.entries(documents).map(([name, document]) => ({
                sha256: artefactHash(document),
                control: options.control ?? false,
                expected: options.expected?.[name],
                ...byName[name],
            }));
            writeFileSync(
                path.join(reports, `${process.pid}-${Date.now()}-${options.label}.json`),
                JSON.stringify({ verifier: output.verifier, label: options.label, reports: kept }, null, 2),
            );
        }
        return byName;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
