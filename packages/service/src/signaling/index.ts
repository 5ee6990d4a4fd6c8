/** Wires the signaling modules onto a Socket.io server: the handshake guard, then one module per concern. */
import { randomBytes } from 'node:crypto';
import { errorBody } from '@vcw/shared';
import { guardUnknownEvents } from './inbound.js';
import { registerAgent } from './agent.js';
import { broadcastRoom, isBroadcastRoom, type SignalingContext, type SignalingSocket } from './context.js';
import { handshakeGuard } from './handshake.js';
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
    const refusal = errorBody('rate_limited', `Too many connections open from this address (at most ${ctx.openConnections.cap}).`);
    next(Object.assign(new Error(refusal.message), { data: refusal }));
  });
  ctx.io.use(handshakeGuard(ctx));
  ctx.io.on('connection', (socket) => {
    guardUnknownEvents(socket, ctx);
    // A recovered socket is one that dropped and came back within the grace period: same id, same data. It
    // went through the middlewares again (attempts and connections per address, key, origin, token).
    const resumed = socket.recovered && resumeSeat(socket, ctx);
    if (!socket.recovered) socket.data.peerId = randomBytes(12).toString('base64url');
    registerJoin(socket, ctx);
    registerRelay(socket, ctx);
    registerChat(socket, ctx);
    registerPresence(socket, ctx);
    registerRecording(socket, ctx);
    registerHost(socket, ctx);
    registerKnock(socket, ctx);
    registerIceServers(socket, ctx);
    // Its place in a queue or a pair counts as resumed too: the widget keeps waiting rather than entering again.
    const resumedPlace = ctx.matching ? registerQueue(socket, ctx, ctx.matching) : false;
    if (ctx.matching) registerAgent(socket, ctx, ctx.matching);
    socket.on('disconnect', (reason) => forgetLimits(socket, ctx, reason));
    const { peerId } = socket.data;
    socket.emit('session', { peerId, iceServers: ctx.iceServersFor(peerId), iceTransportPolicy: ctx.iceTransportPolicy, ...(resumed || resumedPlace ? { resumed: true } : {}) });
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
  if (ctx.holds.mayResume(reason)) setTimeout(forget, ctx.holds.graceMs + 1000).unref();
  else forget();
}

/**
 * Takes a recovered socket's held seat back. False when the seat is gone meanwhile (the room was ended, or the
 * hold ran out just before): the socket then starts over outside any room and the widget joins again.
 */
function resumeSeat(socket: SignalingSocket, ctx: SignalingContext): boolean {
  ctx.holds.resume(socket.id);
  const { roomKey, peerId } = socket.data;
  const seated = roomKey !== undefined && ctx.rooms.seat(roomKey, peerId)?.socketId === socket.id;
  // The rooms restored are those it was in when it dropped: leave the broadcasts of any seat freed meanwhile
  // (the room was ended, or its match was over and matching freed the seat).
  const kept = seated && roomKey ? broadcastRoom(roomKey) : null;
  for (const room of [...socket.rooms]) if (isBroadcastRoom(room) && room !== kept) void socket.leave(room);
  if (seated) {
    ctx.log.info({ roomKey, peer: peerId }, 'participant resumed');
    return true;
  }
  socket.data.roomKey = undefined;
  return false;
}

export type { SignalingContext, SignalingServer, SignalingSocket } from './context.js';
