import { createHash } from 'node:crypto';
import { supply } from '@careledger/chaincode';
import { SupplyClient } from '../../supply';
import { EvaluatingUsers, forEachConcurrently, type BenchContext, type Workload } from '../workload';

const Expiry = '301231';
/** Expiry of every benchmark lot. */
export const SupplyExpiry = Expiry;
const Distributor = 'DistributorMSP';
/** Units of the verification workload's lot. */
export const VerifiedUnits = 1000;

/** A GTIN-14 unique to `seed` (check digit computed), so each benchmark run has its own product. */
export function gtinFor(seed: string): string {
    const digits = BigInt(`0x${createHash('sha256').update(seed).digest('hex')}`)
        .toString()
        .slice(0, 12);
    const data = `0${digits}`;
    return `${data}${supply.gs1.gs1CheckDigit(data)}`;
}

export interface SupplyWorld {
    gtin: string;
    manufacturer: SupplyClient;
}

/** The trading partners authorised by the regulator, and this run's product. */
export function ensureSupplyWorld(context: BenchContext): Promise<SupplyWorld> {
    return context.once('supply-world', async () => {
        const regulator = new SupplyClient(await context.session('regulator', 'inspector1'));
        for (const [mspId, kind] of [
            ['ManufacturerMSP', 'manufacturer'],
            [Distributor, 'distributor'],
            ['HospitalMSP', 'dispenser'],
        ] as const) {
            await regulator.authorizePartner({ mspId, kind });
        }
        const manufacturer = new SupplyClient(await context.session('manufacturer', 'operator1'));
        const gtin = gtinFor(`bench-${context.tag}`);
        await manufacturer.registerProduct({ gtin, name: 'Benchmark tablet', strength: '1 mg', dosageForm: 'tablet' });
        return { gtin, manufacturer };
    });
}

/** Registers `lot` and commissions `count` units `<prefix><n>` into it, in batches of at most 5,000. */
export async function lotWithUnits(world: SupplyWorld, lot: string, prefix: string, count: number): Promise<string[]> {
    await world.manufacturer.registerLot({ gtin: world.gtin, lot, expiry: Expiry, quantity: supply.MaxLotQuantity });
    const serials = Array.from({ length: count }, (_, index) => `${prefix}${index}`);
    await world.manufacturer.commissionInBatches(world.gtin, lot, serials);
    return serials;
}

/**
 * Commissioning in batches. Each client commissions into its own lot: batches into one lot
 * conflict by design (the lot's quantity is checked by reading its batches).
 */
export function commission(batch: number, maxClients: number): Workload {
    return {
        name: 'commission',
        title: `Commission serials (batches of ${batch})`,
        call: 'submit',
        operation: `SupplyClient.commission of ${batch} new serials into the client's own lot`,
        callsPerOp: 1,
        // Measured in serials per second; a batch per second against the floor's transactions says nothing.
        units: { name: 'serials', perOp: batch },
        async prepare(context) {
            const world = await ensureSupplyWorld(context);
            const lotOf = (client: number) => `C${context.tag}-${client}`;
            const clients = Array.from({ length: maxClients }, (_, index) => index);
            await forEachConcurrently(clients, 10, (client) =>
                world.manufacturer.registerLot({
                    gtin: world.gtin,
                    lot: lotOf(client),
                    expiry: Expiry,
                    quantity: supply.MaxLotQuantity,
                }),
            );
            let batchNo = 0;
            return async (client) => {
                const prefix = `${(batchNo++).toString(36)}.`;
                const serials = Array.from({ length: batch }, (_, index) => `${prefix}${index}`);
                await world.manufacturer.commission(world.gtin, lotOf(client), serials);
            };
        },
    };
}

/** One unit shipped by the manufacturer to the distributor, then received by it. */
export const shipReceive: Workload = {
    name: 'ship-receive',
    title: 'Ship + receive a unit',
    call: 'submit',
    operation:
        'SupplyClient.ship of one unit (manufacturer to distributor), then SupplyClient.receive by the distributor',
    callsPerOp: 2,
    floor: 'floor-put',
    async prepare(context) {
        const world = await ensureSupplyWorld(context);
        const serials = await lotWithUnits(world, `S${context.tag}`, 'u', context.shipUnits);
        const distributor = new SupplyClient(await context.session('distributor', 'operator1'));
        let next = 0;
        return async () => {
            if (next >= serials.length) {
                throw new Error(`ship-receive: all ${serials.length} units are shipped; raise --ship-units`);
            }
            const unit = { gtin: world.gtin, serial: serials[next++] };
            await world.manufacturer.ship([unit], Distributor);
            await distributor.receive([unit]);
        };
    },
};

/** DSCSA verification of a scanned product identifier, evaluated on each org's peer in turn. */
export const verifyProduct: Workload = {
    name: 'verify-product',
    title: 'Verify a product (evaluate)',
    call: 'evaluate',
    operation: `SupplyClient.verify of a scanned GS1 element string, over ${VerifiedUnits} units, by a user of each org in turn`,
    callsPerOp: 1,
    floor: 'floor-get',
    async prepare(context) {
        const world = await ensureSupplyWorld(context);
        const lot = `V${context.tag}`;
        const serials = await lotWithUnits(world, lot, 'v', VerifiedUnits);
        const scanned = serials.map((serial) => `(01)${world.gtin}(17)${Expiry}(10)${lot}(21)${serial}`);
        const verifiers: SupplyClient[] = [];
        for (const [org, user] of EvaluatingUsers) {
            verifiers.push(new SupplyClient(await context.session(org, user)));
        }
        return async (client, seq) => {
            const result = await verifiers[client % verifiers.length].verify(
                scanned[(client * 31 + seq) % scanned.length],
            );
            if (!result.verified) {
                throw new Error(`verify-product: not verified (${result.verificationFailureReason})`);
            }
        };
    },
};
