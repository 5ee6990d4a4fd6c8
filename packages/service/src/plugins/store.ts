/**
 * The store: projects and keys, rooms and call history, match reports and support tickets, over the Kysely
 * database handed to `build()`. Closed with the app.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { sql } from '../store/kysely.js';
import { LeaveReason } from '@vcw/shared';
import type { SeatBook } from '../bus/seat-book.js';
import { participantLeftEvent, sessionEndedEvent } from '../events/call-events.js';
import { RoomRegistry } from '../rooms/room-registry.js';
import type { Database } from '../store/schema.js';
import { CallHistory } from '../store/call-history.js';
import { ProjectStore } from '../store/project-store.js';
import { QueueStore } from '../store/queue-store.js';
import { RemovedTokenStore } from '../store/removed-token-store.js';
import { RoomStore } from '../store/room-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    projects: ProjectStore;
    roomStore: RoomStore;
    callHistory: CallHistory;
    queueStore: QueueStore;
    /** Join tokens of removed participants. */
    removedTokens: RemovedTokenStore;
    /** Whether the store answers a query within a couple of seconds (for `GET /ready`). */
    storeReachable(): Promise<boolean>;
  }
}

const STORE_CHECK_TIMEOUT_MS = 2000;

export default fp<{ db: Kysely<Database> }>(
  async (app, { db }) => {
    app.decorate('projects', new ProjectStore(db));
    app.decorate('roomStore', new RoomStore(db));
    app.decorate('queueStore', new QueueStore(db));
    app.decorate('removedTokens', new RemovedTokenStore(db));
    const callHistory = new CallHistory(db);
    app.decorate('callHistory', callHistory);
    app.decorate('storeReachable', async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STORE_CHECK_TIMEOUT_MS)));
      const answered = sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
      }
    });
    // Calls open in the store at boot were cut off when the last process stopped: their participants are
    // recorded as lost to the network now. With one node that is always true. With several on Redis, only when
    // Redis lost its state, and then only calls whose rooms have no seat there (those go on at another node).
    const interrupted = await callsWithoutSeats(app.bus.seatBook, await callHistory.openCalls(), app.log);
    const closedAt = new Date();
    const closed = await callHistory.closeInterrupted(
      closedAt,
      app.bus.seatBook ? interrupted.map((call) => call.roomId) : undefined,
    );
    if (closed.sessions > 0 || closed.participants > 0)
      app.log.info(closed, 'closed calls interrupted by the last stop');
    // Their ends are told like any call's (webhooks), once everything that listens is registered.
    if (interrupted.length > 0) {
      app.addHook('onReady', async () => {
        for (const call of interrupted) {
          const session = await callHistory.session(call.sessionId);
          if (!session) continue;
          for (const p of session.participants) {
            if (p.leftAt !== closedAt.toISOString() || p.leaveReason !== LeaveReason.network) continue;
            app.serviceEvents.publish(
              participantLeftEvent(call, session.id, {
                peerId: p.peerId,
                displayName: p.displayName,
                reason: LeaveReason.network,
                leftAt: p.leftAt,
              }),
            );
          }
          app.serviceEvents.publish(sessionEndedEvent(call, session));
        }
      });
    }
    app.addHook('onClose', async () => {
      await db.destroy();
    });
  },
  { name: 'store' },
);

/** How long a starting node waits for Redis to answer before it leaves the calls open in the store alone. */
const SEATS_READ_TIMEOUT_MS = 5_000;

/**
 * The open calls nobody holds a seat of: all of them with one node; with several (a seat book in Redis), none
 * when Redis kept its state, else those whose room has no seat there. Redis not answering (it may still be connecting: asked again until it does, for
 * a while) closes none: a live call must not be ended in the history.
 */
async function callsWithoutSeats<C extends { projectId: string; room: string }>(
  seatBook: SeatBook | null,
  calls: C[],
  log: FastifyBaseLogger,
): Promise<C[]> {
  if (!seatBook) return calls;
  const deadline = Date.now() + SEATS_READ_TIMEOUT_MS;
  for (;;) {
    try {
      // Redis kept its state: every call it knew of ends there, and reaches the store through a node's journal
      // of call history (adopted with its seats when that node stopped). Only a Redis that lost its state (or
      // never held this deployment's) leaves calls open in the store that nothing will end.
      if (await seatBook.stateKept()) return [];
      if (calls.length === 0) return calls;
      const seated = await Promise.all(calls.map((c) => seatBook.list(RoomRegistry.keyOf(c.projectId, c.room))));
      return calls.filter((_call, i) => seated[i]!.length === 0);
    } catch (err) {
      if (Date.now() >= deadline) {
        log.warn({ err }, 'could not read the seats in Redis: calls left open in the history are left as they are');
        return [];
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
