/**
 * The service's rate limits, built once from the configuration: per secret key on REST, per socket on
 * signaling messages (with strikes that end a connection that keeps flooding), per IP on handshakes.
 * A limit configured as 0 is off.
 *
 * Limits on what a whole project, key or address does are `Limiter`s: a shared implementation (several nodes)
 * can take over behind `take`, which may answer with a promise. Limits on one socket are `RateLimiter`s whose
 * buckets the socket keeps in its own data (`SocketData.messageAllowance`, see `spendOwn`): spent on every message,
 * before anything is awaited, and carried with the socket when it resumes, on this node or another.
 */
import type { Awaitable } from '../awaitable.js';
import type { Config } from '../config.js';
import { RateLimiter, type Verdict } from './rate-limiter.js';
import { inProcessRateLimiter, type SharedRateLimiter, type SharedRateLimiterFactory } from './shared-rate-limiter.js';

/** A limit keyed by project, key or address: spends one of `key`'s allowance, or says how long to wait. */
export interface Limiter {
  take(key: string): Awaitable<Verdict>;
}

/** Refused messages a socket may earn back at one per second before the service closes it. */
const ABUSE_STRIKES = 20;
/** A socket may send this many seconds' worth of its rate at once (joining a full mesh is a burst). */
const SIGNAL_BURST_SECONDS = 6;

export interface Limits {
  /** Requests per secret key, counted across nodes. */
  rest: SharedRateLimiter | null;
  /** Messages per socket. */
  signals: RateLimiter | null;
  /** Refused messages per socket; running out closes the connection. */
  strikes: RateLimiter;
  /** Connection attempts per client IP, counted across nodes. */
  handshakes: SharedRateLimiter | null;
  /** Support tickets per client IP, per hour. */
  tickets: Limiter | null;
  /** Ad-hoc rooms (opened by a join by name) per project, per hour. */
  adHocRooms: Limiter | null;
}

const NO_CAPS = { ticketsPerAddressPerHour: 0, adHocRoomsPerHour: 0 };

export function createLimits(
  config: Config['rateLimits'],
  now: () => number = Date.now,
  caps: Pick<Config['caps'], 'ticketsPerAddressPerHour' | 'adHocRoomsPerHour'> = NO_CAPS,
  shared: SharedRateLimiterFactory = inProcessRateLimiter,
): Limits {
  const perMinute = (name: string, n: number) => (n > 0 ? shared(name, { capacity: n, perSecond: n / 60 }, now) : null);
  const perHour = (n: number) => (n > 0 ? new RateLimiter({ capacity: n, perSecond: n / 3600 }, now) : null);
  return {
    tickets: perHour(caps.ticketsPerAddressPerHour),
    adHocRooms: perHour(caps.adHocRoomsPerHour),
    rest: perMinute('rest', config.restPerMinute),
    signals:
      config.signalsPerSecond > 0
        ? new RateLimiter(
            { capacity: config.signalsPerSecond * SIGNAL_BURST_SECONDS, perSecond: config.signalsPerSecond },
            now,
          )
        : null,
    strikes: new RateLimiter({ capacity: ABUSE_STRIKES, perSecond: 1 }, now),
    handshakes: perMinute('handshakes', config.handshakesPerMinute),
  };
}
