import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConnectionPool } from './connections';
import type { PeerEndpoint } from './profile';

describe('ConnectionPool', () => {
    let dir: string;
    let peer0: PeerEndpoint;
    let peer1: PeerEndpoint;

    beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'careledger-pool-'));
        const tlsRootCertPath = path.join(dir, 'ca.crt');
        // gRPC reads the root certificate only when it connects; these tests never connect.
        await writeFile(tlsRootCertPath, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
        peer0 = {
            name: 'peer0',
            endpoint: '127.0.0.1:1',
            hostAlias: 'peer0.hospital.careledger.local',
            tlsRootCertPath,
        };
        peer1 = { ...peer0, name: 'peer1', endpoint: '127.0.0.1:2' };
    });

    afterEach(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    test('shares one connection per endpoint', () => {
        const pool = new ConnectionPool();
        try {
            expect(pool.get(peer0)).toBe(pool.get({ ...peer0 }));
            expect(pool.get(peer1)).not.toBe(pool.get(peer0));
        } finally {
            pool.close();
        }
    });

    test('close ends every connection; a later get opens a new one', () => {
        const pool = new ConnectionPool();
        const first = pool.get(peer0);
        pool.close();
        const second = pool.get(peer0);
        expect(second).not.toBe(first);
        pool.close();
    });

    test("every connection's reconnect backoff is capped at a second (gRPC's own cap is 120 s)", () => {
        const pool = new ConnectionPool();
        try {
            // The options the channel was really built with, as grpc-js keeps them.
            const channel = pool.get(peer0).getChannel() as unknown as {
                internalChannel: { options: Record<string, unknown> };
            };
            const options = channel.internalChannel.options;
            expect(options['grpc.max_reconnect_backoff_ms']).toBeLessThanOrEqual(1_000);
            expect(options['grpc.initial_reconnect_backoff_ms']).toBeLessThanOrEqual(
                options['grpc.max_reconnect_backoff_ms'] as number,
            );
        } finally {
            pool.close();
        }
    });

    test('ready rejects UNAVAILABLE, naming the peer, when its connection cannot be made in time', async () => {
        const pool = new ConnectionPool();
        try {
            await expect(pool.ready(peer0, 300)).rejects.toMatchObject({
                code: 'UNAVAILABLE',
                message: expect.stringContaining('peer0.hospital.careledger.local (127.0.0.1:1)'),
            });
        } finally {
            pool.close();
        }
    });
});
