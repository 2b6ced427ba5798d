import { supply } from '@careledger/chaincode';
import { SupplyClient } from '../../supply';
import { EvaluatingUsers, type BenchContext, type Workload } from '../workload';
import { ensureSupplyWorld, lotWithUnits, SupplyExpiry } from './supply';

/**
 * Bulk supply workloads (issue 19): a whole pallet shipped and received as one operation each,
 * and a list of packs verified in one query. Commissioning in bulk is `commission` in supply.ts.
 */

const Manufacturer = 'ManufacturerMSP';
const Distributor = 'DistributorMSP';
/** Packs one verify-list query names. */
export const VerifyListSize = 100;

/** A pallet of `cases` cases of `perCase` units, packed at the manufacturer; returns the pallet's SSCC. */
async function palletOf(
    context: BenchContext,
    maker: SupplyClient,
    gtin: string,
    client: number,
    cases: number,
    perCase: number,
): Promise<string> {
    const serials = await lotWithUnits(
        { gtin, manufacturer: maker },
        `P${context.tag}-${client}`,
        `p${client}.`,
        cases * perCase,
    );
    const ssccOf = (n: number) => ssccFor(`${context.tag}-${client}-${n}`);
    for (let c = 0; c < cases; c += 1) {
        await maker.pack(
            ssccOf(c + 1),
            serials.slice(c * perCase, (c + 1) * perCase).map((serial) => ({ gtin, serial })),
        );
    }
    const pallet = ssccOf(0);
    await maker.pack(
        pallet,
        Array.from({ length: cases }, (_, c) => ({ sscc: ssccOf(c + 1) })),
    );
    return pallet;
}

/** An SSCC-18 unique to `seed` (check digit computed). */
function ssccFor(seed: string): string {
    let hash = 0n;
    for (const char of seed) hash = (hash * 131n + BigInt(char.codePointAt(0)!)) % 10n ** 16n;
    const data = `0${hash.toString().padStart(16, '0')}`;
    return `${data}${supply.gs1.gs1CheckDigit(data)}`;
}

/**
 * Ship + receive of a pallet of 10 cases of 100 units (1,011 objects): one Ship of the pallet's
 * SSCC, one Receive of it. Each client has its own pallet, which goes to the distributor and
 * back to the manufacturer on alternate operations, so a run needs no more pallets than clients.
 */
export function bulkShipReceive(cases: number, perCase: number, maxClients: number): Workload {
    const units = cases * perCase;
    return {
        name: 'bulk-ship-receive',
        title: `Ship + receive a pallet of ${units.toLocaleString('en')} units`,
        call: 'submit',
        operation: `SupplyClient.ship of one pallet (${cases} cases of ${perCase} units) and SupplyClient.receive of it, alternately manufacturer → distributor and back`,
        callsPerOp: 2,
        units: { name: 'units', perOp: units },
        async prepare(context) {
            const world = await ensureSupplyWorld(context);
            const distributor = new SupplyClient(await context.session('distributor', 'operator1'));
            const pallets: string[] = [];
            for (let client = 0; client < maxClients; client += 1) {
                pallets.push(await palletOf(context, world.manufacturer, world.gtin, client, cases, perCase));
            }
            const atDistributor = pallets.map(() => false);
            return async (client) => {
                const item = [{ sscc: pallets[client] }];
                const [from, to, toMsp] = atDistributor[client]
                    ? [distributor, world.manufacturer, Manufacturer]
                    : [world.manufacturer, distributor, Distributor];
                await from.ship(item, toMsp);
                await to.receive(item);
                atDistributor[client] = !atDistributor[client];
            };
        },
    };
}

/** VerifyProducts of a list of scanned packs, on each org's peer in turn. */
export const verifyList: Workload = {
    name: 'verify-list',
    title: `Verify a list of ${VerifyListSize} packs (evaluate)`,
    call: 'evaluate',
    operation: `SupplyClient.verifyMany of ${VerifyListSize} scanned GS1 element strings, by a user of each org in turn`,
    callsPerOp: 1,
    units: { name: 'packs', perOp: VerifyListSize },
    floor: 'floor-get',
    async prepare(context) {
        const world = await ensureSupplyWorld(context);
        const lot = `VL${context.tag}`;
        const serials = await lotWithUnits(world, lot, 'vl', 1000);
        const scanned = serials.map((serial) => `(01)${world.gtin}(17)${SupplyExpiry}(10)${lot}(21)${serial}`);
        const verifiers: SupplyClient[] = [];
        for (const [org, user] of EvaluatingUsers) {
            verifiers.push(new SupplyClient(await context.session(org, user)));
        }
        return async (client, seq) => {
            const start = ((client * 31 + seq) * VerifyListSize) % scanned.length;
            const list = Array.from({ length: VerifyListSize }, (_, i) => scanned[(start + i) % scanned.length]);
            const results = await verifiers[client % verifiers.length].verifyMany(list);
            const failed = results.filter((result) => !result.verified).length;
            if (results.length !== VerifyListSize || failed > 0) {
                throw new Error(`verify-list: ${results.length} answers, ${failed} not verified`);
            }
        };
    },
};
