import { submitUntilAccepted } from './ordering-retry';

/** A clock the fake sleep advances, so the bound is exact. */
function clock() {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

const unavailable = new Error('14 UNAVAILABLE: no orderers could successfully process transaction');
const rejected = new Error('10 ABORTED: received unsuccessful response from orderer: status=BAD_REQUEST');
const isRetryable = (error: unknown) => error === unavailable;

describe('submitUntilAccepted', () => {
    test('the same submit is tried again while ordering is unavailable, until it is accepted', async () => {
        const time = clock();
        const answers = [unavailable, unavailable, unavailable];
        const submit = jest.fn(async () => {
            const failure = answers.shift();
            if (failure) {
                throw failure;
            }
            return 'accepted';
        });
        await expect(
            submitUntilAccepted(submit, { retryForMs: 10_000, pauseMs: 250, isRetryable, ...time }),
        ).resolves.toBe('accepted');
        expect(submit).toHaveBeenCalledTimes(4);
        expect(time.now()).toBe(750);
    });

    test('gives up with the last error once the next attempt would start after retryForMs', async () => {
        const time = clock();
        const submit = jest.fn(async () => {
            throw unavailable;
        });
        await expect(
            submitUntilAccepted(submit, { retryForMs: 1_000, pauseMs: 250, isRetryable, ...time }),
        ).rejects.toBe(unavailable);
        // attempts at 0, 250, 500, 750 and 1000 ms; none after.
        expect(submit).toHaveBeenCalledTimes(5);
    });

    test('another failure (the orderer refused the transaction) is not tried again', async () => {
        const time = clock();
        const submit = jest.fn(async () => {
            throw rejected;
        });
        await expect(
            submitUntilAccepted(submit, { retryForMs: 10_000, pauseMs: 250, isRetryable, ...time }),
        ).rejects.toBe(rejected);
        expect(submit).toHaveBeenCalledTimes(1);
    });

    test('retryForMs 0: one attempt', async () => {
        const submit = jest.fn(async () => {
            throw unavailable;
        });
        await expect(
            submitUntilAccepted(submit, { retryForMs: 0, pauseMs: 250, isRetryable, ...clock() }),
        ).rejects.toBe(unavailable);
        expect(submit).toHaveBeenCalledTimes(1);
    });
});
