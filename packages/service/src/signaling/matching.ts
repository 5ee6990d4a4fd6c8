/**
 * Matching (random pairs and support calls) as signaling uses it: the in-process coordinator over the room
 * and queue stores, delivering to this node's sockets; with several nodes (`REDIS_URL`), the Redis coordinator,
 * whose queues every node shares.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Awaitable } from '../awaitable.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ServiceEvents } from '../events/service-events.js';
import type { MatchCoordinator } from '../matching/coordinator.js';
import type { MatchTimings } from '../matching/local-coordinator.js';
import { ObservedCoordinator } from '../matching/observed-coordinator.js';
import { publishCustomerNews } from '../matching/customer-news.js';
import { RedisCoordinator } from '../matching/redis-coordinator.js';
import type { MatchBook } from '../bus/match-book.js';
import { StoreMatchRooms } from '../matching/match-rooms.js';
import type { QueueStore } from '../store/queue-store.js';
import type { RoomStore } from '../store/room-store.js';
import type { MatchingContext } from './context.js';
import { AvailabilityWatch } from './availability-watch.js';
import { SocketDelivery } from './match-delivery.js';
import { DEAD_AFTER_MS } from './redis-seats.js';
import { SeatHolds } from './seat-holds.js';
import type { Seats } from './seats.js';
import type { SignalingServer } from './sockets.js';

export interface MatchingDeps {
  io: SignalingServer;
  /** Whose seats matching frees when a pair is over, and how long a dropped connection keeps its place. */
  seats: Seats;
  events: ServiceEvents;
  caps: Pick<Config['caps'], 'waitingPerQueue' | 'waitingPerProject'>;
  roomStore: RoomStore;
  queueStore: QueueStore;
  log: FastifyBaseLogger;
  /** Shorter deadlines and pauses, for tests. */
  timings?: Partial<MatchTimings>;
  /** Where matching's time comes from (tests); the wall clock when not given. */
  clock?: Clock;
  /** With several nodes: every queue in Redis. */
  matchBook?: MatchBook | null;
}

/** Builds matching (before the signaling context, which carries it); `close()` lets rooms being opened or ended finish their writes. */
export function createMatching({
  io,
  seats,
  events,
  caps,
  roomStore,
  queueStore,
  log,
  timings,
  clock,
  matchBook,
}: MatchingDeps): MatchingContext & { ready: Promise<void>; close(): Promise<void> } {
  const rooms = new StoreMatchRooms(roomStore, log);
  const delivery = new SocketDelivery(io, seats, log);
  const { waitingPerQueue, waitingPerProject } = caps;
  const options = {
    delivery,
    rooms,
    reportedPairs: (projectId: string) => queueStore.blockedPairs(projectId),
    log,
    caps: { waitingPerQueue, waitingPerProject },
    ...(timings ? { timings } : {}),
    ...(clock ? { clock } : {}),
  };
  // Support customers' waits are published as service events (webhooks).
  const deadAfterMs = Math.max(seats.graceMs, DEAD_AFTER_MS);
  const shared = matchBook
    ? new RedisCoordinator({
        ...options,
        book: matchBook,
        customerNews: (news) => publishCustomerNews(events, news),
        deadAfterMs,
      })
    : undefined;
  const coordinator: MatchCoordinator = shared ?? new ObservedCoordinator(options, events);
  const holds = new SeatHolds(seats.graceMs);
  const availability = new AvailabilityWatch(coordinator, (socketId, news) =>
    io.to(socketId).emit('queue:availability', news),
  );
  return {
    coordinator,
    queueStore,
    delivery,
    holds,
    availability,
    ready: shared ? shared.start() : Promise.resolve(),
    async close() {
      holds.clear();
      availability.close();
      await coordinator.close();
      await rooms.settled();
    },
  };
}

/** Matching follows the seats of match rooms: a pair is in its call once seated, over once a seat is freed or the room ended. */
export function followSeatsWithMatching(seats: Seats, coordinator: MatchCoordinator, log: FastifyBaseLogger): void {
  const settled = (what: string, change: Awaitable<void>) =>
    void Promise.resolve(change).catch((err: unknown) => log.error({ err }, `matching could not follow ${what}`));
  seats.follow('seated', ({ seat }) =>
    settled('a seat taken', coordinator.seated(seat.peerId, seat.roomId, seat.socketId)),
  );
  seats.follow('vacated', ({ seat }) => settled('a seat freed', coordinator.unseated(seat.peerId, seat.roomId)));
  // A match's room: its pair is over too (and one of them may not have taken its seat yet).
  seats.follow('ended', ({ projectId, roomName }) =>
    settled('a room ended', coordinator.roomEnded(projectId, roomName)),
  );
}
