/**
 * Changes no command waits for (a seat freed, a recording ended by a leave, an ended room's recording cleared)
 * must still happen when Redis did not take them: each is tried again after a doubling delay until it takes,
 * for about ten minutes. Each must be idempotent (a try Redis took but whose answer was lost runs again).
 */
export interface RetrySchedule {
  firstMs: number;
  maxMs: number;
  /** Tries after the first failure, at most. */
  attempts: number;
}

/** 250 ms, 500 ms, … up to 30 s apart: about ten minutes in all. */
export const UNTIL_REDIS_TAKES: RetrySchedule = { firstMs: 250, maxMs: 30_000, attempts: 25 };

export class Retries {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(private readonly schedule: RetrySchedule = UNTIL_REDIS_TAKES) {}

  /**
   * Runs `change` after a first delay, and again while it fails: its answer once it takes, the last failure
   * once the tries are spent. After `stop()`, nothing runs any more (and what waits never settles).
   */
  again<T>(change: () => Promise<T>, tried = 0): Promise<T> {
    const { firstMs, maxMs, attempts } = this.schedule;
    return this.wait(Math.min(firstMs * 2 ** tried, maxMs)).then(() =>
      change().catch((err: unknown) => {
        if (tried + 1 < attempts) return this.again(change, tried + 1);
        throw err;
      }),
    );
  }

  /** Ends every wait (the process is stopping, the connection to Redis is closed). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  }
}

/** `change`, and when it fails, `retries.again(change)`: what a change no command waits for runs as. */
export const untilTaken = <T>(retries: Retries, change: () => Promise<T>): Promise<T> =>
  change().catch(() => retries.again(change));
