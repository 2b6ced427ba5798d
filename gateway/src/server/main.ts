#!/usr/bin/env node
/**
 * `npm start`: one organisation's gateway. Configuration from the environment:
 * - CARELEDGER_LEDGER (`embedded` default, or `fabric`), CARELEDGER_ORG (default `hospital`),
 *   CARELEDGER_DATA_DIR, CARELEDGER_NETWORK_DIR: see ledger/config.ts;
 * - CARELEDGER_PORT (default 3000), CARELEDGER_HOST (default 127.0.0.1);
 * - CARELEDGER_PUBLIC_URL: base of the ids in published credentials (default http://host:port);
 * - CARELEDGER_TOKEN_KEY, CARELEDGER_DOCUMENT_KEY: 32-byte keys (hex or base64) sealing tokens and
 *   documents at rest; when unset, key files are generated (0600) in the gateway's state folder;
 * - CARELEDGER_DEMO_TOKENS: `1` to issue tokens for the demo users (default on the embedded ledger);
 * - CARELEDGER_LOG_LEVEL (default `info`).
 */
import './quiet-contract-logs';
import * as path from 'node:path';
import { TokenStore } from '../auth/token-store';
import { LocalEncryptedStore } from '../documents/local-store';
import { loadLedgerConfig, openLedger, projectRoot } from '../ledger';
import { loadOrCreateKey } from '../storage/sealing';
import { buildServer } from './app';
import { issueDemoTokens } from './demo-tokens';
import { demoPersonas, type WebPersona } from './web-app';
import { gatewayStateDir } from './state-dir';

async function main(): Promise<void> {
    const env = process.env;
    const config = loadLedgerConfig();
    const port = Number(env.CARELEDGER_PORT ?? 3000);
    const host = env.CARELEDGER_HOST ?? '127.0.0.1';
    const stateDir = gatewayStateDir(config.dataDir, config.org);
    const tokenKey = loadOrCreateKey(path.join(stateDir, 'token.key'), env.CARELEDGER_TOKEN_KEY);
    const documentKey = loadOrCreateKey(path.join(stateDir, 'document.key'), env.CARELEDGER_DOCUMENT_KEY);
    const ledger = await openLedger(config);
    const tokens = new TokenStore(tokenKey, path.join(stateDir, 'tokens.json'));
    let personas: WebPersona[] = [];
    const app = await buildServer({
        ledger,
        org: config.org,
        tokens,
        secretKey: tokenKey,
        stateDir: path.join(stateDir, 'webhooks'),
        documents: new LocalEncryptedStore(path.join(stateDir, 'documents'), documentKey),
        publicUrl: env.CARELEDGER_PUBLIC_URL ?? `http://${host}:${port}`,
        logger: { level: env.CARELEDGER_LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] },
        web: { personas: () => personas },
    });

    let shuttingDown = false;
    const shutdown = async (signal: string) => {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        app.log.info({ signal }, 'shutting down: no new requests, draining, closing the ledger');
        const force = setTimeout(() => process.exit(1), 15_000);
        force.unref();
        try {
            await app.close();
            await ledger.close();
        } finally {
            process.exit(0);
        }
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));

    const address = await app.listen({ port, host });
    const lines = [
        '',
        `CareLedger gateway for ${config.org} on the ${ledger.kind} ledger`,
        `  API:      ${address}`,
        `  Web app:  ${address}/`,
        `  Docs:     ${address}/docs   (OpenAPI document: ${address}/openapi.json)`,
        `  Health:   ${address}/healthz, ${address}/readyz, metrics: ${address}/metrics`,
    ];
    const demo = env.CARELEDGER_DEMO_TOKENS ?? (ledger.kind === 'embedded' ? '1' : '0');
    if (demo === '1') {
        const file = path.join(stateDir, 'demo-tokens.json');
        const demoTokens = await issueDemoTokens({
            ledger,
            org: config.org,
            tokens,
            consortiumFile: path.join(projectRoot(), 'network', 'consortium.json'),
            file,
        });
        personas = demoPersonas(path.join(projectRoot(), 'network', 'consortium.json'), {
            [config.org]: { url: address, tokens: demoTokens },
        });
        const [firstUser, firstToken] = Object.entries(demoTokens).find(([user]) => user !== 'admin') ?? [];
        lines.push(`  Tokens:   demo users' bearer tokens are in ${file}`);
        if (firstUser) {
            lines.push(
                `  Try:      curl -H "Authorization: Bearer ${firstToken}" ${address}/system/whoami   # as ${firstUser}`,
            );
        }
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`careledger gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
    });
}
