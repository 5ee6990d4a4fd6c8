/**
 * Changes no command waits for (a seat freed, a recording ended by a leave, an ended room's recording cleared)
 * must still happen when Redis did not take them: each is tried again after a doubling delay until it takes,
 * for about ten minutes. Each must be idempotent (a try Redis took but whose answer was lost runs again).
 */
/** The first try again after this long, each next one after twice as long, up to the cap: about ten minutes in all. */
const FIRST_MS = 250;
const MAX_MS = 30_000;
const ATTEMPTS = 25;

export class Retries {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;

  /**
   * Runs `change` after a first delay, and again while it fails: its answer once it takes, the last failure
   * once the tries are spent. After `stop()`, nothing runs any more (and what waits never settles).
   */
  again<T>(change: () => Promise<T>, tried = 0): Promise<T> {
    return this.wait(Math.min(FIRST_MS * 2 ** tried, MAX_MS)).then(() =>
      change().catch((err: unknown) => {
        if (tried + 1 < ATTEMPTS) return this.again(change, tried + 1);
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
