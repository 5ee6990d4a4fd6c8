/** `POST /v1/rooms/:id/tokens`: partners mint short-lived join tokens for their own users. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CreateTokenBody, DEFAULT_TOKEN_TTL_SECONDS, JoinToken, RoomIdParams } from '@vcw/shared';
import { assertRoomOpen } from '../../store/room-store.js';
import { errorResponses } from './error-responses.js';
import { roomOf } from './rooms.js';

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/rooms/:id/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Mint a join token',
        description:
          "A JWT for one room and role (default lifetime 10 minutes, at most 24 hours). The widget joins with it through its `token` attribute; it is the only way into a private room. `url` is the service's join page for the room with this token.",
        params: RoomIdParams,
        body: CreateTokenBody,
        response: { 201: JoinToken, ...errorResponses(404, 410, 413) },
      },
    },
    async (request, reply) => {
      const room = await roomOf(app, request.project.id, request.params.id);
      assertRoomOpen(room);
      const { role, displayName, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS } = request.body;
      const minted = await app.joinTokens.mint(
        { projectId: room.projectId, roomId: room.id, room: room.name, role, ...(displayName ? { displayName } : {}) },
        ttlSeconds,
      );
      request.log.info({ room: room.id, role, tokenId: minted.tokenId }, 'join token minted');
      return reply.code(201).send({
        token: minted.token,
        roomId: room.id,
        room: room.name,
        role,
        expiresAt: minted.expiresAt,
        url: app.joinLink(room.name, minted.token),
      });
    },
  );
}
