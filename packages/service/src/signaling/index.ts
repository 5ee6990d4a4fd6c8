/** Wires the signaling modules onto a Socket.io server: the handshake guard, then one module per concern. */
import { randomBytes } from 'node:crypto';
import { errorBody } from '@vcw/shared';
import { guardUnknownEvents } from './inbound.js';
import { registerAgent } from './agent.js';
import type { SignalingContext, SignalingSocket } from './context.js';
import { handshakeGuard } from './handshake.js';
import { registerCallQuality } from './call-quality.js';
import { registerChat } from './chat.js';
import { registerHost } from './host.js';
import { registerKnock } from './knock.js';
import { registerIceServers } from './ice-servers.js';
import { registerJoin } from './join.js';
import { registerPresence } from './presence.js';
import { registerQueue } from './queue.js';
import { registerRecording } from './recording.js';
import { registerRelay } from './relay.js';

export function attachSignaling(ctx: SignalingContext): void {
  // Counted from the transport's opening, so the count includes handshakes still under way.
  ctx.io.engine.on('connection', (raw: { remoteAddress: string; once(event: 'close', listener: () => void): void }) => {
    ctx.openConnections.opened(raw.remoteAddress);
    raw.once('close', () => ctx.openConnections.closed(raw.remoteAddress));
  });
  ctx.io.use((socket, next) => {
    if (!ctx.openConnections.over(socket.handshake.address)) return next();
    const refusal = errorBody(
      'rate_limited',
      `Too many connections open from this address (at most ${ctx.openConnections.cap}).`,
    );
    next(Object.assign(new Error(refusal.message), { data: refusal }));
  });
  ctx.io.use(handshakeGuard(ctx));
  ctx.io.on('connection', (socket) => {
    guardUnknownEvents(socket, ctx);
    // A recovered socket is one that dropped and came back within the grace period: same id, same data. It
    // went through the middlewares again (attempts and connections per address, key, origin, token).
    const resumed = socket.recovered ? ctx.seats.resume(socket) : false;
    if (!socket.recovered) socket.data.peerId = randomBytes(12).toString('base64url');
    registerJoin(socket, ctx);
    registerRelay(socket, ctx);
    registerChat(socket, ctx);
    registerPresence(socket, ctx);
    registerCallQuality(socket, ctx);
    registerRecording(socket, ctx);
    registerHost(socket, ctx);
    registerKnock(socket, ctx);
    registerIceServers(socket, ctx);
    // Its place in a queue or a pair counts as resumed too: the widget keeps waiting rather than entering again.
    const resumedPlace = registerQueue(socket, ctx, ctx.matching);
    registerAgent(socket, ctx, ctx.matching);
    socket.on('disconnect', (reason) => forgetLimits(socket, ctx, reason));
    const { peerId } = socket.data;
    const greet = (seatBack: boolean) =>
      socket.emit('session', {
        peerId,
        iceServers: ctx.iceServersFor(peerId),
        iceTransportPolicy: ctx.iceTransportPolicy,
        ...(seatBack || resumedPlace ? { resumed: true } : {}),
      });
    // Seats kept on this node answer at once: the session is told in the same step as its handlers are set.
    if (typeof resumed === 'boolean') greet(resumed);
    else resumed.then(greet, (err: unknown) => ctx.log.error({ err, peer: peerId }, 'could not resume a seat'));
  });
}

/**
 * Drops the socket's message budget and strikes once it is gone for good. A socket that may still resume
 * keeps them through the grace period: dropping the transport must not buy a flooder a fresh allowance.
 */
function forgetLimits(socket: SignalingSocket, ctx: SignalingContext, reason: string): void {
  const forget = () => {
    if (ctx.io.sockets.sockets.has(socket.id)) return; // it resumed: same id, same budget
    ctx.limits.signals?.forget(socket.id);
    ctx.limits.strikes.forget(socket.id);
  };
  if (ctx.seats.mayResume(reason)) setTimeout(forget, ctx.seats.graceMs + 1000).unref();
  else forget();
}

export type { SignalingContext, SignalingServer, SignalingSocket } from './context.js';
