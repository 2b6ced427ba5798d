import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadLedgerConfig, openLedger } from '../ledger';
import { IndexFollower, type FollowDatabase, type IndexLag } from './index-follow';

/**
 * An {@link IndexFollower} on a worker thread of its own, with its own connection to the
 * network: the org's indexer as its gateway runs it, not sharing an event loop with the
 * benchmark's load generator (hundreds of clients of four orgs in one process, whose loop ran
 * timers up to a second late at peak and delayed every database round trip of the index).
 * Runs from the build (`npm run bench`): the worker is `index-follow-thread.js` beside this file.
 */
interface Start {
    database: FollowDatabase;
    root: string;
}

type Call = { op: 'lag'; window: { fromMs: number; toMs: number } } | { op: 'close' };
type Request = Call & { id: number };

type Reply = { id: number; lag?: IndexLag; error?: string } | { id: 0; log: string } | { id: 0; ready: number };

export class IndexFollowerThread {
    private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
    private nextId = 1;
    /** The worker's performance.timeOrigin: windows are sent on its clock. */
    private workerOrigin = performance.timeOrigin;

    private constructor(
        readonly database: FollowDatabase,
        private readonly worker: Worker,
    ) {}

    static start(database: FollowDatabase, root: string, log: (message: string) => void): Promise<IndexFollowerThread> {
        const worker = new Worker(path.join(__dirname, 'index-follow-thread.js'), {
            workerData: { database, root } satisfies Start,
        });
        const thread = new IndexFollowerThread(database, worker);
        return new Promise((resolve, reject) => {
            worker.on('message', (reply: Reply) => {
                if ('log' in reply) {
                    log(reply.log);
                    return;
                }
                if ('ready' in reply) {
                    thread.workerOrigin = reply.ready;
                    resolve(thread);
                    return;
                }
                const call = thread.pending.get(reply.id);
                thread.pending.delete(reply.id);
                if (reply.error !== undefined) {
                    call?.reject(new Error(reply.error));
                } else {
                    call?.resolve(reply);
                }
            });
            worker.on('error', (error) => {
                reject(error);
                thread.pending.forEach((call) => call.reject(error));
            });
        });
    }

    /** The lag over `window` (this thread's performance.now clock), once the index holds the window's blocks. */
    async lag(window: { fromMs: number; toMs: number }): Promise<IndexLag> {
        const shift = performance.timeOrigin - this.workerOrigin;
        const reply = await this.request({
            op: 'lag',
            window: { fromMs: window.fromMs + shift, toMs: window.toMs + shift },
        });
        return (reply as { lag: IndexLag }).lag;
    }

    async close(): Promise<void> {
        await this.request({ op: 'close' });
        await this.worker.terminate();
    }

    private request(request: Call): Promise<Reply> {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.worker.postMessage({ ...request, id });
        });
    }
}

async function runWorker(): Promise<void> {
    const port = parentPort!;
    const { database, root } = workerData as Start;
    const log = (message: string) => port.postMessage({ id: 0, log: message });
    const ledger = await openLedger({ ...loadLedgerConfig(), kind: 'fabric' });
    const regulator = await ledger.identities.get('regulator', 'admin');
    const follower = await IndexFollower.start(
        database,
        ledger.connect(regulator),
        ledger.connect(regulator),
        root,
        log,
    );
    port.on('message', async (request: Request) => {
        try {
            if (request.op === 'lag') {
                await follower.drain();
                port.postMessage({ id: request.id, lag: follower.lagIn(request.window) });
            } else {
                await follower.close();
                await ledger.close();
                port.postMessage({ id: request.id });
            }
        } catch (error) {
            port.postMessage({ id: request.id, error: (error as Error).message });
        }
    });
    port.postMessage({ id: 0, ready: performance.timeOrigin });
}

if (!isMainThread && (workerData as Start | undefined)?.database) {
    runWorker().catch((error: unknown) => {
        throw error;
    });
}
