import { createHash } from 'node:crypto';
import { supply } from '@careledger/chaincode';
import type { Ledger } from '../../gateway/src/ledger';
import { SupplyClient } from '../../gateway/src/supply';
import { consortium, openNetworkLedger } from './support';

/**
 * Fabric 3.1 batched state access on the real peers: the chaincode's 1,000-serial
 * commissioning reaches its endorsing peers as a few WRITE_BATCH_STATE and GET_STATE_MULTIPLE
 * messages, not 3,000 PUT_STATE / GET_STATE ones. Counted by the peers themselves
 * (`chaincode_shim_requests_received` on each peer's operations endpoint). When the network
 * runs with the peers' batching switched off (CARELEDGER_PEER_ENV with
 * CORE_CHAINCODE_RUNTIMEPARAMS_USEWRITEBATCH=false and ..._USEGETMULTIPLEKEYS=false, as a peer
 * before 3.1), the same test proves the patched shim falls back to one message per key and
 * the transaction still commits with the same result.
 */
jest.setTimeout(180_000);

const portBase = Number(process.env.CARELEDGER_PORT_BASE ?? 7000);
const batchingOff = /USEWRITEBATCH=false/i.test(process.env.CARELEDGER_PEER_ENV ?? '');
const Serials = 1000;

/** Sum over every peer of this network of the shim requests of CareLedger's chaincode, by message type. */
async function shimRequests(): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    let peers = 0;
    for (let index = 0; index < 20; index += 1) {
        let text: string;
        try {
            const response = await fetch(`http://127.0.0.1:${portBase + 204 + 10 * index}/metrics`);
            text = await response.text();
        } catch {
            continue; // no peer with this index
        }
        peers += 1;
        for (const line of text.split('\n')) {
            const match = /^chaincode_shim_requests_received\{([^}]*)\} (\S+)$/.exec(line);
            if (!match) continue;
            const labels = Object.fromEntries(
                [...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]),
            );
            if (!labels.chaincode?.startsWith(consortium.chaincode) || labels.chaincode.includes('bench')) continue;
            totals[labels.type] = (totals[labels.type] ?? 0) + Number(match[2]);
        }
    }
    if (peers < 2) {
        throw new Error(`found ${peers} peer operations endpoints from port ${portBase + 204}; is the network up?`);
    }
    return totals;
}

function delta(after: Record<string, number>, before: Record<string, number>, type: string): number {
    return (after[type] ?? 0) - (before[type] ?? 0);
}

function uniqueGtin(): string {
    const digits = BigInt(`0x${createHash('sha256').update(`batching-${Date.now()}-${Math.random()}`).digest('hex')}`)
        .toString()
        .slice(0, 12);
    return `0${digits}${supply.gs1.gs1CheckDigit(`0${digits}`)}`;
}

let ledger: Ledger;
let maker: SupplyClient;
const gtin = uniqueGtin();
const lot = 'BATCHING-1';

beforeAll(async () => {
    ledger = await openNetworkLedger();
    const regulator = new SupplyClient(ledger.connect(await ledger.identities.get('regulator', 'inspector1')));
    await regulator.authorizePartner({ mspId: 'ManufacturerMSP', kind: 'manufacturer' });
    maker = new SupplyClient(ledger.connect(await ledger.identities.get('manufacturer', 'operator1')));
    await maker.registerProduct({ gtin, name: 'Batching tablet', strength: '1 mg', dosageForm: 'tablet' });
    await maker.registerLot({ gtin, lot, expiry: '301231', quantity: 10_000 });
});

afterAll(async () => {
    await ledger?.close();
});

test(`commissioning ${Serials} serials: ${batchingOff ? 'one message per key (peers without batching)' : 'batched messages'}, same result`, async () => {
    const serials = Array.from({ length: Serials }, (_, i) => `S${i}`);
    const before = await shimRequests();
    const result = await maker.commission(gtin, lot, serials);
    const after = await shimRequests();
    expect(result.batch).toMatchObject({ gtin, lot, count: Serials });
    expect(await maker.getUnit({ gtin, serial: 'S999' })).toMatchObject({
        status: 'active',
        custodian: 'ManufacturerMSP',
    });

    const puts = delta(after, before, 'PUT_STATE');
    const gets = delta(after, before, 'GET_STATE');
    const writeBatches = delta(after, before, 'WRITE_BATCH_STATE');
    const multiGets = delta(after, before, 'GET_STATE_MULTIPLE');
    // Two orgs endorse: each endorsing peer runs the chaincode once.
    if (batchingOff) {
        expect(writeBatches).toBe(0);
        expect(multiGets).toBe(0);
        expect(puts).toBeGreaterThanOrEqual(2 * (2 * Serials + 2));
        expect(gets).toBeGreaterThanOrEqual(2 * Serials);
    } else {
        // 2,004 records in messages of at most 1,000 (core.yaml maxSizeWriteBatch): 4 per endorsement.
        expect(writeBatches).toBeGreaterThanOrEqual(2 * 3);
        expect(writeBatches).toBeLessThanOrEqual(2 * 5);
        expect(multiGets).toBeGreaterThanOrEqual(2);
        expect(puts).toBe(0);
        expect(gets).toBeLessThan(2 * 10);
    }
});
