/**
 * A keyed token bucket: each key may spend `capacity` at once and earns `perSecond` back. Buckets live in
 * memory on this node; a full bucket carries no information, so idle keys are swept away and a flood of
 * distinct keys cannot grow the map without bound. An owner may also keep a bucket itself (`spend`).
 */
import type { TokenBucket } from '@vcw/shared';

export interface RateLimit {
  /** Largest burst. */
  capacity: number;
  /** Tokens earned back per second. */
  perSecond: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

const SWEEP_EVERY_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweep: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit.capacity >= 1) || !(limit.perSecond > 0))
      throw new RangeError('a rate limit needs capacity ≥ 1 and perSecond > 0');
    this.lastSweep = now();
  }

  /** Spends one token of `key`'s bucket, or says how long until one is earned back. */
  take(key: string): Verdict {
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: this.limit.capacity, at: now }));
    return this.spend(bucket, now);
  }

  /**
   * Spends one token of a bucket its owner keeps rather than this limiter (a connection keeps its own, in its
   * data: see `SocketData.messageAllowance`). Time before the bucket's stamp (another node's clock, a little ahead)
   * earns nothing.
   */
  spend(bucket: TokenBucket, now = this.now()): Verdict {
    const { capacity, perSecond } = this.limit;
    bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / perSecond) * 1000) };
  }

  /** A bucket holding the whole burst, for an owner to keep. */
  full(): TokenBucket {
    return { tokens: this.limit.capacity, at: this.now() };
  }

  /** How many keys are tracked (for tests of the sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.capacity)
        this.buckets.delete(key);
    }
  }
}
