/** Socket.io on the same HTTP server as Fastify, with the signaling modules attached. */
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import {
  errorBody,
  MAX_SDP_LENGTH,
  RECORDING_REQUEST_EXPIRY_MS,
  SIGNALING_PATH,
  type IceTransportPolicy,
} from '@vcw/shared';
import { iceServers } from '../signaling/ice-servers.js';
import type { Config } from '../config.js';
import type { ResumeTokens } from '../auth/resume-token.js';
import type { JoinTokens } from '../auth/join-token.js';
import { RoomRegistry } from '../rooms/room-registry.js';
import { LocalRecordingBook } from '../rooms/recording-book.js';
import { CallHistoryWriter, followSeatsWithHistory } from '../signaling/call-history-writer.js';
import { HistoryJournalReplay } from '../signaling/history-journal-replay.js';
import { attachSignaling, type SignalingContext, type SignalingServer } from '../signaling/index.js';
import { announceRoomLock } from '../signaling/host.js';
import { endRoomEverywhere } from '../bus/room-end-everywhere.js';
import { RecoveryBuffer } from '../signaling/recovery-buffer.js';
import { removeParticipant } from '../signaling/participant-removal.js';
import type { Seat } from '../rooms/room-registry.js';
import { LocalSeats, type Seats } from '../signaling/seats.js';
import { RedisSeats } from '../signaling/redis-seats.js';
import { LocalDoors, type Doors } from '../signaling/doors.js';
import { RedisDoors } from '../signaling/redis-doors.js';
import { OpenConnections } from '../signaling/open-connections.js';
import { Turns } from '../signaling/turns.js';
import { CredentialWatch } from '../signaling/credential-watch.js';
import { createMatching, followSeatsWithMatching } from '../signaling/matching.js';
import { followSeatsWithRecording } from '../signaling/recording.js';
import type { Awaitable } from '../awaitable.js';
import type { MatchCoordinator } from '../matching/coordinator.js';
import type { MatchTimings } from '../matching/local-coordinator.js';
import type { Clock } from '../clock.js';

declare module 'fastify' {
  interface FastifyInstance {
    io: SignalingServer;
    rooms: RoomRegistry;
    /** Who sits where, on this node or (with the Redis bus) on every node. */
    seats: Seats;
    /** The service's `ICE_TRANSPORT_POLICY`. */
    iceTransportPolicy: IceTransportPolicy;
    /** A TURN server is configured, so relay-only calls can connect. */
    hasTurn: boolean;
    /** Queues call history writes; `flushed()` waits for them. */
    callHistoryWriter: CallHistoryWriter;
    /** Several nodes: writes again what this node's journal of call history still holds (tests look at will). */
    historyJournal: HistoryJournalReplay | null;
    /** Removes everyone from a room's call on every node, telling them `room:ended`; how many this node removed. */
    endRoomCall(projectId: string, roomName: string): Awaitable<number>;
    /** Removes a participant from a room's call (reason `kicked`); the seat removed, if there was one. */
    removeParticipant(projectId: string, roomName: string, peerId: string): Promise<Seat | undefined>;
    /** Tells the room's participants the partner locked or unlocked it (`room:locked` with `by: null`). */
    announceRoomLock(projectId: string, roomName: string, locked: boolean): void;
    /** Random pairs and support queues; the REST routes read their state here. */
    matching: MatchCoordinator;
  }
}

/**
 * Largest socket frame accepted, in bytes, checked before parsing: the largest legal message is a `room:join`
 * or `signal` carrying an SDP body of MAX_SDP_LENGTH ASCII characters, whose line breaks JSON escapes (an SDP
 * line is at least 3 characters and its CRLF, so escaping adds at most 2 bytes in 5), plus the envelope.
 */
const MAX_MESSAGE_BYTES = Math.ceil(MAX_SDP_LENGTH * 1.4) + 4096;
/**
 * What the event loop runs for clients per turn (see Turns), in commands: a command costs about a tenth of a
 * millisecond, so a turn holds the rest for a few milliseconds at most, while a burst still runs at the node's
 * full speed. A connection's opening (the WebSocket upgrade, Engine.IO's and Socket.io's handshakes) costs
 * about as much as OPENING_COST commands; openings take their turns as one party, beside each project's commands.
 */
const WORK_PER_TURN = 32;
const OPENING_COST = 4;
const OPENINGS = 'openings';
/** Widgets told that this node is going away reconnect spread over this window, not all at once. */
const DRAIN_SPREAD_MS = 1_000;

export default fp<{
  config: Config;
  joinTokens: JoinTokens;
  resumeTokens: ResumeTokens;
  matchTimings?: Partial<MatchTimings>;
  matchClock?: Clock;
}>(
  async (app, { config, joinTokens, resumeTokens, matchTimings, matchClock }) => {
    const turns = new Turns(WORK_PER_TURN);
    const io: SignalingServer = new Server(app.server, {
      path: SIGNALING_PATH,
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      // Browsers need CORS on the polling transport to read our answer at all; who may connect is decided by
      // the handshake guard (key + allowed origins), which answers a refused origin with a readable code.
      cors: { origin: true, credentials: false },
      // A dropped connection that comes back within the grace period gets its socket back (id, data, rooms)
      // and the messages sent to it meanwhile, once the handshake guard has checked its key, origin or token again.
      connectionStateRecovery: { maxDisconnectionDuration: config.resumeGraceSeconds * 1000, skipMiddlewares: false },
      // …kept in a buffer that lets go of what has arrived (its size does not follow the message rate); with
      // several nodes, in the bus's stream, which any node resumes from.
      adapter: (app.bus.adapter ?? RecoveryBuffer) as never,
      // Notice a silent network loss within ~15 s (the defaults take 45 s).
      pingInterval: 10_000,
      pingTimeout: 5_000,
      // A connection that opened its transport but never sends the socket.io connect is closed after this.
      connectTimeout: config.handshakeTimeoutSeconds * 1000,
      // Every new connection (a WebSocket upgrade, or a polling handshake) waits for its turn.
      allowRequest: (_req, admit) => turns.run(OPENINGS, () => admit(null, true), OPENING_COST),
    });
    const rooms = new RoomRegistry();
    const log = app.log.child({ module: 'signaling' });
    const graceMs = config.resumeGraceSeconds * 1000;
    const seats: Seats = app.bus.seatBook
      ? new RedisSeats(io, rooms, log, graceMs, app.bus.seatBook, resumeTokens)
      : new LocalSeats(io, rooms, log, graceMs);
    const doors: Doors = app.bus.knockBook ? new RedisDoors(io, app.bus.knockBook, log) : new LocalDoors(io, rooms);
    const history = new CallHistoryWriter(app.callHistory, log, app.serviceEvents, app.bus.seatBook ?? undefined);
    const journalReplay = app.bus.seatBook ? new HistoryJournalReplay(app.bus.seatBook, history, log) : null;
    const matching = createMatching({
      io,
      seats,
      events: app.serviceEvents,
      caps: config.caps,
      roomStore: app.roomStore,
      queueStore: app.queueStore,
      log: app.log.child({ module: 'matching' }),
      ...(matchTimings ? { timings: matchTimings } : {}),
      ...(matchClock ? { clock: matchClock } : {}),
      matchBook: app.bus.matchBook,
    });
    // With several nodes, this node subscribes to what the scripts decide for its connections (its queue
    // commands wait for that); a node starts while Redis is away, and subscribes once it is back.
    matching.ready.catch((err: unknown) => log.error({ err }, 'matching could not subscribe to its news'));
    const ctx: SignalingContext = {
      io,
      rooms,
      projects: app.projects,
      roomStore: app.roomStore,
      joinTokens,
      resumeTokens: app.bus.seatBook ? resumeTokens : undefined,
      limits: app.limits,
      seats,
      doors,
      recordings: app.bus.recordingBook ?? new LocalRecordingBook(rooms, RECORDING_REQUEST_EXPIRY_MS),
      history,
      log,
      metrics: app.metrics,
      events: app.serviceEvents,
      removedTokens: app.removedTokens,
      selfOrigin: config.publicUrl,
      iceServersFor: iceServers(config),
      iceTransportPolicy: config.iceTransportPolicy,
      openConnections: new OpenConnections(config.caps.connectionsPerAddress),
      turns,
      caps: config.caps,
      matching,
      endRoomCall: endRoomEverywhere(io, app.bus, (projectId, roomName) => seats.endRoom(projectId, roomName)),
    };
    // Who follows the seats, in this order: recording consent (a leave that ends a recording holds the call's
    // history until it is told, so recording.stopped goes out before room.session.ended), call history, then
    // matching, last, so a matched partner hears of a leave (and of the recording it ends) before it hears the
    // pair is over.
    followSeatsWithRecording(ctx);
    followSeatsWithHistory(seats, history);
    followSeatsWithMatching(seats, matching.coordinator, log);
    // Once shutting down, new connections are turned away with a code the widget retries on (elsewhere,
    // behind a load balancer, or here after the restart).
    let draining = false;
    io.use((_socket, next) => {
      if (!draining) return next();
      const refusal = errorBody('shutting_down');
      next(Object.assign(new Error(refusal.message), { data: refusal }));
    });
    attachSignaling(ctx);
    const credentials = new CredentialWatch(ctx);
    credentials.start();
    app.decorate('io', io);
    app.decorate('iceTransportPolicy', config.iceTransportPolicy);
    app.decorate('hasTurn', config.turnUrls.length > 0);
    app.decorate('rooms', rooms);
    app.decorate('seats', seats);
    app.decorate('callHistoryWriter', history);
    app.decorate('historyJournal', journalReplay);
    app.decorate('matching', matching.coordinator);
    app.decorate('endRoomCall', ctx.endRoomCall);
    app.decorate('announceRoomLock', (projectId: string, roomName: string, locked: boolean) =>
      announceRoomLock(ctx, RoomRegistry.keyOf(projectId, roomName), { locked, by: null }),
    );
    app.decorate('removeParticipant', (projectId: string, roomName: string, peerId: string) =>
      removeParticipant(ctx, RoomRegistry.keyOf(projectId, roomName), peerId),
    );
    app.addHook('preClose', async () => {
      // Say why before closing: a widget told it is a handover shows "reconnecting" and comes back at once
      // (spread over a second), instead of treating the close as a failure.
      draining = true;
      io.local.emit('service:draining', { reconnectWithinMs: DRAIN_SPREAD_MS });
      // With several nodes the sessions outlive this one (in Redis): closing each transport, not the session, lets
      // a widget resume on another node with its peer id and seat, its calls untouched. Alone, there is nowhere
      // to resume: the sessions end, and the widgets join again.
      if (app.bus.seatBook) for (const socket of io.of('/').sockets.values()) socket.conn.close();
      else io.local.disconnectSockets(true);
    });
    app.addHook('onClose', async () => {
      await credentials.stop();
      journalReplay?.close();
      seats.close();
      doors.close();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      // Before the store closes: match rooms being opened or ended finish their writes.
      await matching.close();
      // The leaves of the sockets closed above are still queued; write them before the store closes.
      await history.flushed();
    });
  },
  { name: 'signaling', dependencies: ['store', 'operations'] },
);
