/**
 * The waiting connections of one queue, in the order they are served, and the pairing rule that walks them.
 * Plain data: the coordinator decides who is eligible and who goes with whom; this keeps the order.
 */

/** Anything that waits in a queue: one connection, known by its peer id. */
export interface QueueEntry {
  readonly peerId: string;
}

export class MatchQueue<E extends QueueEntry> {
  private entries: E[] = [];

  /** Adds an entry at the back, or at the front for one that was already served once and came back. */
  add(entry: E, { front = false }: { front?: boolean } = {}): void {
    if (this.has(entry.peerId)) throw new Error(`${entry.peerId} is already queued`);
    if (front) this.entries.unshift(entry);
    else this.entries.push(entry);
  }

  remove(peerId: string): E | undefined {
    const index = this.entries.findIndex((e) => e.peerId === peerId);
    if (index < 0) return undefined;
    return this.entries.splice(index, 1)[0];
  }

  get(peerId: string): E | undefined {
    return this.entries.find((e) => e.peerId === peerId);
  }

  has(peerId: string): boolean {
    return this.get(peerId) !== undefined;
  }

  /** 1 for the entry served next; 0 when not queued. */
  positionOf(peerId: string): number {
    return this.entries.findIndex((e) => e.peerId === peerId) + 1;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Every entry, in order. */
  all(): readonly E[] {
    return this.entries;
  }

  /** The first entry, in order, that `eligible` accepts. */
  first(eligible: (entry: E) => boolean): E | undefined {
    return this.entries.find(eligible);
  }

  /**
   * The pair to serve next: the earliest eligible entry, with the earliest other eligible entry it may go
   * with. When the earliest has nobody, the next earliest gets its turn, so one entry nobody may meet
   * never holds the queue up. `compatible` must be symmetric.
   */
  firstPair(eligible: (entry: E) => boolean, compatible: (a: E, b: E) => boolean): [E, E] | undefined {
    const candidates = this.entries.filter(eligible);
    for (let i = 0; i < candidates.length; i++) {
      for (let j = i + 1; j < candidates.length; j++) {
        const [a, b] = [candidates[i]!, candidates[j]!];
        if (compatible(a, b)) return [a, b];
      }
    }
    return undefined;
  }
}
