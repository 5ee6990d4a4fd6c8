/** `/v1/rooms`: partners create, list, inspect and end rooms. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CreatedRoom,
  CreateRoomBody,
  MAX_TOKEN_TTL_SECONDS,
  ListRoomsQuery,
  ParticipantList,
  Participant,
  ParticipantParams,
  UpdateRoomBody,
  MAX_ROOM_METADATA_BYTES,
  Room,
  RoomIdParams,
  RoomList,
} from '@vcw/shared';
import { Type } from '@sinclair/typebox';
import { ServiceError } from '../../errors.js';
import { errorResponses } from './error-responses.js';
import { effectivePolicy } from '../../rooms/ice-policy.js';
import { RoomRegistry } from '../../rooms/room-registry.js';
import type { StoredRoom } from '../../store/room-store.js';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export async function roomRoutes(app: FastifyInstance): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const view = (room: StoredRoom): Room => ({
    id: room.id,
    name: room.name,
    privacy: room.privacy,
    maxParticipants: room.maxParticipants,
    metadata: room.metadata,
    iceTransportPolicy: effectivePolicy(app.iceTransportPolicy, room.iceTransportPolicy),
    createdAt: room.createdAt,
    expiresAt: room.expiresAt,
    endedAt: room.endedAt,
    participantCount: app.rooms.participantCount(RoomRegistry.keyOf(room.projectId, room.name)),
    locked: room.locked,
    knock: room.knock,
  });

  api.post(
    '/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Create a room',
        description:
          "Honours `Idempotency-Key`: the same key and body return the same room; the same key with another body is a 409. `url` is a link to the service's join page for the room, with a guest token valid for 24 hours (or until the room expires); mint tokens for anything else.",
        headers: IdempotencyHeaders,
        body: CreateRoomBody,
        response: { 201: CreatedRoom, 200: CreatedRoom, ...errorResponses(409, 413, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.metadata && Buffer.byteLength(JSON.stringify(body.metadata)) > MAX_ROOM_METADATA_BYTES) {
        throw new ServiceError('invalid_payload', `metadata must be at most ${MAX_ROOM_METADATA_BYTES} bytes of JSON.`);
      }
      if (body.iceTransportPolicy === 'relay' && !app.hasTurn) {
        throw new ServiceError(
          'invalid_payload',
          'iceTransportPolicy "relay" needs a TURN server, and this service has none (TURN_URLS).',
        );
      }
      const { room, created } = await app.roomStore.create(
        request.project.id,
        body,
        request.headers['idempotency-key'],
      );
      const untilExpiry = room.expiresAt
        ? Math.floor((Date.parse(room.expiresAt) - Date.now()) / 1000)
        : MAX_TOKEN_TTL_SECONDS;
      const link = await app.joinTokens.mint(
        { projectId: room.projectId, roomId: room.id, room: room.name, role: 'guest' },
        Math.max(1, Math.min(MAX_TOKEN_TTL_SECONDS, untilExpiry)),
      );
      return reply.code(created ? 201 : 200).send({ ...view(room), url: app.joinLink(room.name, link.token) });
    },
  );

  api.get(
    '/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'List rooms, newest first',
        querystring: ListRoomsQuery,
        response: { 200: RoomList, ...errorResponses() },
      },
    },
    async (request) => {
      const { rooms, nextCursor } = await app.roomStore.list(request.project.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
      return { data: rooms.map(view), nextCursor };
    },
  );

  api.get(
    '/rooms/:id',
    {
      schema: {
        tags: ['rooms'],
        summary: 'One room, with its live participant count',
        params: RoomIdParams,
        response: { 200: Room, ...errorResponses(404) },
      },
    },
    async (request) => view(await roomOf(app, request.project.id, request.params.id)),
  );

  api.get(
    '/rooms/:id/participants',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Who is in the room now',
        params: RoomIdParams,
        response: { 200: ParticipantList, ...errorResponses(404) },
      },
    },
    async (request) => {
      const room = await roomOf(app, request.project.id, request.params.id);
      const seats = await app.seats.seated(RoomRegistry.keyOf(room.projectId, room.name));
      return {
        data: seats.map((s) => ({
          peerId: s.peerId,
          displayName: s.displayName,
          role: s.role,
          joinedAt: new Date(s.joinedAt).toISOString(),
        })),
      };
    },
  );

  api.patch(
    '/rooms/:id',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Lock or unlock a room; make guests knock or not',
        description:
          'A locked room admits nobody new (`room_locked`) but holders of a `host` token; those in the call stay and get `room:locked` (`by: null`). With `knock`, guests wait until a host in the call admits them (`knock_required` until they knock).',
        params: RoomIdParams,
        body: UpdateRoomBody,
        response: { 200: Room, ...errorResponses(404, 413, 415) },
      },
    },
    async (request) => {
      const room = await roomOf(app, request.project.id, request.params.id);
      const updated = (await app.roomStore.setAccess(room.projectId, room.id, request.body)) ?? room;
      request.log.info({ room: room.id, locked: updated.locked, knock: updated.knock }, 'room access changed');
      if (request.body.locked !== undefined) app.announceRoomLock(room.projectId, room.name, updated.locked);
      return view(updated);
    },
  );

  api.delete(
    '/rooms/:id/participants/:peerId',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Remove a participant',
        description:
          'They are disconnected (their widget gets `participant_removed`), the others see them leave with reason `kicked`, and the join token they came with admits nobody to this room again. Someone who joined a public room with the publishable key can join again: use private rooms and a token per person to keep someone out.',
        params: ParticipantParams,
        response: { 200: Participant, ...errorResponses(404) },
      },
    },
    async (request) => {
      const room = await roomOf(app, request.project.id, request.params.id);
      const seat = await app.removeParticipant(room.projectId, room.name, request.params.peerId);
      if (!seat) throw new ServiceError('peer_not_found', 'Nobody with that peerId is in this room now.');
      return {
        peerId: seat.peerId,
        displayName: seat.displayName,
        role: seat.role,
        joinedAt: new Date(seat.joinedAt).toISOString(),
      };
    },
  );

  api.delete(
    '/rooms/:id',
    {
      schema: {
        tags: ['rooms'],
        summary: 'End a room',
        description: 'Everyone in it is disconnected with reason `room-ended`; the room refuses joins from then on.',
        params: RoomIdParams,
        response: { 200: Room, ...errorResponses(404) },
      },
    },
    async (request) => {
      const room = await roomOf(app, request.project.id, request.params.id);
      const ended = (await app.roomStore.end(room.projectId, room.id)) ?? room;
      await app.endRoomCall(room.projectId, room.name);
      request.log.info({ room: room.id, project: room.projectId }, 'room ended');
      return view(ended);
    },
  );
}

/** The project's room `id`, or `room_not_found`. */
export async function roomOf(app: FastifyInstance, projectId: string, id: string): Promise<StoredRoom> {
  const room = await app.roomStore.find(projectId, id);
  if (!room) throw new ServiceError('room_not_found');
  return room;
}
