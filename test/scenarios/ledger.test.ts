import { openScenarioLedger, uniqueId, type ScenarioLedger } from '../support/ledger';
import type { LedgerEvent, LedgerSession, SubmitResult } from '../../gateway/src/ledger';

/**
 * Ledger semantics every backend must share, observed through the ledger interface and the
 * system contract's heartbeats (a read-modify-write of one key, its history, a paginated
 * listing). The same expectations hold on the embedded ledger and on Fabric.
 */
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

interface Heartbeat {
    group: string;
    name: string;
    count: number;
    mspId: string;
    txId: string;
    at: string;
}

describe(`ledger semantics (${process.env.CARELEDGER_LEDGER ?? 'embedded'})`, () => {
    let env: ScenarioLedger;
    let operator: LedgerSession;
    let inspector: LedgerSession;

    beforeAll(async () => {
        env = await openScenarioLedger();
        operator = await env.session('manufacturer', 'operator1');
        inspector = await env.session('regulator', 'inspector1');
    });
    afterAll(() => env.close());

    const beat = (group: string, name: string) =>
        operator.submit({ contract: 'system', name: 'Beat', args: [group, name] });

    /** The first `count` Beat events of `group` (a shared network carries other tests' events too). */
    async function beatsOf(stream: AsyncIterable<LedgerEvent>, group: string, count: number): Promise<LedgerEvent[]> {
        const events: LedgerEvent[] = [];
        for await (const event of stream) {
            if (event.eventName === 'system.Beat' && (JSON.parse(text(event.payload)) as Heartbeat).group === group) {
                events.push(event);
            }
            if (events.length === count) {
                break;
            }
        }
        return events;
    }

    it('invalidates the later of two concurrent submits that read the same key (MVCC), discarding its writes', async () => {
        const group = uniqueId('mvcc');
        await beat(group, 'n');
        const results = await Promise.allSettled([beat(group, 'n'), beat(group, 'n')]);

        const fulfilled = results.filter((r): r is PromiseFulfilledResult<SubmitResult> => r.status === 'fulfilled');
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect([fulfilled.length, rejected.length]).toEqual([1, 1]);
        expect(rejected[0].reason).toMatchObject({ name: 'LedgerError', code: 'MVCC_CONFLICT' });

        const history = JSON.parse(
            text(await inspector.evaluate({ contract: 'system', name: 'BeatHistory', args: [group, 'n'] })),
        );
        expect(history.map((version: { count: number }) => version.count)).toEqual([2, 1]);
        expect(history[0].txId).toBe(fulfilled[0].value.transactionId);
    });

    it('reports key history newest first, with transaction ids and timestamps', async () => {
        const group = uniqueId('history');
        const submitted = [];
        for (let i = 0; i < 3; i++) {
            submitted.push(await beat(group, 'n'));
        }
        const history = JSON.parse(
            text(await inspector.evaluate({ contract: 'system', name: 'BeatHistory', args: [group, 'n'] })),
        ) as Array<{
            txId: string;
            timestamp: string;
            isDelete: boolean;
            count: number;
        }>;
        expect(history.map(({ txId, isDelete, count }) => ({ txId, isDelete, count }))).toEqual([
            { txId: submitted[2].transactionId, isDelete: false, count: 3 },
            { txId: submitted[1].transactionId, isDelete: false, count: 2 },
            { txId: submitted[0].transactionId, isDelete: false, count: 1 },
        ]);
        const times = history.map((version) => Date.parse(version.timestamp));
        expect(times.every((time) => !Number.isNaN(time))).toBe(true);
        expect([...times].sort((a, b) => b - a)).toEqual(times);
        const latest = JSON.parse(text(submitted[2].result)) as Heartbeat;
        expect(latest.at).toBe(history[0].timestamp);
    });

    it('pages through a range with bookmarks until the bookmark is empty', async () => {
        const group = uniqueId('pages');
        for (const name of ['e', 'c', 'a', 'd', 'b']) {
            await beat(group, name);
        }
        const pages: string[][] = [];
        let bookmark = '';
        do {
            const page = JSON.parse(
                text(await inspector.evaluate({ contract: 'system', name: 'ListBeats', args: [group, '2', bookmark] })),
            ) as { items: Heartbeat[]; bookmark: string };
            pages.push(page.items.map((item) => item.name));
            bookmark = page.bookmark;
        } while (bookmark !== '' && pages.length < 10);
        expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    });

    it('delivers chaincode events after commit with block number and transaction id, and resumes after a checkpoint', async () => {
        const group = uniqueId('events');
        const stream = await inspector.events();
        const submitted = [await beat(group, 'a'), await beat(group, 'b'), await beat(group, 'c')];
        const events = await beatsOf(stream, group, 3);
        stream.close();
        expect(events.map((event) => [event.transactionId, event.blockNumber])).toEqual(
            submitted.map((s) => [s.transactionId, s.blockNumber]),
        );

        const resumed = await inspector.events({
            from: { blockNumber: events[0].blockNumber, transactionId: events[0].transactionId },
        });
        const after = (await beatsOf(resumed, group, 2)).map((event) => event.transactionId);
        resumed.close();
        expect(after).toEqual([submitted[1].transactionId, submitted[2].transactionId]);
    });
});
