import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Keeps what the gateway emitted during a real scenario run, so the standards' own validators
 * (tools/validators, run by test/run.js after the suite) check real outputs rather than
 * hand-written fixtures. Active only when CARELEDGER_ARTEFACTS names a directory; each
 * standard gets a sub-folder, one file per response body.
 */
export type Standard = 'epcis' | 'fhir' | 'vc' | 'dscsa';

let counter = 0;
/** Tells apart the files of two test files that one jest worker (one pid) runs. */
const moduleToken = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
/** Documents of each standard this test file kept (jest gives every test file its own module instance). */
const keptHere = new Map<Standard, unknown[]>();

/** The documents of `standard` kept so far by this test file (whether or not CARELEDGER_ARTEFACTS is set). */
export function keptDocuments(standard: Standard): unknown[] {
    return [...(keptHere.get(standard) ?? [])];
}

/** The standard a response body belongs to, from its media type and shape; `undefined` when none. */
export function standardOf(contentType: string, body: unknown): Standard | undefined {
    if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return undefined;
    const doc = body as Record<string, unknown>;
    if (contentType.includes('application/fhir+json') || typeof doc.resourceType === 'string') return 'fhir';
    if (doc.type === 'EPCISDocument' || doc.type === 'EPCISQueryDocument') return 'epcis';
    if (contentType.includes('application/vc') || contentType.includes('application/vp')) return 'vc';
    if (typeof doc.verificationTimestamp === 'string' || typeof doc.responderGLN === 'string') return 'dscsa';
    return undefined;
}

let keeping = true;
/**
 * Stops this test file from keeping artefacts. For files whose calls probe access rather than
 * produce a standard's output (the access matrix fetches the same credential as twelve callers):
 * the documents they see come from the same code that the standards' test files keep and
 * validate, and a kept VC must also be verified while its gateways still answer, which only
 * those files do.
 */
export function keepNoArtefacts(): void {
    keeping = false;
}

/** Writes the body when it is a standard's artefact and artefacts are being kept. */
export function keepArtefact(method: string, url: string, status: number, contentType: string, body: unknown): void {
    if (!keeping) return;
    const root = process.env.CARELEDGER_ARTEFACTS;
    const standard = standardOf(contentType, body);
    if (standard) keptHere.set(standard, [...(keptHere.get(standard) ?? []), body]);
    if (!root || !standard) return;
    const dir = path.join(root, standard);
    mkdirSync(dir, { recursive: true });
    const slug = url
        .split('?')[0]
        .replace(/[^A-Za-z0-9]+/g, '-')
        .slice(0, 80);
    counter += 1;
    const file = `${process.pid}-${moduleToken}-${String(counter).padStart(4, '0')}-${method}-${status}${slug}.json`;
    writeFileSync(path.join(dir, file), JSON.stringify(body, null, 2));
}
