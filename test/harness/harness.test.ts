import {
    CareLedgerContract,
    caller,
    emitEvent,
    fromBytes,
    implicitCollection,
    invalidArgument,
    toBytes,
    txTimeIso,
} from '@careledger/chaincode';
import { ContractHarness, HarnessError } from '@careledger/testing';
import { Context, Returns, Transaction } from 'fabric-contract-api';
import { createHash } from 'node:crypto';

/** A test-only contract that exercises the stub APIs contracts use. */
class ProbeContract extends CareLedgerContract {
    constructor() {
        super('probe');
    }

    @Transaction()
    @Returns('string')
    async Put(ctx: Context, key: string, value: string): Promise<string> {
        await ctx.stub.putState(key, Buffer.from(JSON.stringify({ value })));
        // Fabric's simulator does not show a transaction its own uncommitted writes.
        const own = await ctx.stub.getState(key);
        return JSON.stringify({ ownWriteVisible: own.length > 0 });
    }

    @Transaction()
    async Delete(ctx: Context, key: string): Promise<void> {
        await ctx.stub.deleteState(key);
    }

    @Transaction()
    async PutItem(ctx: Context, id: string): Promise<void> {
        await ctx.stub.putState(ctx.stub.createCompositeKey('probe.item', [id]), toBytes({ id }));
    }

    @Transaction(false)
    @Returns('string')
    async PageItems(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
        const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
            'probe.item',
            [],
            Number(pageSize),
            bookmark,
        );
        const ids: string[] = [];
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            ids.push(fromBytes<{ id: string }>(next.value.value).id);
        }
        await iterator.close();
        return JSON.stringify({ ids, bookmark: metadata.bookmark, fetched: metadata.fetchedRecordsCount });
    }

    @Transaction()
    async WriteThenPage(ctx: Context): Promise<void> {
        await ctx.stub.putState('probe-marker', Buffer.from('{}'));
        await ctx.stub.getStateByRangeWithPagination('', '', 10, '');
    }

    @Transaction()
    @Returns('string')
    async CountItems(ctx: Context): Promise<string> {
        let count = 0;
        for await (const entry of ctx.stub.getStateByPartialCompositeKey('probe.item', [])) {
            count += entry.key.startsWith('\u0000probe.item\u0000') ? 1 : 0;
        }
        return JSON.stringify({ count });
    }

    @Transaction(false)
    @Returns('string')
    async History(ctx: Context, key: string): Promise<string> {
        const entries: Array<{ txId: string; isDelete: boolean }> = [];
        for await (const entry of ctx.stub.getHistoryForKey(key)) {
            entries.push({ txId: entry.txId, isDelete: entry.isDelete });
        }
        return JSON.stringify(entries);
    }

    /** Stores the transient `secret` in the caller's org collection. */
    @Transaction()
    async PutSecret(ctx: Context, key: string): Promise<void> {
        const secret = ctx.stub.getTransient().get('secret');
        if (!secret) {
            throw invalidArgument('transient.secret', 'is required');
        }
        await ctx.stub.putPrivateData(implicitCollection(caller(ctx).mspId), key, secret);
    }

    @Transaction()
    @Returns('string')
    async ReadSecret(ctx: Context, key: string): Promise<string> {
        const value = await ctx.stub.getPrivateData(implicitCollection(caller(ctx).mspId), key);
        return Buffer.from(value).toString('utf8');
    }

    @Transaction()
    @Returns('string')
    async SecretHash(ctx: Context, mspId: string, key: string): Promise<string> {
        const hash = await ctx.stub.getPrivateDataHash(implicitCollection(mspId), key);
        return Buffer.from(hash).toString('hex');
    }

    @Transaction()
    async PurgeSecret(ctx: Context, key: string): Promise<void> {
        await ctx.stub.purgePrivateData(implicitCollection(caller(ctx).mspId), key);
    }

    @Transaction()
    @Returns('string')
    async Stamp(ctx: Context, key: string): Promise<string> {
        const record = { at: txTimeIso(ctx), by: caller(ctx) };
        await ctx.stub.putState(key, toBytes(record));
        emitEvent(ctx, 'probe.Stamped', { key, at: record.at });
        return JSON.stringify(record);
    }

    @Transaction()
    async WallClock(ctx: Context, key: string): Promise<void> {
        await ctx.stub.putState(key, toBytes({ at: new Date().toISOString() }));
    }

    @Transaction()
    async Random(ctx: Context, key: string): Promise<void> {
        await ctx.stub.putState(key, toBytes({ n: Math.random() }));
    }

    @Transaction()
    async Crash(): Promise<void> {
        throw new Error('not a contract error');
    }
}

describe('ContractHarness', () => {
    let h: ContractHarness;
    beforeEach(async () => {
        h = await ContractHarness.create({ contracts: [ProbeContract] });
    });

    const physician = () => h.identity({ mspId: 'HospitalMSP', role: 'physician', actorId: 'prac-1' });

    it('commits a submit, hides a transaction its own writes, and records the value', async () => {
        const r = await h.submit(physician(), 'probe:Put', ['k1', 'v1']);
        expect(r.json()).toEqual({ ownWriteVisible: false });
        expect(h.getState('k1')).toEqual({ value: 'v1' });
        expect(h.keys()).toEqual(['k1']);
        expect(r.txId).toMatch(/^[0-9a-f]{64}$/);
    });

    it('discards the writes of an evaluate', async () => {
        const before = h.snapshot();
        await h.evaluate(physician(), 'probe:Put', ['k1', 'v1']);
        expect(h.snapshot()).toEqual(before);
    });

    it('passes the certificate attributes and the set time to the contract, and returns its event', async () => {
        h.setTime('2026-03-04T05:06:07.089Z');
        const r = await h.submit(physician(), 'probe:Stamp', ['s1']);
        expect(r.json()).toMatchObject({
            at: '2026-03-04T05:06:07.089Z',
            by: { mspId: 'HospitalMSP', role: 'physician', actorId: 'prac-1' },
        });
        expect(r.event).toEqual({ name: 'probe.Stamped', payload: { key: 's1', at: '2026-03-04T05:06:07.089Z' } });

        h.advance(60_000);
        const later = await h.submit(physician(), 'probe:Stamp', ['s2']);
        expect(later.json<{ at: string }>().at).toBe('2026-03-04T05:07:07.089Z');
        const once = await h.submit(physician(), 'probe:Stamp', ['s3'], { time: '2030-01-01T00:00:00Z' });
        expect(once.json<{ at: string }>().at).toBe('2030-01-01T00:00:00.000Z');
    });

    it('omits attributes the identity does not have', async () => {
        const anonymous = h.identity({ mspId: 'ManufacturerMSP' });
        const r = await h.submit(anonymous, 'probe:Stamp', ['s1']);
        expect(r.json<{ by: object }>().by).toEqual({
            mspId: 'ManufacturerMSP',
            id: expect.stringMatching(/^x509::.*CN=user::.*CN=ca\.manufacturer\.careledger\.local$/),
        });
    });

    it('rejects with the typed contract error and leaves the ledger unchanged', async () => {
        await h.submit(physician(), 'probe:Put', ['k1', 'v1']);
        const before = h.snapshot();
        await expect(h.submit(physician(), 'probe:PutSecret', ['s1'])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'transient.secret',
            detail: 'is required',
        });
        await expect(h.submit(physician(), 'probe:NoSuchFunction')).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
            field: 'function',
        });
        expect(h.snapshot()).toEqual(before);
    });

    it('moves the state digest on every committed write (public, same value again, private, purge), not on a refusal or an evaluate', async () => {
        const digests = [h.stateDigest()];
        await h.submit(physician(), 'probe:Put', ['k1', 'v1']);
        digests.push(h.stateDigest());
        await h.submit(physician(), 'probe:Put', ['k1', 'v1']); // same value, new version: still a commit
        digests.push(h.stateDigest());
        await h.submit(physician(), 'probe:PutSecret', ['s1'], { transient: { secret: 'v' } });
        digests.push(h.stateDigest());
        await h.submit(physician(), 'probe:PurgeSecret', ['s1']);
        digests.push(h.stateDigest());
        expect(new Set(digests.slice(0, 4)).size).toBe(4);
        // The purge removed the value and its hash: the state is again what it was before the secret.
        expect(digests[4]).toBe(digests[2]);
        const before = h.stateDigest();
        await expect(h.submit(physician(), 'probe:PutSecret', ['s2'])).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
        });
        await h.evaluate(physician(), 'probe:Put', ['k2', 'v2']);
        expect(h.stateDigest()).toBe(before);
        expect(h.recomputeStateDigest()).toBe(before);
    });

    it('rejects an error that is not a contract error as INTERNAL', async () => {
        const error = await h.submit(physician(), 'probe:Crash').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HarnessError);
        expect(error).toMatchObject({ code: 'INTERNAL', detail: 'not a contract error' });
    });

    it('pages through composite keys with bookmarks, as Fabric does', async () => {
        for (const id of ['a', 'b', 'c', 'd', 'e']) {
            await h.submit(physician(), 'probe:PutItem', [id]);
        }
        const first = (await h.evaluate(physician(), 'probe:PageItems', ['2', ''])).json<{
            ids: string[];
            bookmark: string;
            fetched: number;
        }>();
        expect(first).toEqual({ ids: ['a', 'b'], bookmark: h.key('probe.item', 'c'), fetched: 2 });
        const second = (await h.evaluate(physician(), 'probe:PageItems', ['2', first.bookmark])).json<{
            ids: string[];
        }>();
        expect(second.ids).toEqual(['c', 'd']);
        const last = (await h.evaluate(physician(), 'probe:PageItems', ['2', h.key('probe.item', 'e')])).json();
        expect(last).toEqual({ ids: ['e'], bookmark: '', fetched: 1 });
        expect(h.keys('probe.item')).toHaveLength(5);
        expect((await h.submit(physician(), 'probe:CountItems')).json()).toEqual({ count: 5 });
    });

    it('refuses a paginated query in an update transaction, as the peer does', async () => {
        await expect(h.submit(physician(), 'probe:WriteThenPage')).rejects.toMatchObject({
            code: 'INTERNAL',
            detail: expect.stringContaining('Paginated queries are supported only in a read-only transaction'),
        });
    });

    it('keeps key history newest first, with deletes', async () => {
        const put1 = await h.submit(physician(), 'probe:Put', ['k', '1']);
        h.advance(1000);
        const put2 = await h.submit(physician(), 'probe:Put', ['k', '2']);
        const del = await h.submit(physician(), 'probe:Delete', ['k']);
        const fromChaincode = (await h.evaluate(physician(), 'probe:History', ['k'])).json();
        expect(fromChaincode).toEqual([
            { txId: del.txId, isDelete: true },
            { txId: put2.txId, isDelete: false },
            { txId: put1.txId, isDelete: false },
        ]);
        expect(h.history('k')).toEqual([
            { txId: del.txId, timestamp: '2026-01-01T00:00:01.000Z', isDelete: true, value: undefined },
            { txId: put2.txId, timestamp: '2026-01-01T00:00:01.000Z', isDelete: false, value: { value: '2' } },
            { txId: put1.txId, timestamp: '2026-01-01T00:00:00.000Z', isDelete: false, value: { value: '1' } },
        ]);
        expect(h.getState('k')).toBeUndefined();
    });

    it('stores transient data in the org collection, with its hash on the public side, and purges both', async () => {
        await h.submit(physician(), 'probe:PutSecret', ['s1'], { transient: { secret: '{"pii":"x"}' } });
        const collection = implicitCollection('HospitalMSP');
        expect(h.getPrivateData(collection, 's1')).toEqual({ pii: 'x' });
        expect(h.getState('s1')).toBeUndefined();
        const regulator = h.identity({ mspId: 'RegulatorMSP', role: 'inspector', actorId: 'insp-1' });
        const hash = await h.submit(regulator, 'probe:SecretHash', ['HospitalMSP', 's1']);
        expect(hash.payload).toMatch(/^[0-9a-f]{64}$/);
        const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
        expect(hash.payload).toBe(sha256('{"pii":"x"}'));
        expect(h.snapshot().hashes[collection]).toEqual({ [sha256('s1')]: hash.payload });

        await h.submit(physician(), 'probe:PurgeSecret', ['s1']);
        expect(h.getPrivateData(collection, 's1')).toBeUndefined();
        expect(h.snapshot()).toEqual({ public: {}, private: {}, hashes: {} });
    });

    it('evaluates a read of the caller org private data on that org peer', async () => {
        await h.submit(physician(), 'probe:PutSecret', ['s1'], { transient: { secret: 'v' } });
        expect((await h.evaluate(physician(), 'probe:ReadSecret', ['s1'])).payload).toBe('v');
    });

    it('fails a submit that reads private data only one endorser holds', async () => {
        await h.submit(physician(), 'probe:PutSecret', ['s1'], { transient: { secret: 'v' } });
        const error = await h.submit(physician(), 'probe:ReadSecret', ['s1']).catch((e: unknown) => e);
        expect(error).toMatchObject({
            code: 'ENDORSEMENT_FAILURE',
            detail: expect.stringContaining('private data matching public hash version is not available'),
        });
        expect((error as Error).message).toContain('probe:ReadSecret');
    });

    it('catches a transaction that reads the wall clock, naming the function', async () => {
        const error = await h.submit(physician(), 'probe:WallClock', ['w']).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'ENDORSEMENT_FAILURE' });
        expect((error as Error).message).toMatch(/probe:WallClock.*write of "w" differs/);
        expect(h.keys()).toEqual([]);
    });

    it('catches a transaction that uses randomness', async () => {
        await expect(h.submit(physician(), 'probe:Random', ['r'])).rejects.toMatchObject({
            code: 'ENDORSEMENT_FAILURE',
            detail: expect.stringContaining('probe:Random'),
        });
    });

    it('fails the later of two concurrent submits that read the same key with MVCC_CONFLICT', async () => {
        await h.submit(physician(), 'probe:Put', ['k', '0']);
        const results = await Promise.allSettled([
            h.submit(physician(), 'probe:Put', ['k', '1']),
            h.submit(physician(), 'probe:Put', ['k', '2']),
        ]);
        // Put reads its key after writing it, so both read the version `k` had before either committed.
        const statuses = results.map((r) => r.status).sort();
        expect(statuses).toEqual(['fulfilled', 'rejected']);
        const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(loser?.reason).toMatchObject({ code: 'MVCC_CONFLICT' });
        const winner = results.findIndex((r) => r.status === 'fulfilled');
        expect(h.getState('k')).toEqual({ value: String(winner + 1) });
    });

    it('loads the CareLedger contracts by default', async () => {
        const careledger = await ContractHarness.create();
        const r = await careledger.submit(careledger.identity({ mspId: 'RegulatorMSP' }), 'system:Ping', ['hi']);
        expect(r.event?.name).toBe('system.Pinged');
        expect(careledger.keys('system.ping')).toEqual([careledger.key('system.ping', r.txId)]);
    });
});
