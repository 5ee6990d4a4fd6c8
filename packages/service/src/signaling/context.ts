import type { AvailabilityWatch } from './availability-watch.js';
import type { FastifyBaseLogger } from 'fastify';
import type { ServiceMetrics } from '../operations/metrics.js';
import { displayNameText, type IceServer, type IceTransportPolicy } from '@vcw/shared';
import type { RoomRegistry } from '../rooms/room-registry.js';
import type { RecordingBook } from '../rooms/recording-book.js';
import type { ProjectStore } from '../store/project-store.js';
import type { RoomStore } from '../store/room-store.js';
import type { JoinTokens } from '../auth/join-token.js';
import type { ResumeTokens } from '../auth/resume-token.js';
import type { Limits } from '../limits/limits.js';
import type { MatchCoordinator } from '../matching/coordinator.js';
import type { QueueStore } from '../store/queue-store.js';
import type { ServiceEvents } from '../events/service-events.js';
import type { CallHistoryWriter } from './call-history-writer.js';
import type { RemovedTokenStore } from '../store/removed-token-store.js';
import type { SocketDelivery } from './match-delivery.js';
import type { SeatHolds } from './seat-holds.js';
import type { Seats } from './seats.js';
import type { Doors } from './doors.js';
import type { SignalingServer } from './sockets.js';
import type { Config } from '../config.js';
import type { OpenConnections } from './open-connections.js';
import type { Turns } from './turns.js';
import type { EndRoomHere } from '../bus/room-end-everywhere.js';

export { broadcastRoom, isBroadcastRoom, type SignalingServer, type SignalingSocket } from './sockets.js';

/** What every signaling module may use. */
export interface SignalingContext {
  io: SignalingServer;
  rooms: RoomRegistry;
  projects: ProjectStore;
  roomStore: RoomStore;
  joinTokens: JoinTokens;
  /** With several nodes: the tokens that take a seat or a place in line back through another node. */
  resumeTokens: ResumeTokens | undefined;
  limits: Limits;
  /** Taking, keeping and freeing seats; call history, recording consent and matching follow their news. */
  seats: Seats;
  /** Who knocks at the doors of rooms that make guests knock, and whom their hosts admitted. */
  doors: Doors;
  /** Each room's recording consent: this node's, or with several nodes every node's (Redis). */
  recordings: RecordingBook;
  /** Call history, written behind the call's back; widgets' network reports go straight to it. */
  history: CallHistoryWriter;
  log: FastifyBaseLogger;
  /** Join tokens of removed participants, which admit nobody to their room again. */
  removedTokens: RemovedTokenStore;
  /** Where what happened is published for subscribers (webhooks). */
  events: ServiceEvents;
  /** Counts every command's outcome for `GET /metrics`. */
  metrics: ServiceMetrics;
  /** This service's own origin (`PUBLIC_URL`), for pages it serves itself. */
  selfOrigin: string;
  iceServersFor(peerId: string): IceServer[];
  /** The service's `ICE_TRANSPORT_POLICY`; a room may tighten it to `relay`. */
  iceTransportPolicy: IceTransportPolicy;
  /** The bounds on what visitors can fill (`Config['caps']`). */
  caps: Config['caps'];
  /** Connections open at once per client address, and the cap on them. */
  openConnections: OpenConnections;
  /** Commands and connection openings take turns on the event loop, each project's commands as one party. */
  turns: Turns;
  /** Queues and pairs (see `matching.ts`), built before the context. */
  matching: MatchingContext;
  /** Ends a room's call on every node (`seats.endRoom` is this node's part); how many this node removed. */
  endRoomCall: EndRoomHere;
}

/** What the queue and agent modules use. */
export interface MatchingContext {
  coordinator: MatchCoordinator;
  queueStore: QueueStore;
  delivery: SocketDelivery;
  /** Places in line kept through a dropped connection, until it resumes or the grace period passes. */
  holds: SeatHolds;
  /** Customers watching a support line's availability before they wait (`queue:watch`). */
  availability: AvailabilityWatch;
}

/** The name shown for a participant who gave none. */
export const DEFAULT_DISPLAY_NAME = 'Guest';

/** A name as others are shown it (see `displayNameText`); undefined when none is left to show. */
export const shownName = (raw: string | undefined): string | undefined =>
  raw === undefined ? undefined : displayNameText(raw) || undefined;
