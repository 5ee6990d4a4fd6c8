/** Socket.io on the same HTTP server as Fastify, with the signaling modules attached. */
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { SIGNALING_PATH, type IceTransportPolicy } from '@vcw/shared';
import { iceServers } from '../signaling/ice-servers.js';
import type { Config } from '../config.js';
import type { JoinTokens } from '../auth/join-token.js';
import { RoomRegistry } from '../rooms/room-registry.js';
import { CallRecorder } from '../signaling/call-recorder.js';
import { attachSignaling, type SignalingServer } from '../signaling/index.js';
import { endRoomCall } from '../signaling/room-end.js';
import { SeatHolds } from '../signaling/seat-holds.js';

declare module 'fastify' {
  interface FastifyInstance {
    io: SignalingServer;
    rooms: RoomRegistry;
    /** The service's `ICE_TRANSPORT_POLICY`. */
    iceTransportPolicy: IceTransportPolicy;
    /** A TURN server is configured, so relay-only calls can connect. */
    hasTurn: boolean;
    /** Queues call history writes; `flushed()` waits for them. */
    callRecorder: CallRecorder;
    /** Removes everyone from a room's call, telling them `room:ended`; returns how many were removed. */
    endRoomCall(projectId: string, roomName: string): number;
  }
}

/** Largest socket message accepted, in bytes: an SDP body plus room to spare. */
const MAX_MESSAGE_BYTES = 100_000;

export default fp<{ config: Config; joinTokens: JoinTokens }>(
  async (app, { config, joinTokens }) => {
    const io: SignalingServer = new Server(app.server, {
      path: SIGNALING_PATH,
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      // Browsers need CORS on the polling transport to read our answer at all; who may connect is decided by
      // the handshake guard (key + allowed origins), which answers a refused origin with a readable code.
      cors: { origin: true, credentials: false },
      // A dropped connection that comes back within the grace period gets its socket back (id, data, rooms)
      // and the messages sent to it meanwhile. The handshake was checked when it first connected.
      connectionStateRecovery: { maxDisconnectionDuration: config.resumeGraceSeconds * 1000, skipMiddlewares: true },
      // Notice a silent network loss within ~15 s (the defaults take 45 s).
      pingInterval: 10_000,
      pingTimeout: 5_000,
    });
    const holds = new SeatHolds(config.resumeGraceSeconds * 1000);
    const rooms = new RoomRegistry();
    const log = app.log.child({ module: 'signaling' });
    const recorder = new CallRecorder(app.callHistory, log);
    const ctx = {
      io,
      rooms,
      projects: app.projects,
      roomStore: app.roomStore,
      joinTokens,
      limits: app.limits,
      recorder,
      holds,
      log,
      selfOrigin: config.publicUrl,
      iceServersFor: iceServers(config),
      iceTransportPolicy: config.iceTransportPolicy,
    };
    attachSignaling(ctx);
    app.decorate('io', io);
    app.decorate('iceTransportPolicy', config.iceTransportPolicy);
    app.decorate('hasTurn', config.turnUrls.length > 0);
    app.decorate('rooms', rooms);
    app.decorate('callRecorder', recorder);
    app.decorate('endRoomCall', (projectId: string, roomName: string) => endRoomCall(ctx, projectId, roomName));
    app.addHook('preClose', async () => {
      io.local.disconnectSockets(true);
    });
    app.addHook('onClose', async () => {
      holds.clear();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // The leaves of the sockets closed above are still queued; write them before the store closes.
      await recorder.flushed();
    });
  },
  { name: 'signaling', dependencies: ['store'] },
);
