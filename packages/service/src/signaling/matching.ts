/**
 * Matching (random pairs and support calls) as signaling uses it: the in-process coordinator over the room
 * and queue stores, delivering to this node's sockets. (A Redis coordinator for several nodes implements the
 * same `MatchCoordinator`.)
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { MatchTimings } from '../matching/local-coordinator.js';
import { ObservedCoordinator } from '../matching/observed-coordinator.js';
import { StoreMatchRooms } from '../matching/match-rooms.js';
import type { QueueStore } from '../store/queue-store.js';
import type { RoomStore } from '../store/room-store.js';
import type { MatchingContext, SignalingContext } from './context.js';
import { AvailabilityWatch } from './availability-watch.js';
import { SocketDelivery } from './match-delivery.js';
import { SeatHolds } from './seat-holds.js';

export interface MatchingDeps {
  roomStore: RoomStore;
  queueStore: QueueStore;
  log: FastifyBaseLogger;
  /** Shorter deadlines and pauses, for tests. */
  timings?: Partial<MatchTimings>;
  /** Where matching's time comes from (tests); the wall clock when not given. */
  clock?: Clock;
}

/** Builds matching over `ctx`; `close()` lets rooms being opened or ended finish their writes. */
export function createMatching(ctx: SignalingContext, { roomStore, queueStore, log, timings, clock }: MatchingDeps): MatchingContext & { close(): Promise<void> } {
  const rooms = new StoreMatchRooms(roomStore, log);
  const delivery = new SocketDelivery(ctx);
  const { waitingPerQueue, waitingPerProject } = ctx.caps;
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
  const coordinator = new ObservedCoordinator(options, ctx.events);
  const holds = new SeatHolds(ctx.holds.graceMs);
  const availability = new AvailabilityWatch(coordinator, (socketId, news) => ctx.io.to(socketId).emit('queue:availability', news));
  return {
    coordinator,
    queueStore,
    delivery,
    holds,
    availability,
    async close() {
      holds.clear();
      availability.close();
      await coordinator.close();
      await rooms.settled();
    },
  };
}
