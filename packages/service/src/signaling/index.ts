/** Wires the signaling modules onto a Socket.io server: the handshake guard, then one module per concern. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, type HandshakeAuth } from '@vcw/shared';
import type { Seat } from '../rooms/room-registry.js';
import { agentCommands } from './agent.js';
import { callQualityCommands } from './call-quality.js';
import { chatCommands } from './chat.js';
import type { SignalingContext, SignalingSocket } from './context.js';
import type { Command } from './guards.js';
import { handshakeGuard } from './handshake.js';
import { hostCommands } from './host.js';
import { iceServersCommands } from './ice-servers.js';
import { commandReceiver, receiveCommands } from './inbound.js';
import { joinCommands, peerInfo, seatAfterDisconnect } from './join.js';
import { knockCommands, stopKnocking } from './knock.js';
import { presenceCommands } from './presence.js';
import { followInMatching, matchingAfterDisconnect, queueCommands } from './queue.js';
import { recordingCommands } from './recording.js';
import { relayCommands } from './relay.js';
import { forgetClearedTimer } from './upgraded-socket.js';

/** Every command a connection may send, by event name: one table for the service. */
const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [
    ...joinCommands,
    ...relayCommands,
    ...chatCommands,
    ...presenceCommands,
    ...callQualityCommands,
    ...recordingCommands,
    ...hostCommands,
    ...knockCommands,
    ...iceServersCommands,
    ...queueCommands,
    ...agentCommands,
  ].map((spec) => [spec.event, spec]),
);

/** What a connection's handshake `auth` is once it was read (see below). */
const CREDENTIALS_LET_GO: Readonly<Record<string, never>> = Object.freeze({});

export function attachSignaling(ctx: SignalingContext): void {
  // Counted from the transport's opening, so the count includes handshakes still under way. One listener for
  // all transports (it is called on the one that closed), rather than a closure per connection.
  type Transport = {
    remoteAddress: string;
    request?: IncomingMessage;
    on(event: 'close', listener: (this: Transport) => void): void;
  };
  function transportClosed(this: Transport) {
    ctx.openConnections.closed(this.remoteAddress);
  }
  // Without a cap (MAX_CONNECTIONS_PER_ADDRESS=0) there is nothing to count against: no listener either.
  const counted = ctx.openConnections.cap > 0;
  ctx.io.engine.on('connection', (raw: Transport) => {
    if (counted) {
      ctx.openConnections.opened(raw.remoteAddress);
      raw.on('close', transportClosed);
    }
    if (raw.request) forgetClearedTimer(raw.request.socket as Socket);
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
  // One listener for every connection's disconnect (called on the one that went), rather than a closure each.
  function disconnected(this: SignalingSocket, reason: string) {
    seatAfterDisconnect(this, ctx, reason);
    stopKnocking(this, ctx, reason);
    matchingAfterDisconnect(this, ctx, reason);
  }
  const receive = commandReceiver(ctx, COMMANDS);
  ctx.io.on('connection', (socket) => {
    receiveCommands(socket, receive);
    // A recovered socket is one that dropped and came back within the grace period: same id, same data. It
    // went through the middlewares again (attempts and connections per address, key, origin, token).
    if (!socket.recovered) socket.data.peerId = randomBytes(12).toString('base64url');
    // A new one with a resume token (several nodes) comes from a node that went away: it takes its seat over.
    const { resume } = socket.handshake.auth as HandshakeAuth;
    const seatBack = socket.recovered ? ctx.seats.resume(socket) : resume ? ctx.seats.takeOver(socket, resume) : false;
    // Its place in a queue or a pair counts as resumed too: the widget keeps waiting rather than entering again.
    const resumedPlace = followInMatching(socket, ctx, seatBack);
    // Its key or token admitted it and its resume token is read: a connection does not keep its credentials for
    // its whole life (one that recovers brings them again, and they are checked again).
    socket.handshake.auth = CREDENTIALS_LET_GO;
    socket.on('disconnect', disconnected);
    // Seats and places kept on this node answer at once: the session is told in the same step as its handlers are set.
    if (!(seatBack instanceof Promise) && !(resumedPlace instanceof Promise))
      greet(socket, ctx, seatBack, resumedPlace);
    else
      Promise.all([seatBack, resumedPlace]).then(
        ([seat, place]) => greet(socket, ctx, seat, place),
        (err: unknown) => ctx.log.error({ err, peer: socket.data.peerId }, 'could not resume a seat or a place'),
      );
  });
}

/** Tells a connection its session: who it is, its ICE servers, and what it got back if it resumed. */
function greet(socket: SignalingSocket, ctx: SignalingContext, back: boolean | Seat[] | null, placeBack: boolean) {
  const { peerId } = socket.data;
  const resumeToken = back
    ? ctx.seats.resumeToken(socket)
    : placeBack
      ? ctx.resumeTokens?.mintPlace(socket.data.projectId, peerId)
      : undefined;
  socket.emit('session', {
    peerId,
    iceServers: ctx.iceServersFor(peerId),
    iceTransportPolicy: ctx.iceTransportPolicy,
    ...(back || placeBack ? { resumed: true } : {}),
    ...(resumeToken ? { resume: resumeToken } : {}),
    ...(Array.isArray(back) ? { peers: back.map(peerInfo) } : {}),
  });
}

export type { SignalingContext, SignalingServer, SignalingSocket } from './context.js';
