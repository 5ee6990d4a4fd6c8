/**
 * When a failed delivery is tried again: the Standard Webhooks schedule by default (5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h after each failure), so at most eight attempts over about a day; after the last
 * failure the delivery is `failed` (a replay sends it again). Time comes from a `Clock`, so the schedule is
 * tested without waiting.
 */
export { systemClock, type Clock } from '../clock.js';

export const DEFAULT_RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export class RetrySchedule {
  constructor(private readonly delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {}

  /** After the `failures`-th failed attempt at `now`: when to try again, or null to give up. */
  nextAttemptAt(failures: number, now: number): number | null {
    const delay = this.delaysMs[failures - 1];
    return delay === undefined ? null : now + delay;
  }

  /** Attempts a delivery gets at most. */
  get maxAttempts(): number {
    return this.delaysMs.length + 1;
  }
}
