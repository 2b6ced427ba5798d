import { loadLedgerConfig } from '../config';
import type { Ledger } from '../ledger';
import { openEmbeddedLedger } from './index';

jest.setTimeout(60_000);

/**
 * A client with its own clock (as any org running an SDK client has) sends backdated proposals;
 * the contracts refuse those outside the documented window of the endorsing peer's clock (#17 finding 4).
 */
describe('embedded ledger: proposals from a client with its own clock', () => {
    const opened: Ledger[] = [];
    afterEach(async () => {
        await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
    });
    const open = async (skewMs: number) => {
        const ledger = await openEmbeddedLedger(
            { ...loadLedgerConfig({}), dataDir: ':memory:' },
            { clientClock: () => Date.now() + skewMs },
        );
        opened.push(ledger);
        return ledger.connect(await ledger.identities.get('manufacturer', 'operator1'));
    };
    const ping = { contract: 'system', name: 'Ping', args: ['clock'] };

    it('refuses a proposal stamped ten minutes in the past or future, submit and evaluate alike', async () => {
        for (const skew of [-10 * 60_000, 10 * 60_000]) {
            const session = await open(skew);
            await expect(session.submit(ping)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'timestamp' });
            await expect(session.evaluate({ contract: 'system', name: 'WhoAmI' })).rejects.toMatchObject({
                code: 'INVALID_ARGUMENT',
                field: 'timestamp',
            });
        }
    });

    it('endorses a proposal within the window (ordinary clock skew)', async () => {
        const session = await open(-60_000);
        const committed = await session.submit(ping);
        expect(committed.blockNumber).toBeGreaterThanOrEqual(1n);
    });
});
