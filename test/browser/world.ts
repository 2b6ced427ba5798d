import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoPersonas, type WebPersona } from '../../gateway/src/server/web-app';
import { projectRoot } from '../../gateway/src/ledger';
import { openScenarioLedger, type ScenarioLedger } from '../support/ledger';
import { licenseViaRest } from '../scenarios/rest-licensing';
import { startGateway, type RestGateway } from '../scenarios/rest-support';
import type { HistoryIndex } from '../../gateway/src/history';
import { caughtUpIndex } from '../history/support';

/**
 * The consortium the browser journeys run against: one gateway per org over one ledger
 * (embedded, or the Fabric network with CARELEDGER_LEDGER=fabric), each serving the built web
 * app at `/` and every org's demo personas at /app/config, on 127.0.0.1 port 0.
 */
export interface World {
    env: ScenarioLedger;
    gateways: Record<string, RestGateway>;
    personas: WebPersona[];
    /**
     * With `history: true`, the history index every gateway serves under /history (the regulator's
     * peer's blocks, PGlite in memory or CARELEDGER_HISTORY_PG), as `npm start` runs it on the
     * embedded ledger. It follows the ledger only when told: `index.catchUp()` ingests every block
     * committed so far, so a test knows which blocks its pages reflect.
     */
    index?: HistoryIndex;
    close(): Promise<void>;
}

export async function startWorld(
    orgs = ['hospital', 'manufacturer', 'distributor', 'regulator'],
    options: { history?: boolean } = {},
): Promise<World> {
    const env = await openScenarioLedger();
    const index = options.history ? await caughtUpIndex(env.ledger, 'regulator') : undefined;
    let personas: WebPersona[] = [];
    const gateways: Record<string, RestGateway> = {};
    for (const org of orgs) {
        gateways[org] = await startGateway(env, org, { web: { personas: () => personas }, history: index });
    }
    const consortium = path.join(projectRoot(), 'network', 'consortium.json');
    const users = (org: string) =>
        (
            JSON.parse(fs.readFileSync(consortium, 'utf8')) as {
                orgs: Array<{ org: string; users: Array<{ name: string }> }>;
            }
        ).orgs
            .find((o) => o.org === org)!
            .users.map((u) => u.name);
    const tokens: Record<string, { url: string; tokens: Record<string, string> }> = {};
    for (const org of orgs) {
        const entries = await Promise.all(users(org).map(async (u) => [u, await gateways[org].token(u)] as const));
        tokens[org] = { url: gateways[org].url, tokens: Object.fromEntries(entries) };
    }
    personas = demoPersonas(consortium, tokens);
    return {
        env,
        gateways,
        personas,
        index,
        async close() {
            await Promise.all(Object.values(gateways).map((g) => g.app.close()));
            await index?.close();
            await env.close();
        },
    };
}

/** What a development ledger's demo world needs for the journeys: partners and licences (idempotent). */
export async function seedBasics(world: World): Promise<void> {
    const regulator = world.gateways.regulator;
    const inspector = await regulator.token('inspector1');
    for (const [mspId, kind] of [
        ['ManufacturerMSP', 'manufacturer'],
        ['DistributorMSP', 'distributor'],
        ['HospitalMSP', 'dispenser'],
    ]) {
        const authorised = await regulator.call('POST', '/supply/partners', {
            token: inspector,
            body: { mspId, kind },
        });
        if (authorised.status !== 200 && authorised.status !== 409) {
            throw new Error(`authorising ${mspId}: ${JSON.stringify(authorised.body)}`);
        }
    }
    await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0001' }, 'MedicalLicense');
    await licenseViaRest(regulator, { mspId: 'HospitalMSP', actorId: 'prac-hosp-0201' }, 'PharmacistLicense');
}
