/**
 * This node's side of the news the matching scripts publish (`bus/match-scripts.ts`): each batch is heard on
 * the node's channel in the order the scripts made it, and delivered to its connections in that order, each
 * status only when it changed. A command whose answer goes back to a client (`queue:enter`, `next`, …) is
 * answered in the same order: after what was published before its script (its reply token comes after that
 * on the channel, and the fan-out is flushed from there), before what was published for its peer after it.
 */
import type { LeaveReason, MatchEnded, MatchFound, QueueStatus } from '@vcw/shared';
import type { MatchBook, MatchEffect } from '../bus/match-book.js';
import { systemClock, type Clock } from '../clock.js';
import type { MatchDelivery } from './coordinator.js';

/** How long a command waits for its reply token on this node's channel before it answers anyway. */
const REPLY_WAIT_MS = 2_000;
/**
 * How long, from when it was heard, news may wait for what must be told before it (Redis slow or away): a pair's
 * end for this node to deliver the room broadcasts sent before it, and what follows a freed seat for the others in
 * its room to be told. Counted from when it was heard, not from when its turn came, so that news queued behind
 * a wait does not wait again in turn: what this node tells lags what it heard by this much at most, less than a
 * command's `REPLY_WAIT_MS`, and an answer never overtakes the news published before it.
 */
const ORDER_WAIT_MS = 1_000;

/** Resolves when `work` settles, or after `ms`. */
function atMost(work: Promise<void>, ms: number, clock: Clock): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, ms)));
  return Promise.race([work, late]).finally(() => clock.clearTimeout(timer));
}

/** What decides whether a connection must be told again (as `LineNotices` does). */
const toldKey = (status: QueueStatus): string =>
  `${status.status} ${status.position} ${status.agentsOnline} ${status.estimatedWaitMs}`;

interface Held {
  /** Its reply token was heard: what comes for the peer from now on waits for the answer. */
  after: boolean;
  /** Heard after it, delivered once the answer went out; still held meanwhile, so nothing overtakes them. */
  effects: MatchEffect[];
  /** Its command answered: only what it held back is left to deliver. */
  answered: boolean;
}

export class MatchNews {
  /** What each of this node's connections (by peer id) was last told, to tell only changes. */
  private readonly told = new Map<string, string>();
  /** Commands waiting for their reply token, by token. */
  private readonly replies = new Map<string, (flushed: Promise<void>) => void>();
  /** Peers with a command under way here. */
  private readonly held = new Map<string, Held>();
  private replySeq = 0;
  /** Effects heard and not yet delivered, in order, with when each was heard; `draining` while some are delivered. */
  private readonly queue: { effect: MatchEffect; heardAt: number }[] = [];
  private draining = false;

  constructor(
    private readonly book: MatchBook,
    private readonly delivery: MatchDelivery,
    /** The peer's connection came back on another node, which speaks for it from now on. */
    private readonly moved: (peerId: string) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Runs `command` (a script given a reply token) for `peerId`, and resolves with its answer once the answer
   * may go out: what was published before it has been delivered.
   */
  async answer<T>(peerId: string, command: (reply: string) => Promise<T>): Promise<T> {
    const reply = `${this.book.node}:${++this.replySeq}`;
    // What the peer's previous command held back goes out after its answer, before this command's news.
    const previous = this.held.get(peerId);
    if (previous?.answered) this.release(peerId, previous);
    const held: Held = { after: false, effects: [], answered: false };
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Resolved with the flush started when the token was heard: awaiting it awaits the flush.
    const heard = new Promise<void>((resolve) => {
      this.replies.set(reply, (flushed) => {
        held.after = true;
        resolve(flushed);
      });
      timer = setTimeout(() => resolve(this.book.flushed()), REPLY_WAIT_MS);
    });
    this.held.set(peerId, held);
    try {
      const answer = await command(reply);
      await heard;
      return answer;
    } finally {
      clearTimeout(timer);
      this.replies.delete(reply);
      held.answered = true;
      // The acknowledgement goes out in this turn of the event loop; what came after it, in the next. Until
      // then the peer stays held: news delivered in this same turn (a batch heard, or one that waited behind a
      // freed seat) must not overtake the answer or what it held back.
      setImmediate(() => this.release(peerId, held));
    }
  }

  /** Stops holding the peer's news (if `held` is still what holds it), and delivers what it held back, once. */
  private release(peerId: string, held: Held): void {
    if (this.held.get(peerId) === held) this.held.delete(peerId);
    const effects = held.effects.splice(0);
    if (effects.length > 0) this.deliver(effects);
  }

  /** The caller's own status is its acknowledgement: recorded as told, not pushed. */
  answered(peerId: string, status: QueueStatus): QueueStatus {
    this.told.set(peerId, toldKey(status));
    return status;
  }

  /** The connection is gone: nothing more to remember of it. */
  forget(peerId: string): void {
    this.told.delete(peerId);
  }

  /**
   * Delivers a batch after those before it. A seat freed (`unseat`) is waited for (a moment at most) before what
   * follows, and a pair's end waits for the room broadcasts sent before it to be delivered here (the same): a
   * partner hears its leave (`peer:left`) before it hears the pair is over.
   */
  deliver(effects: MatchEffect[]): void {
    const heardAt = this.clock.now();
    for (const effect of effects) this.queue.push({ effect, heardAt });
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const { effect, heardAt } = next;
        const left = () => heardAt + ORDER_WAIT_MS - this.clock.now();
        if (effect.a && left() > 0) await this.book.caughtUp(effect.a, left());
        const freeing = this.deliverOne(effect);
        if (freeing) await atMost(freeing, Math.max(0, left()), this.clock);
      }
    } finally {
      this.draining = false;
    }
  }

  private deliverOne(effect: MatchEffect): Promise<void> | undefined {
    const { delivery } = this;
    const held = this.held.get(effect.p);
    if (held?.after) {
      held.effects.push(effect);
      return;
    }
    switch (effect.t) {
      case 'status': {
        const status = effect.st as QueueStatus;
        const key = toldKey(status);
        if (this.told.get(effect.p) === key) return;
        if (status.status === 'left' || status.status === 'declined') this.told.delete(effect.p);
        else this.told.set(effect.p, key);
        delivery.status(effect.s, status);
        return;
      }
      case 'ended': {
        const ended = effect.e as MatchEnded;
        this.told.set(effect.p, toldKey(ended.status));
        delivery.ended(effect.s, ended);
        return;
      }
      case 'found':
        delivery.found(effect.s, effect.m as MatchFound);
        return;
      case 'unseat':
        return delivery.unseat(effect.s, effect.r as LeaveReason);
      case 'moved':
        this.told.delete(effect.p);
        this.moved(effect.p);
        return;
      case 'reply':
        // Flushed from here: the broadcasts sent for what came before go out first, those for what comes
        // after (later in this batch, or later batches) after the answer.
        this.replies.get(effect.s)?.(this.book.flushed());
        return;
    }
  }
}
