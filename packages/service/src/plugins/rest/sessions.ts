/** `GET /v1/rooms/:id/sessions`: partners read a room's call history. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CallSessionList, ListSessionsQuery, RoomIdParams } from '@vcw/shared';
import { errorResponses } from './error-responses.js';
import { roomOf } from './rooms.js';
import { relayUsedIn } from '../../store/call-history.js';

export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/rooms/:id/sessions',
    {
      schema: {
        tags: ['rooms'],
        summary: "A room's call history, newest call first",
        description:
          "One session per call: from the first participant joining the empty room until the last one leaves or the room is ended, with everyone who joined, when they left and why (`leaveReason`). A call going on has `endedAt: null`. `worstNetworkQuality` and `relayUsed` are what the participants' widgets reported of their network (null when none did), as in the `room.session.ended` webhook.",
        params: RoomIdParams,
        querystring: ListSessionsQuery,
        response: { 200: CallSessionList, ...errorResponses(404) },
      },
    },
    async (request) => {
      const room = await roomOf(app, request.project.id, request.params.id);
      // History is written behind the calls' backs; wait for this room's queued writes so a partner who
      // asks right after a call ended sees it ended.
      await app.callHistoryWriter.flushed(room.id);
      const { sessions, nextCursor } = await app.callHistory.listSessions(room.projectId, room.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
      return {
        data: sessions.map((session) => ({
          id: session.id,
          startedAt: session.startedAt,
          endedAt: session.endedAt,
          participants: session.participants,
          worstNetworkQuality: session.worstNetworkQuality,
          relayUsed: relayUsedIn(session, room.iceTransportPolicy === 'relay'),
        })),
        nextCursor,
      };
    },
  );
}
