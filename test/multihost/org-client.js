#!/usr/bin/env node
/**
 * One org's application on its own host, for the multi-host test: the CareLedger gateway
 * library (gateway/dist, from `npm run build`) over this org's own folder only
 * (CARELEDGER_NETWORK_DIR = the org's organizations/), talking to this org's own peers, whose
 * Fabric Gateway reaches the other orgs' peers over the network.
 *
 * Reads one JSON request per line on stdin and answers one JSON line per request on stdout:
 *   { id, user, client: 'ehr'|'supply'|'credentials'|'session', method, args: [...] }
 *   -> { id, ok: true, value } | { id, ok: false, error, code }
 * `client: 'session'` calls the ledger session itself (submit/evaluate with { contract, name,
 * args }); `client: 'identities'`, method `register`, registers a new user with the org's own CA
 * (the registrar's key is in this org's folder). Results are decoded as JSON when they are JSON.
 * Answers are the only stdout lines that start with `{"id":`. Exits when stdin closes.
 */
'use strict';
const path = require('node:path');
const readline = require('node:readline');

const dist = path.resolve(__dirname, '..', '..', 'gateway', 'dist');
const { loadLedgerConfig, openLedger } = require(path.join(dist, 'ledger'));
const { EhrClient } = require(path.join(dist, 'ehr'));
const { SupplyClient } = require(path.join(dist, 'supply'));
const { CredentialsClient } = require(path.join(dist, 'credentials'));

const clients = { ehr: EhrClient, supply: SupplyClient, credentials: CredentialsClient };

function plain(value) {
    if (value instanceof Uint8Array) {
        const text = Buffer.from(value).toString('utf8');
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return value;
}

const replacer = (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? plain(value) : value;

async function main() {
    const org = process.env.CARELEDGER_ORG;
    const ledger = await openLedger({ ...loadLedgerConfig(), kind: 'fabric', org });
    const sessions = new Map();
    async function session(user) {
        if (!sessions.has(user)) {
            sessions.set(user, ledger.connect(await ledger.identities.get(org, user)));
        }
        return sessions.get(user);
    }
    const lines = readline.createInterface({ input: process.stdin });
    const pending = [];
    for await (const line of lines) {
        if (!line.trim()) {
            continue;
        }
        const request = JSON.parse(line);
        pending.push(
            (async () => {
                let answer;
                try {
                    const target =
                        request.client === 'identities'
                            ? {
                                  register: async (registration) => {
                                      const identity = await ledger.identities.register(org, registration);
                                      return { user: registration.user, mspId: identity.mspId };
                                  },
                              }
                            : request.client === 'session'
                              ? await session(request.user)
                              : new clients[request.client](await session(request.user));
                    if (typeof target[request.method] !== 'function') {
                        throw new Error(`no method ${request.client}.${request.method}`);
                    }
                    const value = await target[request.method](...(request.args ?? []));
                    answer = { id: request.id, ok: true, value: plain(value) };
                } catch (error) {
                    answer = { id: request.id, ok: false, error: String(error?.message ?? error), code: error?.code };
                }
                process.stdout.write(`${JSON.stringify(answer, replacer)}\n`);
            })(),
        );
    }
    await Promise.all(pending);
    await ledger.close();
}

main().catch((error) => {
    process.stderr.write(`org-client: ${error?.stack ?? error}\n`);
    process.exit(1);
});
