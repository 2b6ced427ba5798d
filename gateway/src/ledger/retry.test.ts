import { LedgerError } from './errors';
import type { LedgerSession, SubmitResult, TransactionRequest } from './ledger';
import { backoffDelay, withRetry } from './retry';

/** A session whose submit fails with the queued errors, then succeeds. */
function fakeSession(failures: LedgerError[]): LedgerSession & { calls: number } {
    const fake = {
        calls: 0,
        identity: { mspId: 'HospitalMSP', certificate: 'cert' },
        async submit(_request: TransactionRequest): Promise<SubmitResult> {
            fake.calls += 1;
            const failure = failures.shift();
            if (failure) {
                throw failure;
            }
            return { result: Buffer.from('ok'), transactionId: `tx${fake.calls}`, blockNumber: 7n };
        },
        async evaluate(): Promise<Uint8Array> {
            fake.calls += 1;
            throw new LedgerError('MVCC_CONFLICT', 'never retried');
        },
        async events(): Promise<never> {
            throw new Error('not used');
        },
        async blocks(): Promise<never> {
            throw new Error('not used');
        },
        async chainHeight(): Promise<never> {
            throw new Error('not used');
        },
    };
    return fake;
}

const request = { contract: 'system', name: 'Ping', args: ['x'] };
const mvcc = () => new LedgerError('MVCC_CONFLICT', 'MVCC_READ_CONFLICT');

describe('withRetry', () => {
    it('retries MVCC conflicts with growing delays and returns the eventual result', async () => {
        const delays: number[] = [];
        const session = fakeSession([mvcc(), mvcc()]);
        const retried = withRetry(session, {
            random: () => 0.5,
            baseDelayMs: 100,
            sleep: async (ms) => void delays.push(ms),
        });
        const result = await retried.submit(request);
        expect(result.transactionId).toBe('tx3');
        expect(session.calls).toBe(3);
        expect(delays).toEqual([50, 100]);
    });

    it('gives up after the bounded number of retries with the last conflict', async () => {
        const session = fakeSession([mvcc(), mvcc(), mvcc(), mvcc(), mvcc()]);
        const retried = withRetry(session, { attempts: 3, sleep: async () => undefined });
        await expect(retried.submit(request)).rejects.toMatchObject({ code: 'MVCC_CONFLICT' });
        expect(session.calls).toBe(4);
    });

    it('does not retry contract rejections', async () => {
        const session = fakeSession([new LedgerError('CONFLICT', 'already exists', { field: 'id' })]);
        const retried = withRetry(session, { sleep: async () => undefined });
        await expect(retried.submit(request)).rejects.toMatchObject({ code: 'CONFLICT', field: 'id' });
        expect(session.calls).toBe(1);
    });

    it('passes evaluates through once', async () => {
        const session = fakeSession([]);
        await expect(withRetry(session).evaluate(request)).rejects.toMatchObject({ code: 'MVCC_CONFLICT' });
        expect(session.calls).toBe(1);
    });

    it('reports each retry', async () => {
        const seen: number[] = [];
        const retried = withRetry(fakeSession([mvcc()]), {
            sleep: async () => undefined,
            onRetry: (_e, n) => seen.push(n),
        });
        await retried.submit(request);
        expect(seen).toEqual([1]);
    });
});

describe('backoffDelay', () => {
    it('doubles the ceiling per attempt and caps it', () => {
        const top = () => 0.999999;
        expect(backoffDelay(1, { random: top, baseDelayMs: 10 })).toBe(9);
        expect(backoffDelay(4, { random: top, baseDelayMs: 10 })).toBe(79);
        expect(backoffDelay(20, { random: top, baseDelayMs: 10, maxDelayMs: 500 })).toBe(499);
        expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    });

    it('retries endorsers that disagreed because one had not committed a concurrent write yet, not other endorsement failures', async () => {
        const disagreed = new LedgerError(
            'ENDORSEMENT_FAILURE',
            'ProposalResponsePayloads do not match; 10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info',
        );
        const session = fakeSession([disagreed]);
        await expect(withRetry(session, { sleep: async () => undefined }).submit(request)).resolves.toMatchObject({
            transactionId: 'tx2',
        });
        const policy = new LedgerError('ENDORSEMENT_FAILURE', 'failed to collect enough transaction endorsements');
        const refused = fakeSession([policy]);
        await expect(withRetry(refused, { sleep: async () => undefined }).submit(request)).rejects.toBe(policy);
        expect(refused.calls).toBe(1);
    });
});
