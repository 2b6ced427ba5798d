#!/usr/bin/env node
/**
 * `npm start`: the consortium's gateways. Configuration from the environment:
 * - CARELEDGER_LEDGER (`embedded` default, or `fabric`), CARELEDGER_DATA_DIR,
 *   CARELEDGER_NETWORK_DIR: see ledger/config.ts;
 * - CARELEDGER_ORG: serve this one org only. Unset on the embedded ledger: every org of
 *   network/consortium.json, over one ledger, on one port — the bearer token picks the org
 *   (see consortium.ts). Unset on Fabric: `hospital`;
 * - CARELEDGER_PORT (default 3000), CARELEDGER_HOST (default 127.0.0.1);
 * - CARELEDGER_TLS_CERT, CARELEDGER_TLS_KEY: PEM files of the org's TLS certificate (chain) and key; when both are
 *   set the gateway serves HTTPS only (TLS 1.2+), as production must (docs/http.md). Both or neither;
 * - CARELEDGER_PUBLIC_URL: base of the ids in published credentials (default http(s)://host:port);
 * - CARELEDGER_TOKEN_KEY, CARELEDGER_DOCUMENT_KEY: 32-byte keys (hex or base64) sealing tokens and
 *   documents at rest; when unset, key files are generated (0600) in each org's state folder;
 * - CARELEDGER_DEMO_TOKENS: `1` to issue tokens for the demo users (default on the embedded ledger);
 * - CARELEDGER_DEMO_SEED: `0` not to seed the demo world (demo/seed.ts) into a new embedded ledger
 *   (default `1` there; never on Fabric, where `careledger seed` does it on request);
 * - CARELEDGER_LOG_LEVEL (default `info`);
 * - CARELEDGER_HISTORY_DB, CARELEDGER_HISTORY: the history index (history/config.ts): default PGlite in the
 *   first org's state folder; on the embedded ledger one index serves every org (they share its blocks).
 *
 * On the embedded ledger the process also relays the ledger to local processes (the CLI, a
 * second `npm start`) on a Unix socket in the data folder, so they work while it runs.
 */
import './quiet-contract-logs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DemoWorld, firstCall, personasOf, seedDemoWorld, type ConsortiumFile } from '../demo';
import type { DocumentStore } from '../documents';
import { TokenStore } from '../auth/token-store';
import { UserSecrets } from '../auth/user-secrets';
import { LocalEncryptedStore } from '../documents/local-store';
import {
    isRelayed,
    loadLedgerConfig,
    openLedger,
    projectRoot,
    relaySocketPath,
    serveLedgerRelay,
    type Ledger,
    type LedgerConfig,
    type LedgerRelay,
} from '../ledger';
import { loadHistoryConfig, openOrgHistoryIndex } from '../history';
import { loadOrCreateKey } from '../storage/sealing';
import { buildServer } from './app';
import { consortiumServer, orgPathPrefix, type OrgGateway, type TlsFiles } from './consortium';
import { demoTokenFolder, issueDemoTokens } from './demo-tokens';
import { demoPersonas, type WebPersona } from './web-app';
import { gatewayStateDir } from './state-dir';

export interface StartedGateway {
    /** e.g. http://127.0.0.1:3000 */
    address: string;
    orgs: string[];
    ledger: Ledger;
    gateways: OrgGateway[];
    /** What was printed at start-up. */
    banner: string;
    close(): Promise<void>;
}

/** Which orgs this process serves: CARELEDGER_ORG alone, or every org on the embedded ledger. */
export async function orgsToServe(env: NodeJS.ProcessEnv, config: LedgerConfig, ledger: Ledger): Promise<string[]> {
    if (env.CARELEDGER_ORG || ledger.kind !== 'embedded') {
        return [config.org];
    }
    return (await ledger.identities.orgs()).map((o) => o.org);
}

export async function startGateway(env: NodeJS.ProcessEnv = process.env): Promise<StartedGateway> {
    const config = loadLedgerConfig(env);
    const port = Number(env.CARELEDGER_PORT ?? 3000);
    const host = env.CARELEDGER_HOST ?? '127.0.0.1';
    const tls = tlsFilesFrom(env);
    const scheme = tls ? 'https' : 'http';
    const publicBase = env.CARELEDGER_PUBLIC_URL ?? `${scheme}://${host}:${port}`;
    const ledger = await openLedger(config);
    const orgs = await orgsToServe(env, config, ledger);
    const logger = { level: env.CARELEDGER_LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] };
    const historyConfig = loadHistoryConfig({ ...config, org: orgs[0] }, gatewayStateDir(config.dataDir, orgs[0]), env);
    // A second process over a relayed ledger leaves the index to the process that holds the ledger.
    const history =
        historyConfig.enabled && (!isRelayed(ledger) || env.CARELEDGER_HISTORY_DB)
            ? await openOrgHistoryIndex(ledger, { ...config, org: orgs[0] }, historyConfig, (message) =>
                  process.stderr.write(`${message}\n`),
              )
            : undefined;

    // The web app (served by every org's gateway; at / by the first) offers every org's demo personas.
    let personas: WebPersona[] = [];
    const gateways: OrgGateway[] = [];
    const documentStores = new Map<string, DocumentStore>();
    for (const [index, org] of orgs.entries()) {
        const stateDir = gatewayStateDir(config.dataDir, org);
        const tokenKey = loadOrCreateKey(path.join(stateDir, 'token.key'), env.CARELEDGER_TOKEN_KEY);
        const documentKey = loadOrCreateKey(path.join(stateDir, 'document.key'), env.CARELEDGER_DOCUMENT_KEY);
        const tokens = new TokenStore(tokenKey, path.join(stateDir, 'tokens.json'));
        const documents = new LocalEncryptedStore(path.join(stateDir, 'documents'), documentKey);
        documentStores.set(org, documents);
        const app = await buildServer({
            ledger,
            org,
            tokens,
            secrets: new UserSecrets(path.join(stateDir, 'user-secrets.json')),
            secretKey: tokenKey,
            stateDir: path.join(stateDir, 'webhooks'),
            issuingKeyFile: path.join(stateDir, 'issuing-key.pem'),
            pendingJournalDir: path.join(stateDir, 'ehr-pending'),
            documents,
            // The first org answers at the root; every org also at /orgs/<org>/.
            publicUrl: index === 0 ? publicBase : `${publicBase}${orgPathPrefix}${org}`,
            logger: { ...logger, ...(orgs.length > 1 ? { base: { org } } : {}) },
            web: { personas: () => personas },
            history,
        });
        gateways.push({ org, app, tokens });
    }

    let relay: LedgerRelay | undefined;
    if (ledger.kind === 'embedded' && !isRelayed(ledger) && config.dataDir !== ':memory:') {
        relay = await serveLedgerRelay(ledger, relaySocketPath(config.dataDir), {
            'demo-seed': async () => seedDemoWorld({ ledger, documents: documentStores.get('hospital') }),
            'token-issue': async (body) => {
                const gateway = gateways.find((g) => g.org === body.org);
                if (!gateway) {
                    throw new Error(`this process serves ${orgs.join(', ')}, not ${String(body.org)}`);
                }
                const identity = await ledger.identities.get(gateway.org, String(body.user));
                return {
                    token: gateway.tokens.issue(gateway.org, String(body.user), identity, {
                        offline: body.offline === true,
                    }),
                };
            },
        });
    }

    history?.start();
    const server = consortiumServer(gateways, tls);
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
    });
    const bound = server.address();
    const address = `${scheme}://${host}:${typeof bound === 'object' && bound ? bound.port : port}`;

    const lines = [
        '',
        `CareLedger gateway for ${orgs.join(', ')} on the ${ledger.kind} ledger${isRelayed(ledger) ? ' (shared with the process that holds it)' : ''}`,
        `  API:      ${address}${orgs.length > 1 ? '   (one port for every org: the bearer token picks the org; /orgs/<org>/... names one)' : ''}`,
        `  Web app:  ${address}/`,
        `  Docs:     ${address}/docs   (OpenAPI document: ${address}/openapi.json)`,
        `  Health:   ${address}/healthz, ${address}/readyz, metrics: ${address}/metrics`,
        history
            ? `  History:  ${address}/history/status   (index on ${history.db.kind}, ${historyConfig.databaseUrl.replace(/\/\/[^@]*@/, '//')})`
            : '  History:  off',
    ];
    const holdsLedger = ledger.kind === 'embedded' && !isRelayed(ledger);
    const seeded = await seedIfNew(env, config, ledger, holdsLedger, documentStores.get('hospital'));
    if (seeded) {
        lines.push(`  Demo:     ${seeded}`);
    }
    const demo = env.CARELEDGER_DEMO_TOKENS ?? (ledger.kind === 'embedded' ? '1' : '0');
    if (demo === '1') {
        const consortiumFile = path.join(projectRoot(), 'network', 'consortium.json');
        const consortium = JSON.parse(fs.readFileSync(consortiumFile, 'utf8')) as ConsortiumFile;
        lines.push('', 'Personas: each token file holds a bearer token; each command works at once.');
        for (const gateway of gateways) {
            const file = path.join(gatewayStateDir(config.dataDir, gateway.org), 'demo-tokens.json');
            const demoTokens = await issueDemoTokens({
                ledger,
                org: gateway.org,
                tokens: gateway.tokens,
                consortiumFile,
                file,
            });
            personas = [
                ...personas,
                ...demoPersonas(consortiumFile, { [gateway.org]: { url: address, tokens: demoTokens } }),
            ];
            for (const persona of personasOf(consortium, [gateway.org])) {
                const tokenFile = displayPath(path.join(demoTokenFolder(file), persona.user));
                const call = firstCall(persona);
                lines.push(
                    `  ${persona.org}/${persona.user} (${persona.role}), token ${tokenFile}: ${call.shows}`,
                    `    ${curlCommand(address, tokenFile, call)}`,
                );
            }
        }
        lines.push(
            `  (all of an org's tokens: ${displayPath(path.join(config.dataDir, 'gateway', '<org>', 'demo-tokens.json'))})`,
        );
    }
    const banner = `${lines.join('\n')}\n\n`;

    let closed: Promise<void> | undefined;
    return {
        address,
        orgs,
        ledger,
        gateways,
        banner,
        close() {
            closed ??= (async () => {
                server.closeIdleConnections();
                const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
                await Promise.all(gateways.map((g) => g.app.close()));
                server.closeAllConnections();
                await stopped;
                await relay?.close();
                await history?.close();
                await ledger.close();
            })();
            return closed;
        },
    };
}

/**
 * The org's TLS key and certificate from CARELEDGER_TLS_KEY / CARELEDGER_TLS_CERT (PEM file paths), or
 * undefined for plain HTTP. One without the other is a configuration error, not a silent HTTP start.
 */
export function tlsFilesFrom(env: NodeJS.ProcessEnv): TlsFiles | undefined {
    const certFile = env.CARELEDGER_TLS_CERT;
    const keyFile = env.CARELEDGER_TLS_KEY;
    if (!certFile && !keyFile) {
        return undefined;
    }
    if (!certFile || !keyFile) {
        throw new Error(
            'CARELEDGER_TLS_CERT and CARELEDGER_TLS_KEY must be set together (PEM files of the org TLS certificate and key)',
        );
    }
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
}

/**
 * Seeds the demo world into a new embedded ledger this process holds, unless
 * CARELEDGER_DEMO_SEED=0; a marker in the data folder records that it was done. Returns the
 * banner line, or undefined when nothing was to be done.
 */
async function seedIfNew(
    env: NodeJS.ProcessEnv,
    config: LedgerConfig,
    ledger: Ledger,
    holdsLedger: boolean,
    documents: DocumentStore | undefined,
): Promise<string | undefined> {
    if (!holdsLedger || (env.CARELEDGER_DEMO_SEED ?? '1') === '0') {
        return undefined;
    }
    const marker = config.dataDir === ':memory:' ? undefined : path.join(config.dataDir, 'gateway', 'demo-world.json');
    if (marker && fs.existsSync(marker)) {
        return 'the demo world was seeded when this ledger was new (remove .careledger/ to start over)';
    }
    const report = await seedDemoWorld({ ledger, documents });
    if (marker) {
        fs.mkdirSync(path.dirname(marker), { recursive: true });
        fs.writeFileSync(marker, `${JSON.stringify({ seededAt: new Date().toISOString(), ...report }, null, 2)}\n`);
    }
    return `seeded the demo world (${report.done.length} steps: licences, partners, product ${DemoWorld.product.gtin} lot ${DemoWorld.lot.lot}, patient1's record); CARELEDGER_DEMO_SEED=0 starts empty`;
}

/** A copy-paste curl command for a persona's first call, reading the token from its file. */
function curlCommand(
    address: string,
    tokenFile: string,
    call: { method: string; path: string; body?: unknown },
): string {
    const body =
        call.body === undefined ? '' : ` -H 'content-type: application/json' -d '${JSON.stringify(call.body)}'`;
    const method = call.method === 'GET' ? '' : ` -X ${call.method}`;
    return `curl -s${method} -H "Authorization: Bearer $(cat ${tokenFile})"${body} '${address}${call.path}'`;
}

/** `file` relative to the working directory when it is inside it, as a README command would name it. */
function displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith('..') ? relative : file;
}

async function main(): Promise<void> {
    const started = await startGateway();
    const log = started.gateways[0].app.log;
    let shuttingDown = false;
    const shutdown = async (signal: string) => {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        log.info({ signal }, 'shutting down: no new requests, draining, closing the ledger');
        const force = setTimeout(() => process.exit(1), 15_000);
        force.unref();
        try {
            await started.close();
        } finally {
            process.exit(0);
        }
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.stdout.write(started.banner);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`careledger gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
    });
}
