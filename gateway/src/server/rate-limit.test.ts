import { publicRateLimit, RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
    it('lets `limit` calls a window through per client, then says how long to wait', () => {
        const limiter = new RateLimiter(2, 60_000);
        expect(limiter.take('a', 0)).toBe(0);
        expect(limiter.take('a', 1_000)).toBe(0);
        expect(limiter.take('a', 2_000)).toBe(58);
        expect(limiter.take('b', 2_000)).toBe(0);
        expect(limiter.take('a', 60_000)).toBe(0);
    });

    it('reads its limit from CARELEDGER_PUBLIC_RATE_LIMIT, refusing nonsense', () => {
        expect(publicRateLimit({ CARELEDGER_PUBLIC_RATE_LIMIT: '5' })).toBe(5);
        expect(publicRateLimit({ CARELEDGER_PUBLIC_RATE_LIMIT: '-1' })).toBe(60);
        expect(publicRateLimit({})).toBe(60);
    });
});
