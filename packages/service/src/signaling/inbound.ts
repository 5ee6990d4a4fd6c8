/**
 * What a connection sends besides the commands: every frame counts against the connection's message budget,
 * known event or not (`command()` counts the known ones). An unknown event is refused with `unknown_event`
 * and is a strike; a connection that keeps sending them is closed. Frames are bounded before parsing by the
 * server's `maxHttpBufferSize`.
 */
import { errorBody, LeaveReason, type Ack } from '@vcw/shared';
import type { SignalingContext, SignalingSocket } from './context.js';
import { throttled } from './guards.js';

export function guardUnknownEvents(socket: SignalingSocket, ctx: SignalingContext): void {
  socket.use((packet, next) => {
    const [event] = packet as unknown[] as [string | number];
    if (socket.listenerCount(event as string) > 0) return next();
    const last: unknown = packet.at(-1);
    const ack = typeof last === 'function' ? (last as (reply: Ack) => void) : undefined;
    ctx.metrics.commands.inc({ command: 'unknown', outcome: 'unknown_event' });
    if (throttled(socket, ctx, ack)) return;
    ack?.({
      ok: false,
      error: errorBody('unknown_event', `The service does not know the event "${String(event).slice(0, 40)}".`),
    });
    if (ctx.limits.strikes.take(socket.id).ok || !socket.connected) return;
    ctx.log.warn({ socket: socket.id, project: socket.data.projectId }, 'connection closed for unknown events');
    socket.data.closedAs = LeaveReason.kicked;
    socket.emit(
      'session:closed',
      errorBody('unknown_event', 'This connection kept sending events the service does not know, and was closed.'),
    );
    socket.disconnect(true);
  });
}
