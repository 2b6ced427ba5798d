import { loadLedgerConfig, openLedger, type Ledger } from '../ledger';
import { IndexFollower } from './index-follow';
import { nowMs } from './recorder';

describe('IndexFollower', () => {
    let ledger: Ledger;

    beforeAll(async () => {
        ledger = await openLedger({ ...loadLedgerConfig({}), dataDir: ':memory:' });
    });

    afterAll(async () => {
        await ledger?.close();
    });

    it('times every block committed in a window from the listener to the index, and counts its transactions', async () => {
        const admin = await ledger.identities.get('regulator', 'admin');
        const writer = ledger.connect(admin);
        await writer.submit({ contract: 'system', name: 'Ping', args: ['before the follower'] });
        const follower = await IndexFollower.start(
            'pglite-memory',
            ledger.connect(admin),
            ledger.connect(admin),
            process.cwd(),
            () => undefined,
        );
        try {
            const fromMs = nowMs();
            const committed = [];
            for (let i = 0; i < 5; i++) {
                committed.push(await writer.submit({ contract: 'system', name: 'Ping', args: [`followed ${i}`] }));
            }
            const blocks = new Set(committed.map((result) => result.blockNumber)).size;
            // The listener gets a block a moment after its submit returned; the window ends once it has every one.
            while (follower.lagIn({ fromMs, toMs: nowMs() }).blocks < blocks) {
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
            const toMs = nowMs();
            await follower.drain();
            const lag = follower.lagIn({ fromMs, toMs });
            expect(lag).toMatchObject({ database: 'pglite-memory', blocks, notIndexed: 0 });
            // The index may commit the window's last blocks after it ends: its writes are counted up to now.
            expect(follower.lagIn({ fromMs, toMs: nowMs() }).writes).toBeGreaterThanOrEqual(1);
            expect(lag.committedTxPerSecond).toBeCloseTo((5 * 1000) / (toMs - fromMs), 6);
            // Every block of the window was indexed after the listener saw it or at most as early: a lag per block.
            expect(lag.lagMs.max).toBeGreaterThanOrEqual(lag.lagMs.p50);
            // Nothing before the window counts.
            expect(follower.lagIn({ fromMs: toMs, toMs: toMs + 1 }).blocks).toBe(0);
        } finally {
            await follower.close();
        }
    });
});
