import { loadLedgerConfig, openLedger, type Ledger, type LedgerSession } from '../ledger';
import { closedLoop } from './load';
import { Recorder } from './recorder';
import { summarize } from './stats';

/** The load generator and the recorder on the embedded ledger: real submits, real failures. */
describe('bench load on the embedded ledger', () => {
    let ledger: Ledger;
    let session: LedgerSession;
    const recorder = new Recorder();

    beforeAll(async () => {
        ledger = await openLedger({ ...loadLedgerConfig({}), dataDir: ':memory:' });
        session = recorder.instrument(ledger.connect(await ledger.identities.get('hospital', 'physician1')));
    });
    afterAll(() => ledger.close());

    it('runs every client concurrently and records one call per submit, nothing from before the run', async () => {
        await session.evaluate({ contract: 'system', name: 'WhoAmI' }); // setup: not part of the run
        const seen = new Set<number>();
        const result = await closedLoop(
            recorder,
            async (client, seq) => {
                seen.add(client);
                await session.submit({ contract: 'system', name: 'Ping', args: [`c${client} s${seq}`] });
            },
            { clients: 3, warmupMs: 0, durationMs: 300 },
        );
        expect([...seen].sort()).toEqual([0, 1, 2]);
        expect(result.ops.length).toBeGreaterThanOrEqual(3);
        expect(result.calls).toHaveLength(result.ops.length);
        expect(result.calls.every((call) => call.call === 'submit' && call.failure === undefined)).toBe(true);
        expect(result.errors).toEqual([]);
        const summary = summarize(result.calls, result.ops, result.window, 'submit');
        expect(summary.failed).toBe(0);
        expect(summary.succeeded).toBeLessThanOrEqual(result.calls.length);
    });

    it('records a rejected call as a failure and keeps the error message', async () => {
        const result = await closedLoop(
            recorder,
            async () => {
                await session.submit({ contract: 'system', name: 'Ping', args: ['not allowed: ~'] });
            },
            { clients: 1, warmupMs: 0, durationMs: 100 },
        );
        expect(result.calls.length).toBeGreaterThan(0);
        expect(result.calls.every((call) => call.failure === 'other')).toBe(true);
        expect(result.ops.every((op) => !op.ok)).toBe(true);
        expect(result.errors[0].message).toMatch(/INVALID_ARGUMENT\(message\)/);
    });
});
