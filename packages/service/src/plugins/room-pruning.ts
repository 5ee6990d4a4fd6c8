/**
 * Pruning: rooms past their `ttlSeconds` already refuse joins; once a minute they are also ended (anyone
 * still in the call is told `room:ended`) and deleted with their call history, and idempotency keys older
 * than a day are forgotten. Rooms opened by a join by name are deleted with their history once nobody has
 * been in them for `adHocRoomIdleSeconds`, and support tickets once they are `ticketRetentionDays` old.
 * `app.pruneExpiredRooms(now)` and `app.pruneIdle(now)` run one pass each, so tests choose the time. With
 * several nodes, one at a time prunes (a lease in Redis), and a room is ended on every node.
 */
import fp from 'fastify-plugin';
import { RoomRegistry } from '../rooms/room-registry.js';
import { broadcastRoom } from '../signaling/context.js';

/** How often the service prunes. Expired rooms refuse joins meanwhile, so this only bounds storage. */
export const PRUNE_INTERVAL_MS = 60_000;
/** How long an `Idempotency-Key` replays its first answer: a day, like the partner's retries. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 3600 * 1000;

export interface PruneResult {
  /** Expired rooms deleted. */
  rooms: number;
  /** Participants removed from the calls of those rooms. */
  participants: number;
  /** Idempotency keys forgotten. */
  idempotencyKeys: number;
}

export interface IdlePruneResult {
  /** Ad-hoc rooms deleted, idle for the configured time. */
  adHocRooms: number;
  /** Tickets deleted, past their retention. */
  tickets: number;
}

export interface PruningOptions {
  adHocRoomIdleSeconds: number;
  ticketRetentionDays: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Ends and deletes the rooms expired by `now`, and forgets day-old idempotency keys. */
    pruneExpiredRooms(now?: Date): Promise<PruneResult>;
    /** Deletes the ad-hoc rooms idle by `now` (nobody in them) and the tickets past their retention. */
    pruneIdle(now?: Date): Promise<IdlePruneResult>;
  }
}

/** Rooms one pass deletes at most (the store's `expired` default), and passes one run makes at most. */
const PRUNE_BATCH = 500;
const MAX_PASSES_PER_RUN = 100;

export default fp<PruningOptions>(
  async (app, { adHocRoomIdleSeconds, ticketRetentionDays }) => {
    const log = app.log.child({ module: 'pruning' });

    async function pruneExpiredRooms(now = new Date()): Promise<PruneResult> {
      const expired = await app.roomStore.expired(now, PRUNE_BATCH);
      let participants = 0;
      for (const room of expired) participants += await app.endRoomCall(room.projectId, room.name);
      // The ends just recorded would otherwise race the delete; the history goes with the room anyway.
      await Promise.all(expired.map((room) => app.callHistoryWriter.flushed(room.id)));
      const rooms = await app.roomStore.deleteExpired(
        expired.map((room) => room.id),
        now,
      );
      const idempotencyKeys = await app.roomStore.forgetIdempotencyKeys(
        new Date(now.getTime() - IDEMPOTENCY_KEY_LIFETIME_MS),
      );
      if (rooms > 0 || idempotencyKeys > 0) log.info({ rooms, participants, idempotencyKeys }, 'pruned expired rooms');
      return { rooms, participants, idempotencyKeys };
    }

    app.decorate('pruneExpiredRooms', pruneExpiredRooms);

    async function pruneIdle(now = new Date()): Promise<IdlePruneResult> {
      const since = new Date(now.getTime() - adHocRoomIdleSeconds * 1000);
      let adHocRooms = 0;
      for (let pass = 0; pass < MAX_PASSES_PER_RUN; pass++) {
        const idle = await app.roomStore.idleAdHoc(since, PRUNE_BATCH);
        // Seats live in memory: a room someone sits in now is not idle, whatever its history says.
        const empty = await emptyOnEveryNode(idle);
        await Promise.all(empty.map((room) => app.callHistoryWriter.flushed(room.id)));
        adHocRooms += await app.roomStore.deleteIdleAdHoc(
          empty.map((room) => room.id),
          since,
        );
        if (idle.length < PRUNE_BATCH) break;
      }
      const tickets = await app.queueStore.deleteTicketsBefore(
        new Date(now.getTime() - ticketRetentionDays * 86_400_000),
      );
      if (adHocRooms > 0 || tickets > 0) log.info({ adHocRooms, tickets }, 'pruned idle rooms and old tickets');
      return { adHocRooms, tickets };
    }
    app.decorate('pruneIdle', pruneIdle);

    /**
     * The rooms nobody sits in, on this node and (with the Redis bus) on the others: a seated socket is in its
     * room's broadcast room, which any node can ask the others about. An unanswered question throws, and the
     * pass is tried again at the next interval, rather than delete a room someone may be in.
     */
    async function emptyOnEveryNode<R extends { projectId: string; name: string }>(rooms: R[]): Promise<R[]> {
      const emptyHere = rooms.filter(
        (room) => app.rooms.participantCount(RoomRegistry.keyOf(room.projectId, room.name)) === 0,
      );
      if (app.bus.kind === 'in-process') return emptyHere;
      const seated = await Promise.all(
        emptyHere.map((room) => app.io.in(broadcastRoom(RoomRegistry.keyOf(room.projectId, room.name))).fetchSockets()),
      );
      return emptyHere.filter((_room, i) => seated[i]!.length === 0);
    }
    /** Passes until one finds less than a full batch: rooms may expire faster than one batch a minute (busy random chat). */
    async function pruneUntilDone(): Promise<void> {
      for (let pass = 0; pass < MAX_PASSES_PER_RUN; pass++) {
        if ((await pruneExpiredRooms()).rooms < PRUNE_BATCH) break;
      }
      await pruneIdle();
    }
    let running: Promise<unknown> | null = null;
    // unref: a pending prune never keeps the process alive on its own.
    const timer = setInterval(() => {
      if (running) return; // a slow pass is still going; skip rather than pile up
      // One node at a time: the lease outlives one interval, so the node that holds it keeps it while it lives.
      running = app.bus
        .holdLease('pruning', 2 * PRUNE_INTERVAL_MS)
        .then((held) => (held ? pruneUntilDone() : undefined))
        .catch((err: unknown) => log.error({ err }, 'pruning failed'))
        .finally(() => (running = null));
    }, PRUNE_INTERVAL_MS).unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  },
  { name: 'room-pruning', dependencies: ['store', 'signaling'] },
);
