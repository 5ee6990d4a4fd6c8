/** Wires the signaling modules onto a Socket.io server: the handshake guard, then one module per concern. */
import type { SignalingContext } from './context.js';
import { handshakeGuard } from './handshake.js';
import { registerJoin } from './join.js';
import { registerRelay } from './relay.js';

export function attachSignaling(ctx: SignalingContext): void {
  ctx.io.use(handshakeGuard(ctx));
  ctx.io.on('connection', (socket) => {
    registerJoin(socket, ctx);
    registerRelay(socket, ctx);
  });
}

export type { SignalingContext, SignalingServer, SignalingSocket } from './context.js';
