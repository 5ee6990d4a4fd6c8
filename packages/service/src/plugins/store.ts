/**
 * The store: projects and keys, rooms and call history, match reports and support tickets, over the Kysely
 * database handed to `build()`. Closed with the app.
 */
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { sql } from '../store/kysely.js';
import { LeaveReason } from '@vcw/shared';
import { participantLeftEvent, sessionEndedEvent } from '../events/call-events.js';
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
    // recorded as lost to the network now. With one node that is always true; once several nodes share the
    // store, a multi-node coordinator must own this, since another node's calls would still be live.
    const interrupted = await callHistory.openCalls();
    const closedAt = new Date();
    const closed = await callHistory.closeInterrupted(closedAt);
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
