/**
 * What a connection sends, as it arrives: a known command runs (see `runCommand`), and every frame counts
 * against the connection's message budget, known event or not. An unknown event is refused with
 * `unknown_event` and is a strike; a connection that keeps sending them is closed. Frames are bounded before
 * parsing by the server's `maxHttpBufferSize`. One middleware per connection, looking commands up in the
 * service's table: a connection holds no listener per command.
 */
import { errorBody, type Ack } from '@vcw/shared';
import type { SignalingContext, SignalingSocket } from './context.js';
import { runCommand, spendOwn, throttled, type Command } from './guards.js';
import { closeSession } from './sockets.js';

export function receiveCommands(
  socket: SignalingSocket,
  ctx: SignalingContext,
  commands: ReadonlyMap<string, Command>,
): void {
  socket.use((packet) => {
    const [event, ...args] = packet as unknown[] as [string | number, ...unknown[]];
    const spec = commands.get(event as string);
    if (spec) runCommand(socket, ctx, spec, args);
    else refuseUnknown(socket, ctx, event, args.at(-1));
  });
}

function refuseUnknown(socket: SignalingSocket, ctx: SignalingContext, event: string | number, last: unknown): void {
  const ack = typeof last === 'function' ? (last as (reply: Ack) => void) : undefined;
  ctx.metrics.commands.inc({ command: 'unknown', outcome: 'unknown_event' });
  if (throttled(socket, ctx, ack)) return;
  ack?.({
    ok: false,
    error: errorBody('unknown_event', `The service does not know the event "${String(event).slice(0, 40)}".`),
  });
  if (spendOwn(socket, 'strikes', ctx.limits.strikes).ok || !socket.connected) return;
  ctx.log.warn({ socket: socket.id, project: socket.data.projectId }, 'connection closed for unknown events');
  closeSession(
    socket,
    errorBody('unknown_event', 'This connection kept sending events the service does not know, and was closed.'),
  );
}
