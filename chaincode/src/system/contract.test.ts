import { ContractHarness } from '@careledger/testing';

describe('SystemContract', () => {
    let h: ContractHarness;
    beforeEach(async () => {
        h = await ContractHarness.create();
    });
    const operator = () => h.identity({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'op-1' });

    it('Ping records the ping under its transaction id and emits system.Pinged', async () => {
        const r = await h.submit(operator(), 'system:Ping', ['hello']);
        const ping = { message: 'hello', mspId: 'ManufacturerMSP', txId: r.txId, at: '2026-01-01T00:00:00.000Z' };
        expect(r.json()).toEqual(ping);
        expect(h.getState(h.key('system.ping', r.txId))).toEqual(ping);
        expect(r.event).toEqual({ name: 'system.Pinged', payload: ping });
    });

    it('Ping rejects a message outside its alphabet before writing', async () => {
        await expect(h.submit(operator(), 'system:Ping', ['<script>'])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'message',
        });
        expect(h.keys()).toEqual([]);
    });

    it('WhoAmI reports the certificate identity', async () => {
        const r = await h.evaluate(operator(), 'system:WhoAmI');
        expect(r.json()).toMatchObject({ mspId: 'ManufacturerMSP', role: 'operator', actorId: 'op-1' });
    });

    it('Beat counts per name and keeps every version in the key history, newest first', async () => {
        const first = await h.submit(operator(), 'system:Beat', ['g1', 'a']);
        h.advance(1000);
        const second = await h.submit(operator(), 'system:Beat', ['g1', 'a']);
        await h.submit(operator(), 'system:Beat', ['g1', 'b']);
        expect(second.json()).toMatchObject({ group: 'g1', name: 'a', count: 2, txId: second.txId });
        expect(second.event?.name).toBe('system.Beat');
        const history = await h.evaluate(operator(), 'system:BeatHistory', ['g1', 'a']);
        expect(history.json()).toEqual([
            { txId: second.txId, timestamp: '2026-01-01T00:00:01.000Z', isDelete: false, count: 2 },
            { txId: first.txId, timestamp: '2026-01-01T00:00:00.000Z', isDelete: false, count: 1 },
        ]);
    });

    it('ListBeats pages through one group only, in name order', async () => {
        for (const name of ['c', 'a', 'b']) {
            await h.submit(operator(), 'system:Beat', ['g1', name]);
        }
        await h.submit(operator(), 'system:Beat', ['g2', 'z']);
        const first = (await h.evaluate(operator(), 'system:ListBeats', ['g1', '2', ''])).json<{
            items: Array<{ name: string }>;
            bookmark: string;
        }>();
        expect(first.items.map((beat) => beat.name)).toEqual(['a', 'b']);
        const rest = (await h.evaluate(operator(), 'system:ListBeats', ['g1', '2', first.bookmark])).json<{
            items: Array<{ name: string }>;
            bookmark: string;
        }>();
        expect(rest).toMatchObject({ items: [{ name: 'c' }], bookmark: '' });
    });

    it('ListBeats rejects a page size out of range', async () => {
        await expect(h.evaluate(operator(), 'system:ListBeats', ['g1', '1000', ''])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'pageSize',
        });
    });
});
