import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenStore } from '../auth/token-store';
import type { Ledger } from '../ledger';
import { writeFileAtomic } from '../storage/atomic-file';

/**
 * Tokens for the org's demo users (network/consortium.json), so a newcomer can call the API
 * at once. Written to `file` (0600) as `{ user: token }`, and each alone to
 * `demo-tokens/<user>` beside it (for `$(cat ...)` in a shell); tokens still valid from an
 * earlier start are reused rather than piling up new ones.
 */
export async function issueDemoTokens(options: {
    ledger: Ledger;
    org: string;
    tokens: TokenStore;
    consortiumFile: string;
    file: string;
}): Promise<Record<string, string>> {
    const consortium = JSON.parse(fs.readFileSync(options.consortiumFile, 'utf8')) as {
        orgs: Array<{ org: string; users: Array<{ name: string }> }>;
        addableOrgs?: Array<{ org: string; users: Array<{ name: string }> }>;
    };
    const org = [...consortium.orgs, ...(consortium.addableOrgs ?? [])].find((o) => o.org === options.org);
    const previous: Record<string, string> = fs.existsSync(options.file)
        ? (JSON.parse(fs.readFileSync(options.file, 'utf8')) as Record<string, string>)
        : {};
    const tokens: Record<string, string> = {};
    for (const { name } of org?.users ?? []) {
        const earlier = previous[name];
        const grant = earlier ? options.tokens.resolve(earlier) : undefined;
        if (earlier && grant?.org === options.org && grant.user === name) {
            tokens[name] = earlier;
            continue;
        }
        const identity = await options.ledger.identities.get(options.org, name);
        tokens[name] = options.tokens.issue(options.org, name, identity);
    }
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    writeFileAtomic(options.file, `${JSON.stringify(tokens, null, 2)}\n`);
    const folder = demoTokenFolder(options.file);
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (const [user, token] of Object.entries(tokens)) {
        writeFileAtomic(path.join(folder, user), token);
    }
    return tokens;
}

/** The folder of one-token files beside the demo tokens file `file`. */
export function demoTokenFolder(file: string): string {
    return path.join(path.dirname(file), 'demo-tokens');
}
