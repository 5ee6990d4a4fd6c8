/**
 * How long people have been waiting lately in one queue: the average of the last waits (from entering the
 * queue to being matched), and from it a customer's estimate for their place in line.
 */

/** How many recent matches the average covers. */
export const RECENT_WAITS = 20;

export class WaitEstimate {
  private readonly waits: number[] = [];

  constructor(private readonly size = RECENT_WAITS) {}

  /** One more wait, in milliseconds; the oldest falls out once there are `size`. */
  record(waitMs: number): void {
    this.waits.push(Math.max(0, waitMs));
    if (this.waits.length > this.size) this.waits.shift();
  }

  /** The average of the recent waits, in milliseconds; null without history. */
  averageMs(): number | null {
    if (this.waits.length === 0) return null;
    return Math.round(this.waits.reduce((sum, ms) => sum + ms, 0) / this.waits.length);
  }

  get hasHistory(): boolean {
    return this.waits.length > 0;
  }
}

/**
 * A support customer's estimated wait: the recent average per customer ahead (and their own), shared among
 * the agents online. Null without history, or with no agent online (then nobody can say).
 */
export function estimateWaitMs(averageMs: number | null, position: number, agentsOnline: number): number | null {
  if (averageMs === null || agentsOnline === 0 || position < 1) return null;
  return Math.round((averageMs * position) / Math.max(1, agentsOnline));
}
