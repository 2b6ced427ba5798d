import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per server so several servers can share a process (tests). */
export class Metrics {
    readonly registry = new Registry();
    readonly requests = new Counter({
        name: 'careledger_http_requests_total',
        help: 'HTTP requests by method, route and status',
        labelNames: ['method', 'route', 'status'] as const,
        registers: [this.registry],
    });
    readonly duration = new Histogram({
        name: 'careledger_http_request_duration_seconds',
        help: 'HTTP request duration by method and route',
        labelNames: ['method', 'route'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [this.registry],
    });
    readonly retries = new Counter({
        name: 'careledger_ledger_mvcc_retries_total',
        help: 'Submits retried after an MVCC read conflict',
        registers: [this.registry],
    });
    readonly webhookDeliveries = new Counter({
        name: 'careledger_webhook_deliveries_total',
        help: 'Webhook delivery attempts by outcome',
        labelNames: ['outcome'] as const,
        registers: [this.registry],
    });
    readonly sseClients = new Counter({
        name: 'careledger_sse_streams_total',
        help: 'Server-sent event streams opened',
        registers: [this.registry],
    });

    constructor(options: { defaultMetrics?: boolean } = {}) {
        if (options.defaultMetrics ?? true) {
            collectDefaultMetrics({ register: this.registry, prefix: 'careledger_' });
        }
    }
}
