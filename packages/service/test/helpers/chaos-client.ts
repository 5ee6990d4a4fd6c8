/**
 * One connection of the matching invariants test: a real socket.io client that keeps, from the events it
 * receives and the acknowledgements of its own commands, its own view of where it stands (idle, waiting at a
 * position, matched, seated in its match room), and notes any event that contradicts it.
 */
import { io } from 'socket.io-client';
import {
  applyQueueChanges,
  SIGNALING_PATH,
  type Ack,
  type MatchFound,
  type QueueChanges,
  type QueueSnapshot,
  type QueueStatus,
} from '@vcw/shared';
import type { Client } from './service.js';

/** `over`: a support call ended by the other side; still seated alone until it leaves. */
export type View = 'idle' | 'waiting' | 'pairing' | 'matched' | 'seated' | 'over';

/** Commands after which a `match:found` for another room is no contradiction: they end the current match. */
const ENDING = new Set(['match:next', 'match:report', 'queue:leave', 'room:leave']);

export interface ChaosOptions {
  url: string;
  auth: Record<string, unknown>;
  origin: string;
  kind: 'visitor' | 'agent';
  /** Called on `match:found`, to join (or not: a no-show). */
  onMatch: (conn: ChaosConnection) => void;
}

export class ChaosConnection {
  readonly client: Client;
  readonly kind: 'visitor' | 'agent';
  peerId = '';
  view: View = 'idle';
  /** `mode/queue` while in matching. */
  queue: string | undefined;
  position = 0;
  match: MatchFound | undefined;
  /** Gone for good (hung up, or dropped with no reconnection): a new connection takes over its player. */
  gone = false;
  connected = false;
  pending: string | null = null;
  /** A `match:found` came while the pending command waited for its acknowledgement. */
  private foundWhilePending = false;
  /**
   * A next or report crossed a match:found: the match found meanwhile may be the one it ended (then a newer
   * match:found follows), until this connection took its seat in it.
   */
  private maySupersede = false;
  /** Every match:found, with the identity it came to (a reconnection the service could not recover makes a new one). */
  readonly founds: Array<MatchFound & { by: string }> = [];
  /** Identities it had before a reconnection the service could not recover. */
  readonly formerPeerIds: string[] = [];
  readonly contradictions: string[] = [];
  snapshot: QueueSnapshot | undefined;
  /** Events received, for the report of a failure. */
  readonly trail: string[] = [];

  constructor(options: ChaosOptions) {
    this.kind = options.kind;
    this.client = io(options.url, {
      path: SIGNALING_PATH,
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 30,
      reconnectionDelayMax: 60,
      auth: options.auth,
      extraHeaders: { origin: options.origin },
    });
    const on = this.client as unknown as { on(event: string, listener: (payload: never) => void): void };
    on.on('session', (session: { peerId: string; resumed?: boolean }) => {
      this.connected = true;
      if (this.peerId && !session.resumed) {
        // Nothing kept (a new identity: its grace ran out first; or it held no place): it starts afresh.
        if (session.peerId !== this.peerId) this.formerPeerIds.push(this.peerId);
        this.view = 'idle';
        this.match = undefined;
        this.position = 0;
      }
      this.peerId = session.peerId;
      this.note(`session ${session.peerId}${session.resumed ? ' resumed' : ''}`);
    });
    on.on('disconnect', (reason: string) => {
      this.connected = false;
      this.note(`disconnect ${reason}`);
    });
    on.on('match:found', (match: MatchFound) => {
      this.note(`match:found ${match.mode} ${match.room} with ${match.partner.peerId}`);
      const holding = this.view === 'matched' || this.view === 'seated' || this.view === 'over';
      const superseded = this.maySupersede;
      this.maySupersede = false;
      if (holding && this.match?.room !== match.room && !(this.pending && ENDING.has(this.pending)) && !superseded) {
        this.contradictions.push(
          `match:found ${match.room} while still in ${this.match?.room} (${this.view}) after ${this.trail.slice(-10).join(' ; ')}`,
        );
      }
      this.match = match;
      this.view = 'matched';
      if (this.pending) this.foundWhilePending = true;
      this.founds.push({ ...match, by: this.peerId });
      options.onMatch(this);
    });
    on.on('match:ended', ({ reason, status }: { reason: string; status: QueueStatus }) => {
      this.note(`match:ended ${reason} ${status.status} ${status.position}`);
      this.match = undefined;
      this.apply(status);
    });
    on.on('queue:update', (status: QueueStatus) => {
      this.note(`queue:update ${status.status} ${status.position}`);
      this.apply(status);
    });
    on.on('queue:changes', (changes: QueueChanges) => {
      const view = applyQueueChanges(this.snapshot ?? { ...changes, customers: [] }, changes);
      if (!view) throw new Error(`queue:changes names a customer never sent: ${changes.order.join(' ')}`);
      this.snapshot = view;
    });
    on.on('peer:left', ({ peerId }: { peerId: string }) => {
      this.note(`peer:left ${peerId}`);
      // A support call is over when the other side leaves; a random partner's leave is followed by match:ended.
      if (this.view === 'seated' && this.match?.partner.peerId === peerId && this.match.mode === 'support')
        this.view = 'over';
    });
  }

  /** Resolves once the service accepted it. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.connected) return resolve();
      this.client.once('session', () => resolve());
      this.client.once('connect_error', (error) => reject(error));
    });
  }

  /** Sends a command (one at a time) and applies its acknowledgement; the error code, or 'ok'. */
  async send(event: string, payload: unknown): Promise<string> {
    this.pending = event;
    this.foundWhilePending = false;
    try {
      return await new Promise<string>((resolve) => {
        const loose = this.client.timeout(3000) as unknown as {
          emit(e: string, p: unknown, ack: (err: Error | null, reply: Ack<Record<string, unknown>>) => void): void;
        };
        // Applied in the callback itself: events that arrived after the acknowledgement must apply after it.
        loose.emit(event, payload, (err, reply) => {
          if (err) return resolve(this.noted(`${event} → timeout`, 'timeout'));
          if (!reply.ok) return resolve(this.noted(`${event} → ${reply.error.code}`, reply.error.code));
          this.afterAck(event, reply);
          resolve(this.noted(`${event} → ok ${this.view}`, 'ok'));
        });
      });
    } finally {
      this.pending = null;
    }
  }

  /** Cuts the transport as a network loss would; with `forGood`, it does not reconnect. */
  drop(forGood: boolean): void {
    this.note(forGood ? 'drop for good' : 'drop');
    if (forGood) {
      this.client.io.reconnection(false);
      this.gone = true;
    }
    this.client.io.engine.close();
  }

  hangUp(): void {
    this.note('hang up');
    this.gone = true;
    this.client.disconnect();
  }

  private afterAck(event: string, reply: Record<string, unknown>): void {
    if (event === 'queue:enter' || event === 'match:next' || event === 'match:report') {
      const status = reply as unknown as QueueStatus;
      this.queue = `${status.mode}/${status.queue}`;
      // "matched": a match:found follows, or already came. After next or a report, a match held before is over
      // even when the new one's match:found comes after this acknowledgement (with several nodes it always does).
      if (status.status === 'matched' && (this.view === 'matched' || this.view === 'seated')) {
        if (ENDING.has(event) && !this.foundWhilePending) {
          this.match = undefined;
          this.view = 'pairing';
        } else if (ENDING.has(event)) this.maySupersede = true;
        return;
      }
      if (event !== 'queue:enter') this.match = undefined;
      this.apply(status);
    } else if (event === 'queue:leave' || event === 'room:leave') {
      this.match = undefined;
      this.view = 'idle';
      this.position = 0;
    } else if (event === 'room:join' && this.match) {
      this.view = 'seated';
      this.maySupersede = false;
    } else if (event === 'agent:status') {
      // The queue as it stands: the next queue:changes build on it.
      this.snapshot = reply as unknown as QueueSnapshot;
    }
  }

  private apply(status: QueueStatus): void {
    this.queue = `${status.mode}/${status.queue}`;
    this.position = status.position;
    if (status.status === 'waiting') this.view = 'waiting';
    else if (status.status === 'matched') {
      if (this.view !== 'matched' && this.view !== 'seated') this.view = 'pairing';
    } else {
      this.view = 'idle';
      this.match = undefined;
    }
  }

  private noted(line: string, code: string): string {
    this.note(line);
    return code;
  }

  private note(line: string): void {
    this.trail.push(line);
    if (this.trail.length > 40) this.trail.shift();
  }
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
