/**
 * Matching: random pairing, a support customer's wait, and an agent's side of the support queue. The service
 * pairs; the matchmaker waits in its queue, joins the private room of each match as an ordinary call, and
 * when a pair ends drops its links (keeping camera and connection) and waits again. It knows the call only
 * through `MatchSeat`, which CallEngine provides, and is loaded lazily with the mode that needs it.
 */
import type {
  MatchEnded,
  MatchFound,
  MediaState,
  QueueAvailability,
  QueueEnterRequest,
  QueueSnapshot,
  QueueStatus,
  ReportReason,
  SessionInfo,
} from '@vcw/shared';
import { LeaveReason } from '@vcw/shared/protocol';
import type { CallState } from './call-engine.js';
import { CallError } from './call-error.js';
import type { SignalingClient } from './signaling-client.js';
import { TypedEmitter } from './typed-emitter.js';
import { visitorId as visitor } from './visitor-id.js';

/** Which side of a queue this widget is on. */
export type MatchRole = 'random' | 'support' | 'agent';

/** What the matchmaker needs of the call (CallEngine has it all). */
export interface MatchSeat {
  readonly state: CallState;
  readonly service: SignalingClient | null;
  readonly participants: ReadonlyArray<{ peerId: string }>;
  readonly outgoing: { readonly state: MediaState };
  prepare(): Promise<void>;
  /** Opens camera and microphone (what is open is told to the queue). */
  openDevices(): Promise<void>;
  join(room: string, displayName: string | undefined, retake: boolean): Promise<void>;
  setWaiting(waiting: boolean): void;
  vacate(giveBack?: boolean): void;
  leave(reason?: LeaveReason): Promise<void>;
  on(event: 'state', listener: (state: CallState) => void): () => void;
  on(event: 'participant-leave', listener: (left: { peerId: string; reason: LeaveReason }) => void): () => void;
}

type MatchmakerEvents = {
  /** Random and support: this visitor's place in the queue changed. */
  status: [QueueStatus];
  /** Agents: the queue they serve changed. */
  snapshot: [QueueSnapshot];
  /** Support, before waiting (`watch`): whether an agent is online, and the estimate for joining now. */
  availability: [QueueAvailability];
  /** A partner was found; the call with them is being set up. */
  found: [MatchFound];
  /** Random: the pair ended (the partner moved on, left, or a report ended it); waiting again. */
  ended: [MatchEnded['reason']];
  /** The service refused to queue the visitor or to take the agent's availability (the call reports its own). */
  error: [CallError];
};

/** What a visitor waits with (beyond mode and queue). */
export type QueueEntry = Pick<QueueEnterRequest, 'displayName' | 'message'>;

export class Matchmaker extends TypedEmitter<MatchmakerEvents> {
  /** The service's latest word on this visitor's place (random, support); null when not queued. */
  status: QueueStatus | null = null;
  /** Agents: the queue as it stands. */
  snapshot: QueueSnapshot | null = null;
  /** The current pair, from `match:found` until it ends. */
  match: MatchFound | null = null;
  /** Support: the line's availability before waiting, once `watch` asked for it. */
  availability: QueueAvailability | null = null;
  /** Support: availability is wanted whenever not waiting (after a Cancel, a lost session). */
  private watching = false;
  /** Agents: available for customers (online) or not (away). */
  available = true;
  /** What we entered the queue with, while queued: to enter again after a lost session. */
  private entry: QueueEntry | null = null;
  /** Agents: the name calls are joined under. */
  private agentName: string | undefined;
  /** The service connection whose events we follow. */
  private client: SignalingClient | null = null;

  constructor(
    private readonly seat: MatchSeat,
    readonly role: MatchRole,
    /** The queue waited in, or served (an agent's must be its token's). */
    readonly queue: string,
  ) {
    super();
    seat.on('state', (state) => {
      if (state === 'left' || state === 'error') this.reset();
    });
    // A room ended from outside takes this seat too: the seat's own leave (`room-ended`) says so.
    seat.on('participant-leave', ({ reason }) => reason !== LeaveReason.roomEnded && this.partnerGone());
  }

  /** Random and support: waits in the queue; resolves once the service took the visitor in. */
  async enter(entry: QueueEntry): Promise<void> {
    if (this.entry) return; // already waiting
    this.entry = entry;
    this.status = null;
    try {
      await Promise.all([this.seat.prepare(), this.seat.openDevices()]);
    } catch (error) {
      this.entry = null;
      throw error;
    }
    try {
      const client = this.attach();
      this.seat.setWaiting(true);
      const mode = this.role === 'random' ? 'random' : 'support';
      const visitorId = mode === 'random' ? { visitorId: visitor() } : {};
      const { resume, ...status } = await client.command('queue:enter', {
        mode,
        queue: this.queue,
        ...entry,
        media: this.seat.outgoing.state,
        ...visitorId,
      });
      // With several nodes: what takes this place back through another node if ours goes away.
      if (resume) client.keepResumeToken(resume);
      // Unless cancelled meanwhile, or already matched: a `match:found` may overtake the acknowledgement's
      // continuation (both can arrive in one transport message), and its status is then the older one.
      if (this.entry === entry && !this.match) this.setStatus(status);
    } catch (error) {
      if (this.entry === entry) {
        this.entry = null;
        this.seat.setWaiting(false);
      }
      throw this.failed(error);
    }
  }

  /**
   * Support, before waiting: connects (no camera) and asks whether an agent is online; `availability` then
   * follows every change until the customer waits, and again after a Cancel.
   */
  async watch(): Promise<void> {
    this.watching = true;
    // The element opened the connection already: wait for it, without reporting its failure a second time.
    const opening = this.seat.service;
    await (opening ? opening.connect() : this.seat.prepare());
    const { queue, agentsOnline, estimatedWaitMs } = await this.attach().command('queue:watch', { queue: this.queue });
    this.setAvailability({ queue, agentsOnline, estimatedWaitMs });
  }

  /** Stops waiting (Cancel), or leaves a pair being set up; back to the pre-join screen. */
  async cancel(): Promise<void> {
    const client = this.client;
    this.entry = null;
    if (this.match) {
      this.match = null;
      this.seat.vacate(true);
      // Random: the service ends the pair for the partner too (and queues us, which the leave below undoes).
      if (this.role === 'random') await client?.command('match:next', {}).catch(() => undefined);
    }
    // Not queued any more (matched meanwhile, or the service already let go): nothing to undo.
    await client?.command('queue:leave', {}).catch(() => undefined);
    if (this.status) this.setStatus({ ...this.status, status: 'left', position: 0 });
    this.seat.setWaiting(false);
    if (this.watching) this.watch().catch(() => undefined);
  }

  /** Random: ends this pair and waits for another one; the partner waits again too. */
  async next(): Promise<void> {
    await this.endPair('match:next');
  }

  /** Random: reports the partner; the pair ends, is never matched again, and this visitor waits again. */
  async report(reason: ReportReason): Promise<void> {
    await this.endPair('match:report', reason);
  }

  /** Support, instead of waiting: leaves a message for the team (a ticket), then leaves the queue and the call. */
  async leaveMessage(message: string, contact?: string): Promise<string> {
    await this.seat.prepare();
    const { ticketId } = await this.attach().command('ticket:create', {
      queue: this.queue,
      message,
      ...(contact ? { contact } : {}),
      ...(this.entry?.displayName ? { displayName: this.entry.displayName } : {}),
    });
    this.entry = null;
    await this.seat.leave();
    return ticketId;
  }

  /** Agents: online (customers may be given to this agent) or away; shows the console (`connecting`). */
  async setAvailable(available: boolean, displayName?: string): Promise<void> {
    this.available = available;
    if (displayName !== undefined) this.agentName = displayName || undefined;
    await this.seat.prepare();
    try {
      const client = this.attach();
      this.seat.setWaiting(true);
      // The queue too: a console set up for another queue than its token's is told so (token_queue_mismatch).
      const snapshot = await client.command('agent:status', {
        status: available ? 'online' : 'away',
        queue: this.queue,
      });
      // Changes that came right behind the ack are already in the client's view.
      this.setSnapshot(client.queueView ?? snapshot);
    } catch (error) {
      if (!this.snapshot) this.seat.setWaiting(false); // the console never opened
      throw this.failed(error);
    }
  }

  /** Agents: takes the customer waiting longest, or the one named; the call starts on both sides. */
  async take(customerId?: string): Promise<void> {
    await this.connected().command('agent:take', customerId ? { customerId } : {});
  }

  /** Agents: turns a waiting customer away; they are shown `reason`. */
  async decline(customerId: string, reason: string): Promise<void> {
    await this.connected().command('agent:decline', { customerId, reason });
  }

  /** Agents: ends the call (the customer's too) and goes back to the console. */
  hangUp(): void {
    if (!this.match) return;
    this.match = null;
    this.seat.vacate(true);
    this.announce();
  }

  private async endPair(command: 'match:next' | 'match:report', reason?: ReportReason): Promise<void> {
    if (this.role !== 'random')
      throw new CallError('configuration_invalid', 'next() and reporting are for mode="random".');
    if (!this.match) {
      if (this.entry) return; // already looking for someone
      throw new CallError('not_matched', 'There is no current match to end: join first.');
    }
    // Dropped here first: a new match may arrive right behind the service's answer.
    this.match = null;
    this.seat.vacate();
    const client = this.connected();
    const status = await (command === 'match:next'
      ? client.command(command, {})
      : client.command(command, { reason: reason ?? 'other' }));
    if (!this.match) this.setStatus(status); // a new match may have overtaken the answer (see `enter`)
  }

  private readonly found = (match: MatchFound): void => {
    if (!this.entry && this.role !== 'agent') return; // cancelled meanwhile
    if (this.match?.room === match.room) return; // told again after a resume: already on its way there
    this.match = match;
    this.emit('found', match);
    const name = this.role === 'agent' ? this.agentName : this.entry?.displayName;
    // A failed join is reported by the call itself (vc-error) and leaves it on the pre-join screen.
    this.seat.join(match.room, name, false).catch(() => undefined);
  };

  private readonly ended = ({ reason, status }: MatchEnded): void => {
    // Already dropped if we ended it ourselves (the service may still say so).
    if (this.match) {
      this.match = null;
      this.seat.vacate();
      this.emit('ended', reason);
    }
    this.setStatus(status);
  };

  /** Support: the other side of the call left. A customer's call is over; an agent goes back to the console. */
  private partnerGone(): void {
    if (!this.match || this.role === 'random' || this.seat.participants.length > 0) return; // random: match:ended says
    this.match = null;
    if (this.role === 'agent') {
      this.seat.vacate(true);
      this.announce();
    } else {
      this.entry = null;
      void this.seat.leave(LeaveReason.roomEnded);
    }
  }

  /** The session was lost (a new peer id): the service let go of our place; take it again. */
  private readonly recovered = (session: SessionInfo): void => {
    if (session.resumed) return;
    this.match = null; // its room admits only the connection we lost
    if (this.role === 'agent') {
      if (this.seat.state === 'connecting') this.announce();
    } else if (this.entry) {
      const entry = this.entry;
      this.entry = null;
      this.enter(entry).catch(() => undefined);
    } else if (this.watching) {
      this.watch().catch(() => undefined);
    }
  };

  private setStatus(status: QueueStatus): void {
    if (this.status && JSON.stringify(this.status) === JSON.stringify(status)) return;
    this.status = status;
    this.emit('status', status);
    if (
      (status.status !== 'declined' && status.status !== 'left') ||
      this.role === 'agent' ||
      (!this.entry && !this.match)
    )
      return;
    // Out of matching altogether: turned away by an agent, or let go by the service (a match not joined in
    // time, a room that could not be opened). A pair being set up is dropped; a declined customer is done.
    this.entry = null;
    if (this.match) {
      this.match = null;
      this.seat.vacate();
    }
    if (status.status === 'declined') void this.seat.leave();
    else this.seat.setWaiting(false);
  }

  /** Reports a refusal (as `error`) and hands it back, for the caller to reject with. */
  private failed(error: unknown): CallError {
    const failure = CallError.from(error);
    this.emit('error', failure);
    return failure;
  }

  private setAvailability(availability: QueueAvailability): void {
    this.availability = availability;
    this.emit('availability', availability);
  }

  private setSnapshot(snapshot: QueueSnapshot): void {
    this.snapshot = snapshot;
    this.emit('snapshot', snapshot);
  }

  /** Agents, back at the console: says again whether online (the service may have counted us busy). */
  private announce(): void {
    this.setAvailable(this.available).catch(() => undefined);
  }

  /** Follows the call's current service connection (a new one after every leave). */
  private attach(): SignalingClient {
    const client = this.seat.service;
    if (!client) throw new CallError('connection_failed', 'Not connected to the video chat service.');
    if (client !== this.client) {
      this.client = client;
      client.on('queue-update', (status) => this.setStatus(status));
      client.on('queue-snapshot', (snapshot) => this.setSnapshot(snapshot));
      client.on('queue-availability', (availability) => this.setAvailability(availability));
      client.on('match-found', this.found);
      client.on('match-ended', this.ended);
      client.on('reconnected', this.recovered);
    }
    return client;
  }

  private connected(): SignalingClient {
    if (!this.client || this.client !== this.seat.service)
      throw new CallError('connection_failed', 'Not connected to the video chat service.');
    return this.client;
  }

  private reset(): void {
    this.status = null;
    this.snapshot = null;
    this.entry = null;
    this.match = null;
    this.client = null;
  }
}
