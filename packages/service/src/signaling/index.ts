/** Wires the signaling modules onto a Socket.io server: the handshake guard, then one module per concern. */
import { randomBytes } from 'node:crypto';
import type { SignalingContext } from './context.js';
import { handshakeGuard } from './handshake.js';
import { registerChat } from './chat.js';
import { registerJoin } from './join.js';
import { registerPresence } from './presence.js';
import { registerRelay } from './relay.js';

export function attachSignaling(ctx: SignalingContext): void {
  ctx.io.use(handshakeGuard(ctx));
  ctx.io.on('connection', (socket) => {
    socket.data.peerId = randomBytes(12).toString('base64url');
    registerJoin(socket, ctx);
    registerRelay(socket, ctx);
    registerChat(socket, ctx);
    registerPresence(socket, ctx);
    socket.on('disconnect', () => {
      ctx.limits.signals?.forget(socket.id);
      ctx.limits.strikes.forget(socket.id);
    });
    socket.emit('session', { peerId: socket.data.peerId, iceServers: ctx.iceServersFor(socket.data.peerId), iceTransportPolicy: ctx.iceTransportPolicy });
  });
}

export type { SignalingContext, SignalingServer, SignalingSocket } from './context.js';
