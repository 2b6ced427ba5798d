import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import type { PeerEndpoint } from './profile';

/**
 * Keep-alive pings every two minutes: often enough to notice a half-open connection, and no
 * more often than the peer's server allows (core.yaml peer.keepalive.minInterval, 60 s),
 * beyond which the peer closes the connection with "too many pings".
 *
 * Reconnection backoff is capped at one second. gRPC's default (first retry after 1 s, then
 * ×1.6 up to 120 s) left sessions failing with ECONNREFUSED for 9-14 s after a whole-network
 * restart, while their peer already listened again: the channel slept out its backoff. A
 * local consortium network has a handful of peers, so a reconnect attempt a second per
 * channel costs nothing; the fault suite measures the catch-up (test/faults/README.md).
 */
export const reconnectBackoff = { initialMs: 250, maxMs: 1_000 };

export const channelOptions: grpc.ChannelOptions = {
    'grpc.initial_reconnect_backoff_ms': reconnectBackoff.initialMs,
    'grpc.max_reconnect_backoff_ms': reconnectBackoff.maxMs,
    'grpc.keepalive_time_ms': 120_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
    'grpc.max_send_message_length': 100 * 1024 * 1024,
};

/** One gRPC connection per peer endpoint, shared by every session of the ledger. */
export class ConnectionPool {
    private readonly clients = new Map<string, grpc.Client>();

    get(peer: PeerEndpoint): grpc.Client {
        let client = this.clients.get(peer.endpoint);
        if (!client) {
            const credentials = grpc.credentials.createSsl(readFileSync(peer.tlsRootCertPath));
            client = new grpc.Client(peer.endpoint, credentials, {
                ...channelOptions,
                'grpc.ssl_target_name_override': peer.hostAlias,
            });
            this.clients.set(peer.endpoint, client);
        }
        return client;
    }

    close(): void {
        for (const client of this.clients.values()) {
            client.close();
        }
        this.clients.clear();
    }
}
