import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { LedgerError } from '../errors';
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

/** CARELEDGER_GRPC_RECONNECT_BACKOFF=default leaves gRPC's own backoff, to measure against it (test/faults). */
const bounded =
    process.env.CARELEDGER_GRPC_RECONNECT_BACKOFF === 'default'
        ? {}
        : {
              'grpc.initial_reconnect_backoff_ms': reconnectBackoff.initialMs,
              'grpc.max_reconnect_backoff_ms': reconnectBackoff.maxMs,
          };

export const channelOptions: grpc.ChannelOptions = {
    ...bounded,
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

    /**
     * Resolves once the connection to `peer` is ready, connecting if needed, or rejects with
     * UNAVAILABLE after `timeoutMs`. gRPC fails a call at once while its channel waits out a
     * reconnect backoff, even when the peer listens again; waiting here (at most one backoff,
     * reconnectBackoff.maxMs) lets the first call after a restart through instead.
     */
    async ready(peer: PeerEndpoint, timeoutMs: number): Promise<void> {
        const client = this.get(peer);
        if (client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) {
            return;
        }
        await new Promise<void>((resolve, reject) =>
            client.waitForReady(Date.now() + timeoutMs, (error) =>
                error
                    ? reject(
                          new LedgerError(
                              'UNAVAILABLE',
                              `peer ${peer.hostAlias} (${peer.endpoint}) not reachable within ${timeoutMs} ms`,
                              { cause: error },
                          ),
                      )
                    : resolve(),
            ),
        );
    }

    close(): void {
        for (const client of this.clients.values()) {
            client.close();
        }
        this.clients.clear();
    }
}
