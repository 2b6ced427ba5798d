/**
 * A fixed-window counter per client address, for routes anyone may call without a token:
 * at most `limit` calls per `windowMs` from one address, then 429 with Retry-After until the
 * window ends. In memory, per gateway process: enough to keep one client from flooding the
 * ledger with queries; a deployment behind a proxy limits at the proxy too.
 */
export class RateLimiter {
    private readonly windows = new Map<string, { start: number; count: number }>();

    constructor(
        readonly limit: number,
        readonly windowMs = 60_000,
    ) {}

    /** Counts a call from `client`; returns how many seconds to wait, or 0 when it may go ahead. */
    take(client: string, now = Date.now()): number {
        if (this.windows.size > 10_000) {
            this.sweep(now);
        }
        const window = this.windows.get(client);
        if (!window || now - window.start >= this.windowMs) {
            this.windows.set(client, { start: now, count: 1 });
            return 0;
        }
        window.count += 1;
        return window.count > this.limit ? Math.ceil((window.start + this.windowMs - now) / 1000) : 0;
    }

    private sweep(now: number): void {
        for (const [client, window] of this.windows) {
            if (now - window.start >= this.windowMs) {
                this.windows.delete(client);
            }
        }
    }
}

/** Anonymous calls a minute per client address: CARELEDGER_PUBLIC_RATE_LIMIT, default 60. */
export function publicRateLimit(env: NodeJS.ProcessEnv = process.env): number {
    const value = Number(env.CARELEDGER_PUBLIC_RATE_LIMIT ?? 60);
    return Number.isInteger(value) && value > 0 ? value : 60;
}
