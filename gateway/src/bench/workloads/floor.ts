import type { LedgerSession } from '../../ledger';
import { EvaluatingUsers, forEachConcurrently, type Workload } from '../workload';

/** A value of the size of a small CareLedger argument; the floor stores it as it is. */
const FloorValue = 'x'.repeat(64);
const ReadKeys = 200;

/** One putState in the floor chaincode: what any transaction on this network costs at least. */
export const floorPut: Workload = {
    name: 'floor-put',
    title: 'Floor: one putState (bench chaincode)',
    call: 'submit',
    operation: 'floor:Put of a new key, 64-byte value (no read, no event)',
    callsPerOp: 1,
    async prepare(context) {
        // The same user and gateway peer as the EHR workloads, so the comparison is like for like.
        const session = await context.floorSession('hospital', 'physician1');
        return async (client, seq) => {
            await session.submit({
                contract: 'floor',
                name: 'Put',
                args: [`p-${context.tag}-${client}-${seq}`, FloorValue],
            });
        };
    },
};

/** One getState in the floor chaincode, evaluated. */
export const floorGet: Workload = {
    name: 'floor-get',
    title: 'Floor: one getState (bench chaincode, evaluate)',
    call: 'evaluate',
    operation: 'floor:Get of an existing key, on the gateway peer of a user of each org in turn',
    callsPerOp: 1,
    async prepare(context) {
        const writer = await context.floorSession('hospital', 'physician1');
        const keys = Array.from({ length: ReadKeys }, (_, index) => `g-${context.tag}-${index}`);
        await forEachConcurrently(keys, 25, (key) =>
            writer.submit({ contract: 'floor', name: 'Put', args: [key, FloorValue] }),
        );
        const sessions: LedgerSession[] = [];
        for (const [org, user] of EvaluatingUsers) {
            sessions.push(await context.floorSession(org, user));
        }
        return async (client, seq) => {
            await sessions[client % sessions.length].evaluate({
                contract: 'floor',
                name: 'Get',
                args: [keys[(client * 31 + seq) % keys.length]],
            });
        };
    },
};
