/**
 * Fabric's commit lock: simulations share it, a commit takes it alone, so no simulation
 * sees a block half applied. Waiting commits go first, so commits are not starved.
 * Whoever releases the lock hands it over: the waiter is already counted when it wakes.
 */
export class ReadWriteLock {
    private readers = 0;
    private writer = false;
    private readonly waitingWriters: Array<() => void> = [];
    private waitingReaders: Array<() => void> = [];

    async read<T>(action: () => Promise<T>): Promise<T> {
        if (this.writer || this.waitingWriters.length) {
            await new Promise<void>((resolve) => this.waitingReaders.push(resolve));
        } else {
            this.readers++;
        }
        try {
            return await action();
        } finally {
            this.readers--;
            this.release();
        }
    }

    async write<T>(action: () => T | Promise<T>): Promise<T> {
        if (this.writer || this.readers) {
            await new Promise<void>((resolve) => this.waitingWriters.push(resolve));
        } else {
            this.writer = true;
        }
        try {
            return await action();
        } finally {
            this.writer = false;
            this.release();
        }
    }

    private release(): void {
        if (this.writer || this.readers) {
            return;
        }
        const nextWriter = this.waitingWriters.shift();
        if (nextWriter) {
            this.writer = true;
            nextWriter();
            return;
        }
        const readers = this.waitingReaders;
        this.waitingReaders = [];
        this.readers += readers.length;
        readers.forEach((resolve) => resolve());
    }
}
