/** Wires the signaling modules onto a Socket.io server: the handshake guard, then one module per concern. */
import { randomBytes } from 'node:crypto';
import { broadcastRoom, type SignalingContext, type SignalingSocket } from './context.js';
import { handshakeGuard } from './handshake.js';
import { registerChat } from './chat.js';
import { registerJoin } from './join.js';
import { registerPresence } from './presence.js';
import { registerRelay } from './relay.js';

export function attachSignaling(ctx: SignalingContext): void {
  ctx.io.use(handshakeGuard(ctx));
  ctx.io.on('connection', (socket) => {
    // A recovered socket is one that dropped and came back within the grace period: same id, same data.
    const resumed = socket.recovered && resumeSeat(socket, ctx);
    if (!socket.recovered) socket.data.peerId = randomBytes(12).toString('base64url');
    registerJoin(socket, ctx);
    registerRelay(socket, ctx);
    registerChat(socket, ctx);
    registerPresence(socket, ctx);
    socket.on('disconnect', () => {
      ctx.limits.signals?.forget(socket.id);
      ctx.limits.strikes.forget(socket.id);
    });
    const { peerId } = socket.data;
    socket.emit('session', { peerId, iceServers: ctx.iceServersFor(peerId), iceTransportPolicy: ctx.iceTransportPolicy, ...(resumed ? { resumed: true } : {}) });
  });
}

/**
 * Takes a recovered socket's held seat back. False when the seat is gone meanwhile (the room was ended, or the
 * hold ran out just before): the socket then starts over outside any room and the widget joins again.
 */
function resumeSeat(socket: SignalingSocket, ctx: SignalingContext): boolean {
  ctx.holds.resume(socket.id);
  const { roomKey, peerId } = socket.data;
  if (roomKey && ctx.rooms.seat(roomKey, peerId)?.socketId === socket.id) {
    ctx.log.info({ roomKey, peer: peerId }, 'participant resumed');
    return true;
  }
  if (roomKey) void socket.leave(broadcastRoom(roomKey));
  socket.data.roomKey = undefined;
  return false;
}

export type { SignalingContext, SignalingServer, SignalingSocket } from './context.js';
