import { awaitCommit } from './commit-wait';

/** A manual clock: timers fire only when the test advances it. */
function manualTimers() {
    let now = 0;
    const timers: Array<{ at: number; callback: () => void; cancelled: boolean }> = [];
    return {
        setTimer(callback: () => void, ms: number) {
            const timer = { at: now + ms, callback, cancelled: false };
            timers.push(timer);
            return { cancel: () => (timer.cancelled = true) };
        },
        /** Advances the clock by `ms`, firing due timers (and letting their promises settle). */
        async advance(ms: number) {
            const until = now + ms;
            for (;;) {
                const due = timers.filter((t) => !t.cancelled && t.at <= until).sort((a, b) => a.at - b.at)[0];
                if (!due) {
                    break;
                }
                due.cancelled = true;
                now = due.at;
                due.callback();
                await flush();
            }
            now = until;
        },
        pending: () => timers.filter((t) => !t.cancelled).length,
    };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function deferred<T>() {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

describe('awaitCommit', () => {
    test('a status that comes in time: the transaction is not sent again', async () => {
        const timers = manualTimers();
        const resubmit = jest.fn(async () => undefined);
        const status = deferred<string>();
        const waiting = awaitCommit(() => status.promise, resubmit, { resubmitAfterMs: 5_000, ...timers });
        await timers.advance(4_999);
        status.resolve('VALID');
        await expect(waiting).resolves.toEqual({ status: 'VALID', resubmits: 0 });
        await timers.advance(60_000);
        expect(resubmit).not.toHaveBeenCalled();
        expect(timers.pending()).toBe(0);
    });

    test('a slow status: the same transaction is sent again each period until the status comes', async () => {
        const timers = manualTimers();
        const resubmit = jest.fn(async () => undefined);
        const status = deferred<string>();
        const waiting = awaitCommit(() => status.promise, resubmit, { resubmitAfterMs: 5_000, ...timers });
        await timers.advance(5_000);
        expect(resubmit).toHaveBeenCalledTimes(1);
        await timers.advance(4_000);
        expect(resubmit).toHaveBeenCalledTimes(1);
        await timers.advance(1_000);
        expect(resubmit).toHaveBeenCalledTimes(2);
        status.resolve('VALID');
        await expect(waiting).resolves.toEqual({ status: 'VALID', resubmits: 2 });
        await timers.advance(60_000);
        expect(resubmit).toHaveBeenCalledTimes(2);
    });

    test('a failing resubmit does not end the wait; the status call decides', async () => {
        const timers = manualTimers();
        const resubmit = jest.fn(async () => {
            throw new Error('no orderers could successfully process transaction');
        });
        const status = deferred<string>();
        const waiting = awaitCommit(() => status.promise, resubmit, { resubmitAfterMs: 1_000, ...timers });
        await timers.advance(3_000);
        expect(resubmit).toHaveBeenCalledTimes(3);
        status.resolve('VALID');
        await expect(waiting).resolves.toEqual({ status: 'VALID', resubmits: 3 });
    });

    test("the status call's own failure (its deadline) is the result, and resubmitting stops", async () => {
        const timers = manualTimers();
        const resubmit = jest.fn(async () => undefined);
        const status = deferred<string>();
        const waiting = awaitCommit(() => status.promise, resubmit, { resubmitAfterMs: 1_000, ...timers });
        await timers.advance(1_000);
        status.reject(new Error('DEADLINE_EXCEEDED'));
        await expect(waiting).rejects.toThrow('DEADLINE_EXCEEDED');
        await timers.advance(10_000);
        expect(resubmit).toHaveBeenCalledTimes(1);
    });

    test('resubmitAfterMs 0: never sent again', async () => {
        const timers = manualTimers();
        const resubmit = jest.fn(async () => undefined);
        const status = deferred<string>();
        const waiting = awaitCommit(() => status.promise, resubmit, { resubmitAfterMs: 0, ...timers });
        await timers.advance(120_000);
        status.resolve('VALID');
        await expect(waiting).resolves.toEqual({ status: 'VALID', resubmits: 0 });
        expect(resubmit).not.toHaveBeenCalled();
    });
});
