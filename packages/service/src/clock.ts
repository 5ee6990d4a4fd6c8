/**
 * Where time comes from: the wall clock and its timers in production, a clock that moves only when told in
 * tests, so time-dependent logic (webhook retries, matching's deadlines and pacing) is tested without waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(timer: ReturnType<typeof setTimeout> | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer),
};
