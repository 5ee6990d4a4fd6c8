/** One node: rooms, limits and leases need no sharing. */
import { inProcessRateLimiter } from '../limits/shared-rate-limiter.js';
import type { Bus } from './bus.js';

export const inProcessBus: Bus = {
  kind: 'in-process',
  adapter: null,
  rateLimiter: inProcessRateLimiter,
  seatBook: null,
  knockBook: null,
  recordingBook: null,
  matchBook: null,
  holdLease: () => Promise.resolve(true),
  reachable: () => Promise.resolve(true),
  onTrouble: () => () => {},
  close: () => Promise.resolve(),
};
