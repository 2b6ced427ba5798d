import { Worker } from 'node:worker_threads';

/**
 * PGlite on a worker thread of its own. Two reasons: queries and ingestion run off the
 * gateway's event loop (a long report never stalls the REST server), and PGlite's WebAssembly
 * loader uses dynamic `import()`, which only a real Node context (not a test runner's VM)
 * supports. The worker is plain JavaScript evaluated from this string, so it runs the same
 * from TypeScript sources and from the build.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.module);
let db;
const ready = PGlite.create(workerData.dataDir, { parsers: { 20: (value) => Number(value) } }).then((created) => (db = created));
parentPort.on('message', async ({ id, op, sql, params }) => {
    try {
        await ready;
        if (op === 'close') {
            await db.close();
            parentPort.postMessage({ id, rows: [] });
            return;
        }
        if (op === 'exec') {
            await db.exec(sql);
            parentPort.postMessage({ id, rows: [] });
            return;
        }
        const result = await db.query(sql, params);
        parentPort.postMessage({ id, rows: result.rows });
    } catch (error) {
        parentPort.postMessage({ id, error: { message: String(error && error.message || error), code: error && error.code } });
    }
});
ready.catch((error) => parentPort.postMessage({ id: 0, error: { message: 'PGlite failed to start: ' + error.message } }));
`;

export class PGliteThread {
    private readonly worker: Worker;
    private readonly pending = new Map<
        number,
        { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }
    >();
    private nextId = 1;
    private failure?: Error;

    constructor(dataDir: string | undefined) {
        this.worker = new Worker(workerSource, {
            eval: true,
            workerData: { module: require.resolve('@electric-sql/pglite'), dataDir },
        });
        this.worker.unref();
        this.worker.on(
            'message',
            ({ id, rows, error }: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
                if (id === 0 && error) {
                    this.fail(new Error(error.message));
                    return;
                }
                const call = this.pending.get(id);
                this.pending.delete(id);
                if (!call) {
                    return;
                }
                if (error) {
                    call.reject(Object.assign(new Error(error.message), { code: error.code }));
                } else {
                    call.resolve(rows ?? []);
                }
            },
        );
        this.worker.on('error', (error) => this.fail(error));
        this.worker.on('exit', () => this.fail(new Error('the PGlite thread exited')));
    }

    call(op: 'query' | 'exec' | 'close', sql = '', params: readonly unknown[] = []): Promise<unknown[]> {
        if (this.failure) {
            return Promise.reject(this.failure);
        }
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.worker.ref();
            this.worker.postMessage({ id, op, sql, params });
        }).finally(() => {
            if (this.pending.size === 0) {
                this.worker.unref();
            }
        }) as Promise<unknown[]>;
    }

    async close(): Promise<void> {
        await this.call('close').catch(() => undefined);
        await this.worker.terminate();
    }

    private fail(error: Error): void {
        this.failure ??= error;
        this.pending.forEach((call) => call.reject(error));
        this.pending.clear();
    }
}
