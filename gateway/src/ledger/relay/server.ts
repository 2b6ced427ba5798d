import * as fs from 'node:fs';
import * as http from 'node:http';
import type { EventStream, Ledger } from '../ledger';
import { errorToWire, eventToWire, requestFromWire, type WireRequest } from './protocol';

/** Operations the process holding the ledger offers besides the ledger's own, e.g. issuing a REST token. */
export type RelayExtensions = Record<string, (body: Record<string, unknown>) => Promise<unknown>>;

export interface LedgerRelay {
    readonly socketPath: string;
    close(): Promise<void>;
}

interface Caller {
    org: string;
    user: string;
}

/**
 * Serves `ledger` to other local processes on the Unix socket `socketPath` (see protocol.ts).
 * A stale socket file from a killed process is replaced; the socket is made 0600.
 */
export async function serveLedgerRelay(
    ledger: Ledger,
    socketPath: string,
    extensions: RelayExtensions = {},
): Promise<LedgerRelay> {
    const streams = new Set<EventStream>();
    const server = http.createServer((request, response) => {
        void handle(request, response).catch((error: unknown) => {
            if (!response.headersSent) {
                response.writeHead(500, { 'content-type': 'application/json' });
            }
            response.end(JSON.stringify(errorToWire(error)));
        });
    });

    async function session({ org, user }: Caller) {
        return ledger.connect(await ledger.identities.get(String(org), String(user)));
    }

    async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        const body = await readJson(request);
        const reply = (value: unknown) => {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(JSON.stringify(value));
        };
        const route = request.url ?? '/';
        switch (route) {
            case '/orgs':
                return reply(await ledger.identities.orgs());
            case '/identity': {
                const identity = await ledger.identities.get(String(body.org), String(body.user));
                return reply({ mspId: identity.mspId, certificate: identity.certificate });
            }
            case '/register': {
                const identity = await ledger.identities.register(String(body.org), body.registration as never);
                return reply({ mspId: identity.mspId, certificate: identity.certificate });
            }
            case '/enroll-csr': {
                const identity = await ledger.identities.enrollWithCsr(String(body.org), body.registration as never);
                return reply({ mspId: identity.mspId, certificate: identity.certificate });
            }
            case '/submit': {
                const outcome = await (
                    await session(body as never)
                ).submit(requestFromWire(body.request as WireRequest));
                return reply({
                    result: Buffer.from(outcome.result).toString('base64'),
                    transactionId: outcome.transactionId,
                    blockNumber: outcome.blockNumber.toString(),
                });
            }
            case '/evaluate': {
                const result = await (
                    await session(body as never)
                ).evaluate(requestFromWire(body.request as WireRequest));
                return reply({ result: Buffer.from(result).toString('base64') });
            }
            case '/events':
                return streamEvents(body, response);
        }
        const extension = route.startsWith('/x/') ? extensions[route.slice(3)] : undefined;
        if (extension) {
            return reply(await extension(body));
        }
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'NOT_FOUND', detail: `the ledger relay has no ${route}` }));
    }

    async function streamEvents(body: Record<string, unknown>, response: http.ServerResponse): Promise<void> {
        const from = body.from as { blockNumber: string; transactionId?: string } | undefined;
        const stream = await (
            await session(body as never)
        ).events(from ? { from: { blockNumber: BigInt(from.blockNumber), transactionId: from.transactionId } } : {});
        streams.add(stream);
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        response.flushHeaders();
        response.on('close', () => stream.close());
        try {
            for await (const event of stream) {
                if (!response.write(`${JSON.stringify(eventToWire(event))}\n`)) {
                    await new Promise((resolve) => response.once('drain', resolve));
                }
            }
        } finally {
            streams.delete(stream);
            response.end();
        }
    }

    removeStale(socketPath);
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => resolve());
    });
    fs.chmodSync(socketPath, 0o600);
    return {
        socketPath,
        async close() {
            for (const stream of streams) {
                stream.close();
            }
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            removeStale(socketPath);
        },
    };
}

function removeStale(socketPath: string): void {
    try {
        fs.unlinkSync(socketPath);
    } catch {
        // not there
    }
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
        chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
