/**
 * A rate limit counted in Redis, so that N nodes do not grant N times the limit: one script call per take
 * (one round trip). When Redis does not answer, the take is counted in this node's own bucket instead (the
 * limit then holds per node, as with one node) and the fallback is reported.
 */
import { RateLimiter, type RateLimit, type Verdict } from '../limits/rate-limiter.js';
import type { SharedRateLimiter } from '../limits/shared-rate-limiter.js';

/** Runs the token-bucket script on `bucket`: `[granted 1|0, ms until the next token]`. */
export type TakeToken = (bucket: string, capacity: number, perSecond: number) => Promise<[number, number]>;

export class RedisRateLimiter implements SharedRateLimiter {
  private readonly local: RateLimiter;

  constructor(
    readonly limit: RateLimit,
    /** Prefix of this limit's bucket keys (`<prefix>rate:<name>:`). */
    private readonly keyPrefix: string,
    private readonly takeToken: TakeToken,
    private readonly fellBack: () => void,
    now: () => number = Date.now,
  ) {
    this.local = new RateLimiter(limit, now);
  }

  async take(key: string): Promise<Verdict> {
    try {
      const [granted, retryAfterMs] = await this.takeToken(
        this.keyPrefix + key,
        this.limit.capacity,
        this.limit.perSecond,
      );
      return granted === 1 ? { ok: true } : { ok: false, retryAfterMs: Math.max(1, retryAfterMs) };
    } catch {
      this.fellBack();
      return this.local.take(key);
    }
  }
}
