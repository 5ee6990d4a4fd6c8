/**
 * What a connection sends, as it arrives: a known command runs (see `runCommand`), and every frame counts
 * against the connection's message budget, known event or not. An unknown event is refused with
 * `unknown_event` and is a strike; a connection that keeps sending them is closed. Frames are bounded before
 * parsing by the server's `maxHttpBufferSize`. One receiver for every connection, looking commands up in the
 * service's table: a connection holds no listener per command.
 */
import { errorBody, type Ack } from '@vcw/shared';
import type { SignalingContext, SignalingSocket } from './context.js';
import { runCommand, spendOwn, throttled, type Command } from './guards.js';
import { closeSession } from './sockets.js';

/** An event packet as Socket.io's `Socket` receives it: the event name and its arguments, and its ack id if any. */
interface EventPacket {
  data?: unknown[];
  id?: number;
}

/** The members of Socket.io's `Socket` (4.8, pinned) that route an event packet: private in its types. */
interface ReceivingSocket {
  onevent(this: SignalingSocket, packet: EventPacket): void;
  ack(id: number): (reply: Ack) => void;
  /** Those of `onAny`, which hear every event first (the tests watch commands with it). */
  _anyListeners?: Array<(...args: unknown[]) => void>;
}

/**
 * What every connection does with an event it receives, made once for the service. It stands in for Socket.io's
 * own `onevent` (which tells `onAny` listeners, runs the socket's middlewares, then emits the event to its
 * listeners a tick later; here, it tells `onAny` listeners and runs the command): a
 * connection's commands cost it no middleware array, closure or listener of its own, and a command costs no
 * copy of its arguments. Socket.io calls it with the socket as `this`.
 */
export function commandReceiver(
  ctx: SignalingContext,
  commands: ReadonlyMap<string, Command>,
): ReceivingSocket['onevent'] {
  return function onevent(this: SignalingSocket, packet: EventPacket): void {
    const data = packet.data ?? [];
    const socket = this as unknown as ReceivingSocket;
    const ack = packet.id != null ? socket.ack(packet.id) : undefined;
    // As Socket.io's own: `onAny` listeners hear the event, with its acknowledgement, before anything else does.
    if (socket._anyListeners?.length) {
      const args = ack ? [...data, ack] : data;
      for (const listener of socket._anyListeners.slice()) listener.apply(this, args);
    }
    const event = data[0] as string | number;
    const spec = commands.get(event as string);
    if (spec) runCommand(this, ctx, spec, data[1], ack);
    else refuseUnknown(this, ctx, event, ack);
  };
}

/** Routes the events `socket` receives through `receive` (see `commandReceiver`). */
export function receiveCommands(socket: SignalingSocket, receive: ReceivingSocket['onevent']): void {
  (socket as unknown as ReceivingSocket).onevent = receive;
}

function refuseUnknown(
  socket: SignalingSocket,
  ctx: SignalingContext,
  event: string | number,
  ack: ((reply: Ack) => void) | undefined,
): void {
  ctx.metrics.commands.inc({ command: 'unknown', outcome: 'unknown_event' });
  if (throttled(socket, ctx, ack)) return;
  ack?.({
    ok: false,
    error: errorBody('unknown_event', `The service does not know the event "${String(event).slice(0, 40)}".`),
  });
  if (spendOwn(socket, 'strikeAllowance', ctx.limits.strikes).ok || !socket.connected) return;
  ctx.log.warn({ socket: socket.id, project: socket.data.projectId }, 'connection closed for unknown events');
  closeSession(
    socket,
    errorBody('unknown_event', 'This connection kept sending events the service does not know, and was closed.'),
  );
}
