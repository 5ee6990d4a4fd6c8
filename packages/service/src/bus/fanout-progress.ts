/**
 * How far this node has delivered the fan-out stream (the Socket.io adapter's, which carries every room
 * broadcast between the nodes), so that news from another channel can wait for the broadcasts sent before it:
 * a partner hears the other's `peer:left` (a broadcast) before `match:ended` (matching's pub/sub news).
 */

/** Whether stream id `a` (`<ms>-<seq>`) comes after `b`. */
export function later(a: string, b: string): boolean {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs > bMs || (aMs === bMs && aSeq > bSeq);
}

interface Waiter {
  mark: string;
  done: () => void;
}

export class FanoutProgress {
  /** The last entry delivered here. */
  private delivered = '0-0';
  private readonly waiters = new Set<Waiter>();

  /** The entry `offset` was delivered to this node's sockets. */
  reached(offset: string): void {
    if (!later(offset, this.delivered)) return;
    this.delivered = offset;
    for (const waiter of this.waiters) if (!later(waiter.mark, offset)) waiter.done();
  }

  /** Resolves once every entry up to `mark` was delivered here, or after `ms` (the stream may be away). */
  until(mark: string, ms: number): Promise<void> {
    if (!later(mark, this.delivered)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        mark,
        done: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, ms);
      this.waiters.add(waiter);
    });
  }
}
