/**
 * Who a broadcast reaches on this node, with the Redis streams adapter:
 *
 * - It delivers on its own node only once Redis has taken the broadcast (it needs the stream offset that
 *   recovery puts in the packet), and would pick the local recipients then: a socket that left the room in the
 *   meantime (a participant freed from a match room right after its partner's `peer:left` was sent) would miss
 *   what was sent while it was still in. Here the local recipients are the room's members when the broadcast is
 *   sent, as with the in-process adapter; the other nodes pick theirs when the message reaches them.
 * - A connection being recovered is given the packets it missed as its session is read from the stream, but is
 *   connected only once the handshake checks are done (key, origin, token, rate limit: round trips to Redis and
 *   the store). A broadcast to its rooms that reached the stream after that read and is delivered here before
 *   it is connected reaches nobody: it would be lost (a signal sent as the other side comes back, about one per
 *   recovery). Such a broadcast is kept for the connection and delivered once it is connected, after the
 *   packets its session restored, in stream order.
 */
import type { Adapter, BroadcastOptions, PrivateSessionId, Room, Session, SocketId } from 'socket.io-adapter';
import { later, type FanoutProgress } from './fanout-progress.js';

interface LocalSocket {
  id: SocketId;
}
type Deliver = (socket: LocalSocket) => void;
type Apply = (opts: BroadcastOptions, callback: Deliver) => void;

/** A broadcast delivered here while a session was being read: sorted out once it is. */
interface Seen {
  opts: BroadcastOptions;
  offset: string;
  deliver: Deliver;
}

/**
 * A session restored here, for a while: what reaches it before its connection is connected is kept for it, and
 * a broadcast sent before it was connected but delivered here after is given to it too.
 */
interface ComingBack {
  rooms: Set<Room>;
  /** The stream offset of the last packet it got back (or asked from): later ones are its to get. */
  after: string;
  /** Kept for it until it is connected; null once it is. */
  kept: Deliver[] | null;
  since: number;
}

/**
 * How long a restored session is looked after: longer than its checks and any broadcast under way take; one whose
 * connection never connects (its checks refused it) is forgotten then.
 */
const COMING_BACK_MS = 30_000;

/**
 * Makes `adapter` (the streams adapter, fresh from its factory) deliver locally as said above, and tells
 * `progress` of each entry of the stream delivered here.
 */
export function deliverToRecipientsAtSend<A extends Adapter>(adapter: A, progress: FanoutProgress): A {
  const loose = adapter as unknown as {
    onRawMessage: (raw: unknown, offset: string) => void;
    apply: Apply;
    broadcast: (packet: unknown, opts: BroadcastOptions) => unknown;
    addOffsetIfNecessary: (packet: { data: unknown[] }, opts: BroadcastOptions, offset: string) => void;
    restoreSession: (pid: PrivateSessionId, offset: string) => Promise<Session>;
    sids: Map<SocketId, Set<Room>>;
  };
  const nsp = adapter.nsp as unknown as {
    sockets: Map<SocketId, LocalSocket>;
    on(event: 'connection', listener: (socket: LocalSocket) => void): void;
  };
  const pick = loose.apply.bind(adapter);
  const send = loose.broadcast.bind(adapter);
  const addOffset = loose.addOffsetIfNecessary.bind(adapter);
  const restore = loose.restoreSession.bind(adapter);
  const onRaw = loose.onRawMessage.bind(adapter);
  loose.onRawMessage = (raw, offset) => {
    onRaw(raw, offset);
    progress.reached(offset);
  };
  /** The local recipients of each broadcast under way, by its options object (the adapter passes it through). */
  const pending = new WeakMap<BroadcastOptions, SocketId[]>();
  /** The stream offset of each broadcast a resumed session could have missed (not one with an acknowledgement). */
  const offsets = new WeakMap<BroadcastOptions, string>();
  /** What was delivered here during each session read under way. */
  const reading = new Set<Seen[]>();
  const comingBack = new Map<SocketId, ComingBack>();

  nsp.on('connection', (socket) => {
    const back = comingBack.get(socket.id);
    if (!back?.kept) return;
    const kept = back.kept;
    back.kept = null;
    for (const deliver of kept) deliver(socket);
  });
  const forgetOld = (now: number) => {
    for (const [id, back] of comingBack) if (now - back.since > COMING_BACK_MS) comingBack.delete(id);
  };

  loose.addOffsetIfNecessary = (packet, opts, offset) => {
    addOffset(packet, opts, offset);
    if (packet.data.at(-1) === offset) offsets.set(opts, offset);
  };
  loose.restoreSession = async (pid, offset) => {
    const seen: Seen[] = [];
    reading.add(seen);
    try {
      const session = await restore(pid, offset);
      const now = Date.now();
      forgetOld(now);
      const lastMissed = session.missedPackets.at(-1) as unknown[] | undefined;
      const after = typeof lastMissed?.at(-1) === 'string' ? (lastMissed.at(-1) as string) : offset;
      const back: ComingBack = { rooms: new Set(session.rooms), after, kept: [], since: now };
      comingBack.set(session.sid, back);
      for (const { opts, offset: at, deliver } of seen) if (isFor(back, opts, at)) back.kept!.push(deliver);
      return session;
    } finally {
      reading.delete(seen);
    }
  };

  loose.broadcast = (packet, opts) => {
    if (!opts.flags?.local) {
      const recipients: SocketId[] = [];
      pick(opts, (socket) => recipients.push(socket.id));
      pending.set(opts, recipients);
    }
    return send(packet, opts);
  };
  loose.apply = (opts, callback) => {
    const recipients = pending.get(opts);
    pending.delete(opts);
    const given = new Set<SocketId>();
    const give = (socket: LocalSocket) => {
      given.add(socket.id);
      callback(socket);
    };
    if (recipients) {
      for (const id of recipients) {
        const socket = nsp.sockets.get(id);
        if (socket) give(socket);
      }
    } else pick(opts, give);
    const offset = offsets.get(opts);
    if (offset === undefined) return;
    for (const seen of reading) seen.push({ opts, offset, deliver: callback });
    for (const [id, back] of comingBack) {
      if (given.has(id) || !isFor(back, opts, offset)) continue;
      if (back.kept) back.kept.push(callback);
      else {
        const socket = nsp.sockets.get(id);
        if (socket && reaches(loose.sids.get(id) ?? back.rooms, opts)) callback(socket);
      }
    }
  };
  return adapter;
}

/** Whether a broadcast is a restored session's to get: to its rooms, and after what it got back. */
function isFor(back: ComingBack, opts: BroadcastOptions, offset: string): boolean {
  return reaches(back.rooms, opts) && later(offset, back.after);
}

/** Whether a socket in `rooms` is reached by a broadcast to `opts` (Socket.io's rule). */
function reaches(rooms: Set<Room>, { rooms: to, except }: BroadcastOptions): boolean {
  for (const room of except ?? []) if (rooms.has(room)) return false;
  if (to.size === 0) return true;
  for (const room of to) if (rooms.has(room)) return true;
  return false;
}
