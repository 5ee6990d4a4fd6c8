/**
 * What a dropped connection gets back when it resumes: Socket.io's connection state recovery, with a buffer
 * whose size does not follow the message rate. Socket.io's own keeps every packet for the grace period and
 * prunes once a minute (up to 90 s of all traffic). Here:
 * - a packet to one socket (a relayed signal) is kept until that socket shows it has it: by the `seen` offset of
 *   its next `signal` (a call's signals go both ways), else by its next pong (Engine.IO writes a ping after every
 *   packet queued before it, in order, so its pong proves them delivered, about every `pingInterval`). A socket
 *   that drops keeps its packets for the grace period, then they go. At most
 *   `MAX_HELD_PER_SOCKET` wait for one socket; past that its session is not resumed (the widget joins anew)
 *   rather than resumed without a signal;
 * - a packet to a room (joins, leaves, chat, media state: a few per call) is kept for the grace period plus
 *   the time a silent loss takes to notice, which is all a resuming socket can have missed.
 * Offsets (the id the client sends back when it resumes) are this process's sequence numbers.
 */
import {
  Adapter,
  SessionAwareAdapter,
  type BroadcastOptions,
  type PrivateSessionId,
  type Room,
  type Session,
  type SocketId,
} from 'socket.io-adapter';
import type { Namespace } from 'socket.io';

/**
 * Events a resuming connection is told afresh rather than replayed: `session` is sent on every connection,
 * recovered or not (`greet` in `index.ts`), so keeping it until delivered would only tell it twice. It still
 * carries its offset: that is what a client that heard nothing else yet resumes from (without one, Socket.io's
 * client does not ask to resume at all).
 */
const TOLD_AFRESH: ReadonlySet<string> = new Set(['session']);

/** A socket with more undelivered packets than this is not resumed: it is far behind or gone. */
export const MAX_HELD_PER_SOCKET = 512;

interface Held {
  seq: number;
  data: unknown[];
}

/**
 * Rooms a packet went to, or was kept from: as the one room's name when there is one (a join's news goes to one
 * room but the joiner), else as a list; neither weighs as much as Socket.io's Set.
 */
type Rooms = Room | readonly Room[];

/**
 * A packet to rooms, with whom it went to. A class, so that the thousands held share one shape (built by spreading
 * a `Held`, each got a hidden class of its own: 240 bytes of shape per packet).
 */
class HeldForRooms implements Held {
  constructor(
    readonly seq: number,
    readonly data: unknown[],
    readonly emittedAt: number,
    readonly rooms: Rooms,
    readonly except: Rooms,
  ) {}
}
const NO_ROOMS: readonly Room[] = [];
const compact = (rooms: ReadonlySet<Room> | undefined): Rooms =>
  !rooms || rooms.size === 0 ? NO_ROOMS : rooms.size === 1 ? rooms.values().next().value! : [...rooms];
const within = (room: Room, rooms: Rooms): boolean => (Array.isArray(rooms) ? rooms.includes(room) : rooms === room);

/** The Engine.IO connection of a socket, as far as this buffer listens to it. */
interface Connection {
  protocol: number;
  on(event: 'packetCreate', listener: (this: Connection, packet: { type: string }) => void): void;
  on(event: 'heartbeat', listener: (this: Connection) => void): void;
}

type Packet = { type: number; id?: number; data: unknown[] };
type DroppedSession = Session & { disconnectedAt: number };
/** What `restoreSession` answers when there is nothing to restore (Socket.io's own adapter answers it too). */
const NO_SESSION = null as unknown as Promise<Session>;

export class RecoveryBuffer extends SessionAwareAdapter {
  private seq = 0;
  /** Per socket, packets sent to it alone that it has not shown it received, oldest first. */
  private readonly direct = new Map<SocketId, Held[]>();
  /** Per socket, the last sequence number sent before its latest ping. */
  private readonly pinged = new Map<SocketId, number>();
  /** Sockets that fell too far behind: their sessions are not resumed. */
  private readonly overflowed = new Set<SocketId>();
  /** Sessions of dropped sockets, by private id, while they may resume. */
  private readonly dropped = new Map<PrivateSessionId, DroppedSession>();
  /** The rooms of the sessions in `dropped`, with how many of them are in each. */
  private readonly droppedIn = new Map<Room, number>();
  /** Dropped sockets whose packets wait for them, until when. */
  private readonly parked = new Map<SocketId, number>();
  /** Packets to rooms, oldest first, kept for `sharedRetentionMs`. */
  private shared: HeldForRooms[] = [];
  private readonly sharedRetentionMs: number;
  private readonly graceMs: number;
  private readonly sweeper: ReturnType<typeof setInterval>;
  /** Whose heartbeats each connection carries, for the two listeners every connection shares. */
  private readonly socketOf = new WeakMap<Connection, SocketId>();
  private readonly pingWritten: (this: Connection, packet: { type: string }) => void;
  private readonly pongRead: (this: Connection) => void;

  constructor(nsp: Namespace) {
    super(nsp as never);
    const { connectionStateRecovery, pingInterval, pingTimeout } = (
      nsp.server as unknown as {
        opts: {
          connectionStateRecovery: { maxDisconnectionDuration: number };
          pingInterval: number;
          pingTimeout: number;
        };
      }
    ).opts;
    this.graceMs = connectionStateRecovery.maxDisconnectionDuration;
    this.sharedRetentionMs = this.graceMs + pingInterval + pingTimeout;
    this.sweeper = setInterval(() => this.sweep(), 5_000);
    this.sweeper.unref();
    // The listeners' own `this` is the connection.
    const buffer = this;
    this.pingWritten = function (packet) {
      // Called for every packet written (each signal): only a ping is looked at.
      if (packet.type !== 'ping') return;
      const id = buffer.socketOf.get(this);
      if (id !== undefined) buffer.pinged.set(id, buffer.seq);
    };
    this.pongRead = function () {
      const id = buffer.socketOf.get(this);
      if (id !== undefined) buffer.delivered(id);
    };
  }

  override addAll(id: SocketId, rooms: Set<Room>): void {
    void super.addAll(id, rooms); // the in-memory adapter's is synchronous
    // A socket joins its own room when it connects (again, when it resumes): follow its heartbeats from there.
    if (!rooms.has(id) || this.pinged.has(id)) return;
    const conn = ((this.nsp as Namespace).sockets.get(id) as { conn?: Connection } | undefined)?.conn;
    if (!conn || conn.protocol === 3) return; // protocol 3 pings come from the client: no proof of delivery
    this.pinged.set(id, 0);
    this.parked.delete(id);
    this.socketOf.set(conn, id);
    conn.on('packetCreate', this.pingWritten);
    conn.on('heartbeat', this.pongRead);
  }

  override delAll(id: SocketId): void {
    super.delAll(id);
    this.pinged.delete(id);
    if (!this.parked.has(id)) this.forget(id);
  }

  override persistSession(session: Parameters<SessionAwareAdapter['persistSession']>[0]): void {
    const disconnectedAt = Date.now();
    const before = this.dropped.get(session.pid);
    if (before) this.countDropped(before, -1);
    this.dropped.set(session.pid, { ...session, disconnectedAt, missedPackets: [] });
    this.countDropped(session, 1);
    this.parked.set(session.sid, disconnectedAt + this.graceMs);
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
    const session = this.dropped.get(pid);
    if (!session) return NO_SESSION;
    const after = /^[0-9a-z]{1,11}$/.test(offset) ? parseInt(offset, 36) : NaN;
    if (session.disconnectedAt + this.graceMs < Date.now() || !(after <= this.seq) || this.overflowed.has(session.sid))
      return NO_SESSION;
    // What the client processed needs no keeping; the rest is sent again and kept until a pong says it arrived.
    this.delivered(session.sid, after);
    const missed = [
      ...(this.direct.get(session.sid) ?? []),
      ...this.shared.filter((held) => held.seq > after && reaches(session.rooms, held)),
    ].sort((a, b) => a.seq - b.seq);
    return Promise.resolve({ ...session, missedPackets: missed.map((held) => held.data) });
  }

  /**
   * `id` says it received everything up to `offset` (a `signal`'s `seen`): what was kept for it up to there can
   * go now, rather than at its next pong. An offset this process never gave out is ignored.
   */
  seen(id: SocketId, offset: string): void {
    const upTo = /^[0-9a-z]{1,11}$/.test(offset) ? parseInt(offset, 36) : NaN;
    if (upTo <= this.seq) this.delivered(id, upTo);
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    // As Socket.io's: events without acknowledgement (a callback cannot be restored) that are not volatile.
    if (packet.type === 2 && packet.id === undefined && opts.flags?.volatile === undefined) {
      const seq = ++this.seq;
      // The client reads the offset off the end of the event's arguments. A new array of just that length: pushing
      // onto Socket.io's would leave it room for 16 more, kept as long as the packet is.
      const data = (packet.data = packet.data.concat(seq.toString(36)));
      const kept = !TOLD_AFRESH.has(data[0] as string);
      const to = kept ? this.soleSocket(opts) : null;
      if (to) this.hold(to, { seq, data });
      else if (kept && this.mayReach(opts))
        this.shared.push(new HeldForRooms(seq, data, Date.now(), compact(opts.rooms), compact(opts.except)));
    }
    Adapter.prototype.broadcast.call(this, packet as never, opts);
  }

  override close(): void | Promise<void> {
    clearInterval(this.sweeper);
    return super.close();
  }

  /** How many packets wait for delivery proof or a resume (for tests and metrics). */
  get heldCount(): number {
    let count = this.shared.length;
    for (const queue of this.direct.values()) count += queue.length;
    return count;
  }

  /** The one socket a broadcast goes to, when it goes to one socket (its own room) and nowhere else. */
  private soleSocket(opts: BroadcastOptions): SocketId | null {
    if (opts.rooms.size !== 1 || (opts.except && opts.except.size > 0)) return null;
    const [room] = opts.rooms as Set<string>;
    return room !== undefined && (this.pinged.has(room) || this.parked.has(room)) ? room : null;
  }

  private hold(id: SocketId, held: Held): void {
    if (this.overflowed.has(id)) return;
    let queue = this.direct.get(id);
    if (!queue) this.direct.set(id, (queue = []));
    queue.push(held);
    if (queue.length > MAX_HELD_PER_SOCKET) {
      this.direct.delete(id);
      this.overflowed.add(id);
    }
  }

  /** A pong from `id`: everything sent to it before the ping it answers (or up to `upTo`) has arrived. */
  private delivered(id: SocketId, upTo = this.pinged.get(id) ?? 0): void {
    const queue = this.direct.get(id);
    if (!queue) return;
    let arrived = 0;
    while (arrived < queue.length && queue[arrived]!.seq <= upTo) arrived++;
    if (arrived === queue.length) this.direct.delete(id);
    else queue.splice(0, arrived);
  }

  /**
   * Whether a packet to rooms goes to anyone, now or on a resume: a connected socket of its rooms that it does not
   * leave out, or a dropped session in one of them. Nobody else can ever be sent it, so it is not kept (the news of
   * the first one into a room, told to an empty room, is most of those).
   */
  private mayReach(opts: BroadcastOptions): boolean {
    if (opts.rooms.size === 0) return true; // to every socket
    for (const room of opts.rooms) {
      if (this.droppedIn.has(room)) return true;
      for (const id of this.rooms.get(room) ?? []) if (!this.leftOut(id, opts.except)) return true;
    }
    return false;
  }

  private leftOut(id: SocketId, except: Set<Room> | undefined): boolean {
    if (except) for (const room of except) if (this.rooms.get(room)?.has(id)) return true;
    return false;
  }

  private countDropped(session: { rooms: Room[] }, by: 1 | -1): void {
    for (const room of session.rooms) {
      const count = (this.droppedIn.get(room) ?? 0) + by;
      if (count > 0) this.droppedIn.set(room, count);
      else this.droppedIn.delete(room);
    }
  }

  private forget(id: SocketId): void {
    this.direct.delete(id);
    this.parked.delete(id);
    this.overflowed.delete(id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, until] of this.parked) if (until < now) this.forget(id);
    for (const [pid, session] of this.dropped)
      if (session.disconnectedAt + this.graceMs < now) {
        this.dropped.delete(pid);
        this.countDropped(session, -1);
      }
    const threshold = now - this.sharedRetentionMs;
    let expired = 0;
    while (expired < this.shared.length && this.shared[expired]!.emittedAt < threshold) expired++;
    if (expired > 0) this.shared = this.shared.slice(expired);
  }
}

/** Whether a packet sent to `to` reached a socket in `rooms` (Socket.io's rule). */
function reaches(rooms: readonly Room[], to: HeldForRooms): boolean {
  const included = to.rooms === NO_ROOMS || rooms.some((room) => within(room, to.rooms));
  return included && rooms.every((room) => !within(room, to.except));
}
