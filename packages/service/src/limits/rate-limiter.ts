/**
 * A keyed token bucket: each key may spend `capacity` at once and earns `perSecond` back. Buckets live in
 * memory on this node; a full bucket carries no information, so idle keys are swept away and a flood of
 * distinct keys cannot grow the map without bound.
 */
export interface RateLimit {
  /** Largest burst. */
  capacity: number;
  /** Tokens earned back per second. */
  perSecond: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

const SWEEP_EVERY_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
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
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.capacity, at: now };
    bucket.tokens = Math.min(this.limit.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000) };
  }

  /** Drops a key's bucket (its socket closed). */
  forget(key: string): void {
    this.buckets.delete(key);
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
