import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenGrant } from '../auth/token-store';
import { loadLedgerConfig, openLedger, type Ledger } from '../ledger';
import { WebhookDispatcher } from './webhooks';

/**
 * Webhooks over the embedded ledger and a receiver on 127.0.0.1 that fails at first: events
 * arrive in commit order, each with its transaction id as idempotency key, and a failed
 * delivery is retried until accepted before later events go out.
 */
jest.setTimeout(60_000);

describe('WebhookDispatcher', () => {
    let ledger: Ledger;
    let server: http.Server;
    const received: Array<{ key: string; event: string; attempt: number }> = [];
    let failuresLeft = 2;

    beforeAll(async () => {
        ledger = await openLedger({ ...loadLedgerConfig({}), dataDir: ':memory:' });
        server = http.createServer((request, response) => {
            let body = '';
            request.on('data', (chunk) => (body += chunk));
            request.on('end', () => {
                const key = String(request.headers['idempotency-key']);
                received.push({
                    key,
                    event: String(request.headers['careledger-event']),
                    attempt: received.filter((r) => r.key === key).length + 1,
                });
                expect(JSON.parse(body).transactionId).toBe(key);
                response.statusCode = failuresLeft-- > 0 ? 503 : 204;
                response.end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
        await new Promise((resolve) => server.close(resolve));
        await ledger.close();
    });

    it('delivers every event in order, at least once, retrying failures', async () => {
        const identity = await ledger.identities.get('hospital', 'admin');
        const grant: TokenGrant = { org: 'hospital', user: 'admin', identity, offline: false, issuedAt: '' };
        const dispatcher = new WebhookDispatcher({
            key: Buffer.alloc(32, 1),
            connect: async () => ledger.connect(identity),
            baseDelayMs: 20,
            maxDelayMs: 50,
        });
        const { port } = server.address() as AddressInfo;
        dispatcher.register({
            url: `http://127.0.0.1:${port}/hook`,
            eventNames: ['system.'],
            owner: 'hospital/admin',
            grant,
            from: { blockNumber: 0n },
        });
        const session = ledger.connect(await ledger.identities.get('hospital', 'physician1'));
        const committed: string[] = [];
        for (const message of ['one', 'two', 'three']) {
            committed.push((await session.submit({ contract: 'system', name: 'Ping', args: [message] })).transactionId);
        }
        const deadline = Date.now() + 20_000;
        while (new Set(received.filter((r) => r.attempt > 0).map((r) => r.key)).size < 3 || received.length < 5) {
            if (Date.now() > deadline) throw new Error(`only ${received.length} deliveries`);
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await dispatcher.close();
        expect(received.map((r) => r.key)).toEqual([
            committed[0],
            committed[0],
            committed[0],
            committed[1],
            committed[2],
        ]);
        expect(received.every((r) => r.event === 'system.Pinged')).toBe(true);
    });
});
