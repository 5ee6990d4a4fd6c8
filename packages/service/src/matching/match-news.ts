/**
 * This node's side of the news the matching scripts publish (`bus/match-scripts.ts`): each batch is heard on
 * the node's channel in the order the scripts made it, and delivered to its connections in that order, each
 * status only when it changed. A command whose answer goes back to a client (`queue:enter`, `next`, …) is
 * answered in the same order: after what was published before its script (its reply token comes after that
 * on the channel, and the fan-out is flushed from there), before what was published for its peer after it.
 */
import type { LeaveReason, MatchEnded, MatchFound, QueueStatus } from '@vcw/shared';
import type { MatchBook, MatchEffect } from '../bus/match-book.js';
import type { MatchDelivery } from './coordinator.js';

/** How long a command waits for its reply token on this node's channel before it answers anyway. */
const REPLY_WAIT_MS = 2_000;

/** What decides whether a connection must be told again (as `LineNotices` does). */
const toldKey = (status: QueueStatus): string =>
  `${status.status} ${status.position} ${status.agentsOnline} ${status.estimatedWaitMs}`;

interface Held {
  /** Its reply token was heard: what comes for the peer from now on waits for the answer. */
  after: boolean;
  effects: MatchEffect[];
}

export class MatchNews {
  /** What each of this node's connections (by peer id) was last told, to tell only changes. */
  private readonly told = new Map<string, string>();
  /** Commands waiting for their reply token, by token. */
  private readonly replies = new Map<string, (flushed: Promise<void>) => void>();
  /** Peers with a command under way here. */
  private readonly held = new Map<string, Held>();
  private replySeq = 0;

  constructor(
    private readonly book: MatchBook,
    private readonly delivery: MatchDelivery,
  ) {}

  /**
   * Runs `command` (a script given a reply token) for `peerId`, and resolves with its answer once the answer
   * may go out: what was published before it has been delivered.
   */
  async answer<T>(peerId: string, command: (reply: string) => Promise<T>): Promise<T> {
    const reply = `${this.book.node}:${++this.replySeq}`;
    const held: Held = { after: false, effects: [] };
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
      if (this.held.get(peerId) === held) this.held.delete(peerId);
      // The acknowledgement goes out in this turn of the event loop; what came after it, in the next.
      if (held.effects.length > 0) setImmediate(() => this.deliver(held.effects));
    }
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

  deliver(effects: MatchEffect[]): void {
    const { delivery } = this;
    for (const effect of effects) {
      const held = this.held.get(effect.p);
      if (held?.after) {
        held.effects.push(effect);
        continue;
      }
      switch (effect.t) {
        case 'status': {
          const status = effect.st as QueueStatus;
          const key = toldKey(status);
          if (this.told.get(effect.p) === key) break;
          if (status.status === 'left' || status.status === 'declined') this.told.delete(effect.p);
          else this.told.set(effect.p, key);
          delivery.status(effect.s, status);
          break;
        }
        case 'ended': {
          const ended = effect.e as MatchEnded;
          this.told.set(effect.p, toldKey(ended.status));
          delivery.ended(effect.s, ended);
          break;
        }
        case 'found':
          delivery.found(effect.s, effect.m as MatchFound);
          break;
        case 'unseat':
          delivery.unseat(effect.s, effect.r as LeaveReason);
          break;
        case 'reply':
          // Flushed from here: the broadcasts sent for what came before go out first, those for what comes
          // after (later in this batch, or later batches) after the answer.
          this.replies.get(effect.s)?.(this.book.flushed());
          break;
      }
    }
  }
}
