/**
 * A rate limit that every node of a deployment counts together: REST requests per secret key and handshakes
 * per client address. With one node it is this node's own token bucket; with the Redis bus, a bucket in Redis
 * (`bus/redis-rate-limiter.ts`). Per-socket limits (signals, strikes) stay `RateLimiter`s: a socket lives on
 * one node.
 */
import { RateLimiter, type RateLimit, type Verdict } from './rate-limiter.js';

export interface SharedRateLimiter {
  readonly limit: RateLimit;
  /** Spends one token of `key`'s bucket, or says how long until one is earned back. */
  take(key: string): Promise<Verdict>;
}

/** Makes the shared limiter named `name` (`rest`, `handshakes`) for `limit`. */
export type SharedRateLimiterFactory = (name: string, limit: RateLimit, now: () => number) => SharedRateLimiter;

/** One node: the bucket lives in this process. */
export const inProcessRateLimiter: SharedRateLimiterFactory = (_name, limit, now) => {
  const local = new RateLimiter(limit, now);
  return { limit, take: (key) => Promise.resolve(local.take(key)) };
};
