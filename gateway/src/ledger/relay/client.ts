import * as http from 'node:http';
import { LedgerError } from '../errors';
import type {
    ClientIdentity,
    EventOptions,
    EventStream,
    IdentityDirectory,
    Ledger,
    LedgerEvent,
    LedgerSession,
    SigningIdentity,
    SubmitResult,
    TransactionRequest,
} from '../ledger';
import { errorFromWire, eventFromWire, requestToWire, type WireError, type WireEvent } from './protocol';

/**
 * The embedded ledger as another local process holds it, reached through that process's relay
 * (server.ts). Identities come from the holder's directory by org and user; every transaction
 * is signed there as that user, exactly as if this process had opened the ledger itself.
 */
export class RelayedLedger implements Ledger {
    readonly kind = 'embedded' as const;
    readonly identities: IdentityDirectory;
    /** Which org and user each identity handed out stands for. */
    private readonly callers = new WeakMap<object, { org: string; user: string }>();

    constructor(readonly socketPath: string) {
        const remember = (org: string, user: string, identity: ClientIdentity): SigningIdentity => {
            const signing: SigningIdentity = {
                ...identity,
                // Signing happens in the process that holds the ledger.
                signer: () =>
                    Promise.reject(new LedgerError('INTERNAL', 'relayed identities sign in the ledger process')),
            };
            this.callers.set(signing, { org, user });
            return signing;
        };
        this.identities = {
            get: async (org, user) => remember(org, user, await this.call<ClientIdentity>('/identity', { org, user })),
            orgs: () => this.call('/orgs', {}),
            register: async (org, registration) =>
                remember(org, registration.user, await this.call<ClientIdentity>('/register', { org, registration })),
            enrollWithCsr: (org, registration) => this.call('/enroll-csr', { org, registration }),
        };
    }

    /** Whether a relay answers on `socketPath`. */
    static async reachable(socketPath: string): Promise<boolean> {
        try {
            await new RelayedLedger(socketPath).call('/orgs', {});
            return true;
        } catch {
            return false;
        }
    }

    connect(identity: SigningIdentity): LedgerSession {
        const caller = this.callers.get(identity);
        if (!caller) {
            throw new LedgerError(
                'UNAUTHENTICATED',
                'the ledger is held by another process: act as a user from ledger.identities.get(org, user)',
            );
        }
        const call = <T>(route: string, body: unknown) => this.call<T>(route, body);
        return {
            identity: { mspId: identity.mspId, certificate: identity.certificate },
            async submit(request: TransactionRequest): Promise<SubmitResult> {
                const outcome = await call<{ result: string; transactionId: string; blockNumber: string }>('/submit', {
                    ...caller,
                    request: requestToWire(request),
                });
                return {
                    result: Buffer.from(outcome.result, 'base64'),
                    transactionId: outcome.transactionId,
                    blockNumber: BigInt(outcome.blockNumber),
                };
            },
            async evaluate(request: TransactionRequest): Promise<Uint8Array> {
                const { result } = await call<{ result: string }>('/evaluate', {
                    ...caller,
                    request: requestToWire(request),
                });
                return Buffer.from(result, 'base64');
            },
            events: (options?: EventOptions) => this.events(caller, options),
            // The history index runs in the process that holds the ledger; blocks are not relayed.
            blocks: () => Promise.reject(notRelayed('block streams')),
            chainHeight: () => Promise.reject(notRelayed('the chain height')),
        };
    }

    async close(): Promise<void> {
        // Nothing held: every call is its own connection.
    }

    /** One of the holder's extensions (e.g. `token-issue`). */
    extension<T>(name: string, body: Record<string, unknown>): Promise<T> {
        return this.call<T>(`/x/${name}`, body);
    }

    private call<T>(route: string, body: unknown): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            const request = http.request(
                { socketPath: this.socketPath, path: route, method: 'POST', agent: false },
                (response) => {
                    const chunks: Buffer[] = [];
                    response.on('data', (chunk: Buffer) => chunks.push(chunk));
                    response.on('error', reject);
                    response.on('end', () => {
                        try {
                            const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
                            if (response.statusCode === 200) {
                                resolve(value as T);
                            } else {
                                reject(errorFromWire(value as WireError));
                            }
                        } catch (error) {
                            reject(error as Error);
                        }
                    });
                },
            );
            request.on('error', (error) =>
                reject(new LedgerError('UNAVAILABLE', `ledger relay at ${this.socketPath}: ${error.message}`)),
            );
            request.end(JSON.stringify(body));
        });
    }

    private events(caller: { org: string; user: string }, options: EventOptions = {}): Promise<EventStream> {
        const from = options.from && {
            blockNumber: options.from.blockNumber.toString(),
            transactionId: options.from.transactionId,
        };
        return new Promise<EventStream>((resolve, reject) => {
            const request = http.request(
                { socketPath: this.socketPath, path: '/events', method: 'POST', agent: false },
                (response) => {
                    if (response.statusCode !== 200) {
                        const chunks: Buffer[] = [];
                        response.on('data', (chunk: Buffer) => chunks.push(chunk));
                        response.on('end', () =>
                            reject(errorFromWire(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireError)),
                        );
                        return;
                    }
                    resolve({
                        close: () => request.destroy(),
                        [Symbol.asyncIterator]: () => lines(response)[Symbol.asyncIterator](),
                    });
                },
            );
            request.on('error', (error) =>
                reject(new LedgerError('UNAVAILABLE', `ledger relay at ${this.socketPath}: ${error.message}`)),
            );
            request.end(JSON.stringify({ ...caller, from }));
        });
    }
}

async function* lines(response: http.IncomingMessage): AsyncGenerator<LedgerEvent> {
    let buffered = '';
    try {
        for await (const chunk of response) {
            buffered += (chunk as Buffer).toString('utf8');
            let at = buffered.indexOf('\n');
            while (at >= 0) {
                const line = buffered.slice(0, at);
                buffered = buffered.slice(at + 1);
                if (line) {
                    yield eventFromWire(JSON.parse(line) as WireEvent);
                }
                at = buffered.indexOf('\n');
            }
        }
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET' && !response.destroyed) {
            throw error;
        }
    }
}

function notRelayed(what: string): LedgerError {
    return new LedgerError(
        'UNAVAILABLE',
        `${what} ${what.endsWith('s') ? 'are' : 'is'} not relayed: the process that holds the embedded ledger runs the history index (GET /history/status there)`,
    );
}
