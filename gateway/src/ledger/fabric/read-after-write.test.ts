import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { CommitStatusError } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../errors';
import { ledgerErrorFrom } from './errors';
import { ReadAfterWrite } from './read-after-write';

const request = (label: string) => new TextEncoder().encode(label);

describe('ReadAfterWrite', () => {
    test('nothing to wait for before the ledger has written', async () => {
        const waits: string[] = [];
        await new ReadAfterWrite().catchUp('peer0', async () => waits.push('x'));
        expect(waits).toEqual([]);
    });

    test('the peer that committed the write is not asked again', async () => {
        const tracker = new ReadAfterWrite();
        tracker.committed('peer0', 5n, request('tx5'));
        const waits: string[] = [];
        await tracker.catchUp('peer0', async () => waits.push('peer0'));
        expect(waits).toEqual([]);
    });

    test("another peer waits once for the latest write's commit, then is known to be current", async () => {
        const tracker = new ReadAfterWrite();
        tracker.committed('peer0', 5n, request('tx5'));
        tracker.committed('peer0', 7n, request('tx7'));
        tracker.committed('peer0', 6n, request('tx6'));
        const waited: string[] = [];
        const awaitCommit = async (commitRequest: Uint8Array) => waited.push(new TextDecoder().decode(commitRequest));
        await tracker.catchUp('peer1', awaitCommit);
        await tracker.catchUp('peer1', awaitCommit);
        expect(waited).toEqual(['tx7']);
    });

    test('a peer that failed to catch up is asked again next time', async () => {
        const tracker = new ReadAfterWrite();
        tracker.committed('peer0', 3n, request('tx3'));
        await expect(
            tracker.catchUp('peer1', async () => {
                throw new Error('unreachable');
            }),
        ).rejects.toThrow('unreachable');
        const waited: string[] = [];
        await tracker.catchUp('peer1', async () => waited.push('again'));
        expect(waited).toEqual(['again']);
    });

    test("a failed wait never passes on the other transaction's id: the error is UNAVAILABLE with no id", async () => {
        const tracker = new ReadAfterWrite();
        tracker.committed('peer0', 3n, request('tx-of-another-user'));
        // What fabric-gateway throws when the peer asked for that commit status is down: the
        // error names the transaction whose status was asked for, which is not the caller's.
        const peerDown = new CommitStatusError({
            code: GrpcStatus.UNAVAILABLE,
            message: '14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7210',
            transactionId: 'tx-of-another-user',
            details: [],
            cause: Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7210'), {
                code: GrpcStatus.UNAVAILABLE,
                details: 'connect ECONNREFUSED 127.0.0.1:7210',
                metadata: new Metadata(),
            }),
        });
        const failure = await tracker
            .catchUp('peer1', async () => {
                throw peerDown;
            })
            .then(
                () => undefined,
                (error: unknown) => error,
            );
        expect(failure).toBeInstanceOf(LedgerError);
        // As the session maps it, before and after it has a transaction of its own.
        for (const mapped of [ledgerErrorFrom(failure), ledgerErrorFrom(failure, undefined)]) {
            expect(mapped.code).toBe('UNAVAILABLE');
            expect(mapped.transactionId).toBeUndefined();
            expect(mapped.message).not.toContain('tx-of-another-user');
        }
        expect((failure as LedgerError).detail).toContain('ECONNREFUSED');
    });
});
