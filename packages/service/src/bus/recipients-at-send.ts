/**
 * A cluster adapter delivers a broadcast on its own node only once Redis has taken it (it needs the stream
 * offset that recovery puts in the packet), and picks the local recipients then: a socket that left the room in
 * the meantime (a participant freed from a match room right after its partner's `peer:left` was sent) would
 * miss what was sent while it was still in. Here the local recipients are the room's members when the broadcast
 * is sent, as with the in-process adapter; the other nodes pick theirs when the message reaches them.
 */
import type { Adapter, BroadcastOptions, SocketId } from 'socket.io-adapter';

type Deliver = (opts: BroadcastOptions, callback: (socket: { id: SocketId }) => void) => void;

/** Makes `adapter` (a cluster adapter, fresh from its factory) deliver locally to who was there at send time. */
export function deliverToRecipientsAtSend<A extends Adapter>(adapter: A): A {
  const loose = adapter as unknown as {
    apply: Deliver;
    broadcast: (packet: unknown, opts: BroadcastOptions) => unknown;
  };
  const sockets = (adapter.nsp as unknown as { sockets: Map<SocketId, { id: SocketId }> }).sockets;
  const pick = loose.apply.bind(adapter);
  const send = loose.broadcast.bind(adapter);
  /** The local recipients of each broadcast under way, by its options object (the adapter passes it through). */
  const pending = new WeakMap<BroadcastOptions, SocketId[]>();
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
    if (!recipients) return pick(opts, callback);
    pending.delete(opts);
    for (const id of recipients) {
      const socket = sockets.get(id);
      if (socket) callback(socket);
    }
  };
  return adapter;
}
