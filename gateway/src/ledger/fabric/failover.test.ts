import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { LedgerError } from '../errors';
import { Failover } from './failover';

const unreachable = () =>
    Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
        code: GrpcStatus.UNAVAILABLE,
        details: 'No connection established',
        metadata: new Metadata(),
    });

describe('Failover', () => {
    test('calls go to the first target while it answers', async () => {
        const failover = new Failover(['peer0', 'peer1']);
        const called: string[] = [];
        await failover.run(async (peer) => called.push(peer));
        await failover.run(async (peer) => called.push(peer));
        expect(called).toEqual(['peer0', 'peer0']);
    });

    test('an unreachable target moves the call, and later calls, to the next one', async () => {
        const failover = new Failover(['peer0', 'peer1']);
        const called: string[] = [];
        const result = await failover.run(async (peer) => {
            called.push(peer);
            if (peer === 'peer0') {
                throw unreachable();
            }
            return `answered by ${peer}`;
        });
        expect(result).toBe('answered by peer1');
        expect(failover.current).toBe('peer1');
        await failover.run(async (peer) => called.push(peer));
        expect(called).toEqual(['peer0', 'peer1', 'peer1']);
    });

    test('wraps around to the first target when a later one fails', async () => {
        const failover = new Failover(['peer0', 'peer1']);
        failover.markFailed('peer0');
        const answered = await failover.run(async (peer) => {
            if (peer === 'peer1') {
                throw unreachable();
            }
            return peer;
        });
        expect(answered).toBe('peer0');
    });

    test("the call's own errors are not retried elsewhere", async () => {
        const failover = new Failover(['peer0', 'peer1']);
        const called: string[] = [];
        const rejection = new LedgerError('FORBIDDEN', 'requires role physician');
        await expect(
            failover.run(async (peer) => {
                called.push(peer);
                throw rejection;
            }),
        ).rejects.toBe(rejection);
        expect(called).toEqual(['peer0']);
    });

    test('when every target is unreachable, the last error is thrown after one try each', async () => {
        const failover = new Failover(['peer0', 'peer1', 'peer2']);
        const called: string[] = [];
        await expect(
            failover.run(async (peer) => {
                called.push(peer);
                throw unreachable();
            }),
        ).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
        expect(called).toEqual(['peer0', 'peer1', 'peer2']);
    });

    test('skip moves past the current target only', () => {
        const failover = new Failover(['peer0', 'peer1']);
        failover.markFailed('peer1');
        expect(failover.current).toBe('peer0');
        failover.markFailed('peer0');
        expect(failover.current).toBe('peer1');
    });

    test('needs at least one target', () => {
        expect(() => new Failover([])).toThrow('at least one target');
    });
});
