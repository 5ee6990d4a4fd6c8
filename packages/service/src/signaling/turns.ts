/**
 * Work on behalf of clients, taken in turns so that no client, project or burst holds the others up. A burst
 * (a flood of commands from one project, a few hundred connections opening at once) arrives in one read of
 * the event loop; run in one piece, it would hold every other connection's messages (a signal, a pairing, a
 * health check) for as long as it takes. Here each turn of the event loop runs work worth at most `perTurn`,
 * taking one job from each waiting party in turn (round robin), and the rest waits for the next turns, with
 * what arrived meanwhile read in between. Light traffic never waits: a job runs at once while the turn has
 * room and its party has nothing waiting, so each party's jobs still run in the order they came.
 */
export class Turns {
  /** Each party's waiting jobs, oldest first; a Map iterates in insertion order, which is the round robin. */
  private readonly waiting = new Map<string, Array<{ job: () => void; cost: number }>>();
  private spent = 0;
  private turnScheduled = false;

  constructor(readonly perTurn: number) {}

  /** Runs `job` for `party` now if this turn has room for `cost` and the party has nothing waiting, else later. */
  run(party: string, job: () => void, cost = 1): void {
    this.nextTurn();
    if (this.spent < this.perTurn && !this.waiting.has(party)) {
      this.spent += cost;
      job();
      return;
    }
    let queue = this.waiting.get(party);
    if (!queue) this.waiting.set(party, (queue = []));
    queue.push({ job, cost });
  }

  /** Jobs waiting for a later turn (read by the tests). */
  get waitingCount(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.length;
    return count;
  }

  /** A new turn starts once the event loop has read what arrived meanwhile (`setImmediate` runs after I/O). */
  private nextTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.turnScheduled = false;
    this.spent = 0;
    while (this.spent < this.perTurn && this.waiting.size > 0) {
      for (const [party, queue] of this.waiting) {
        if (this.spent >= this.perTurn) break;
        const { job, cost } = queue.shift()!;
        if (queue.length === 0) this.waiting.delete(party);
        this.spent += cost;
        job();
      }
    }
    // The budget spent here counts until the next turn, which also takes whoever still waits.
    if (this.spent > 0) this.nextTurn();
  }
}
