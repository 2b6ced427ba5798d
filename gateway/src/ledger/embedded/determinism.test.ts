import { CareLedgerContract, toBytes } from '@careledger/chaincode';
import { Context, Transaction } from 'fabric-contract-api';
import { loadLedgerConfig } from '../config';
import type { Ledger, LedgerSession } from '../ledger';
import { openEmbeddedLedger } from './index';

/** Transactions that a real network would reject because endorsers disagree. */
class NonDeterministicContract extends CareLedgerContract {
    constructor() {
        super('nd');
    }

    @Transaction()
    async WallClock(ctx: Context): Promise<void> {
        await ctx.stub.putState('clock', toBytes({ at: Date.now() }));
    }

    @Transaction()
    async Random(ctx: Context): Promise<void> {
        await ctx.stub.putState('random', toBytes({ n: Math.random() }));
    }

    @Transaction()
    async Deterministic(ctx: Context): Promise<void> {
        await ctx.stub.putState('fixed', toBytes({ tx: ctx.stub.getTxID() }));
    }
}

describe('embedded ledger determinism check', () => {
    let ledger: Ledger;
    let session: LedgerSession;
    beforeAll(async () => {
        ledger = await openEmbeddedLedger(
            { ...loadLedgerConfig({}), dataDir: ':memory:' },
            { contracts: [NonDeterministicContract] },
        );
        session = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
    });
    afterAll(() => ledger.close());

    it.each(['WallClock', 'Random'])('fails %s with ENDORSEMENT_FAILURE naming the function', async (name) => {
        const error = await session.submit({ contract: 'nd', name }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'LedgerError', code: 'ENDORSEMENT_FAILURE' });
        expect((error as Error).message).toContain(`nd:${name}`);
        expect((error as Error).message).toContain('HospitalMSP and ManufacturerMSP');
    });

    it('commits a deterministic transaction, in the first block: the rejected ones were never ordered', async () => {
        await expect(session.submit({ contract: 'nd', name: 'Deterministic' })).resolves.toMatchObject({
            blockNumber: 1n,
        });
    });
});
