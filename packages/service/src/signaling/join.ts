/**
 * `room:join`, `room:leave` and disconnects: who may take a seat, and what a newcomer is given. The seat
 * itself, telling the others who came and went, and what follows a participant in and out (call history,
 * recording consent, matching) are `seats.ts`'s.
 */
import { JoinRequest, LeaveReason, LeaveRequest, type JoinResult, type PeerInfo } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import type { MatchTicket } from '../matching/coordinator.js';
import { effectivePolicy } from '../rooms/ice-policy.js';
import { RoomRegistry, type Seat } from '../rooms/room-registry.js';
import { assertRoomOpen, type StoredRoom } from '../store/room-store.js';
import { DEFAULT_DISPLAY_NAME, shownName, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';
import { assertAdmits } from './participant-removal.js';
import { inBackground } from './seats.js';
import { assertKnocked, showKnocksTo } from './knock.js';

export const joinCommands = [
  command('room:join', JoinRequest, async (request, socket, ctx): Promise<JoinResult> => {
    if (socket.data.roomKey) throw new ServiceError('already_in_room');
    const { room: stored, ticket } = await admissibleRoom(ctx, socket, request.room);
    if (socket.data.roomKey) throw new ServiceError('already_in_room'); // a concurrent join got there first
    // It hung up while the store answered: seating it now would leave a seat nobody ever frees.
    if (!socket.connected) throw new ServiceError('not_in_room', 'The connection closed while joining.');
    const { peerId } = socket.data;
    await assertStillAdmitted(ctx, peerId, ticket ? stored.id : null);
    const { agent, grant } = socket.data;
    const displayName =
      shownName(grant?.displayName) ??
      shownName(agent?.displayName) ??
      shownName(request.displayName) ??
      ticket?.displayName ??
      DEFAULT_DISPLAY_NAME;
    const role = grant?.role ?? (agent ? 'agent' : 'guest');
    const { media } = request;
    const iceTransportPolicy = effectivePolicy(ctx.iceTransportPolicy, stored.iceTransportPolicy);
    const room = {
      id: stored.id,
      projectId: stored.projectId,
      name: stored.name,
      capacity: stored.maxParticipants,
      iceTransportPolicy,
    };
    // An offer made before joining goes to the first one seated, with the news of the newcomer. It was made under
    // the service's policy (the session's); a relay-only room needs one made under its own.
    const offer = iceTransportPolicy === ctx.iceTransportPolicy ? request.offer : undefined;
    const others = await ctx.seats.take(socket, room, { displayName, role, media, ...(offer ? { offer } : {}) });
    const resume = ctx.seats.resumeToken(socket);
    if (role === 'host') await showKnocksTo(ctx, socket, RoomRegistry.keyOf(stored.projectId, stored.name));
    const offeredTo = offer ? others[0] : undefined;
    ctx.log.info(
      { room: stored.name, project: socket.data.projectId, peer: peerId, count: others.length + 1 },
      'participant joined',
    );
    return {
      peerId,
      room: stored.name,
      capacity: stored.maxParticipants,
      peers: others.map(peerInfo),
      iceServers: ctx.iceServersFor(peerId),
      iceTransportPolicy,
      ...(offeredTo ? { offeredTo: offeredTo.peerId } : {}),
      ...(resume ? { resume } : {}),
    };
  }),

  command('room:leave', LeaveRequest, async (_request, socket, ctx) => {
    if (!socket.data.roomKey) throw new ServiceError('not_in_room');
    await ctx.seats.vacate(socket, LeaveReason.hangup);
    return {};
  }),
];

/** A connection went: its seat is held for its return (a drop) or freed (an end). */
/** A seated participant as told to one who joins after it (the newcomer makes the offers). */
export const peerInfo = (seat: Seat): PeerInfo => ({
  peerId: seat.peerId,
  displayName: seat.displayName,
  polite: false,
  media: seat.media,
});

export function seatAfterDisconnect(socket: SignalingSocket, ctx: SignalingContext, reason: string): void {
  inBackground(ctx.log, socket, ctx.seats.dropped(socket, reason));
}

/**
 * The stored room this connection may join. Matched (random or support): the private room of its match, and
 * no other. With a join token: the token's room (public or private), and no other. With an agent token: only
 * match rooms. With a publishable key: a public room by name, made on first join unless the project only
 * admits rooms created through REST. Waiting in a queue: none (`already_in_queue`).
 */
async function admissibleRoom(
  ctx: SignalingContext,
  socket: SignalingSocket,
  name: string | undefined,
): Promise<{ room: StoredRoom; ticket?: MatchTicket }> {
  const { projectId, grant, peerId } = socket.data;
  const ticket = await ctx.matching.coordinator.ticketOf(peerId);
  if (ticket) {
    if (name !== undefined && name !== ticket.room)
      throw new ServiceError(
        'already_in_queue',
        `This connection was matched: join room "${ticket.room}", or leave the queue first.`,
      );
    const room = await ctx.roomStore.find(projectId, ticket.roomId);
    if (!room) throw new ServiceError('room_not_found');
    assertRoomOpen(room);
    return { room, ticket };
  }
  if (await ctx.matching.coordinator.stateOf(peerId)) throw new ServiceError('already_in_queue');
  if (socket.data.agent)
    throw new ServiceError(
      'token_room_mismatch',
      'An agent token admits only the rooms of the customers its agent takes (agent:take).',
    );
  let room: StoredRoom | null;
  if (grant) {
    if (name !== undefined && name !== grant.room)
      throw new ServiceError('token_room_mismatch', `This join token is for room "${grant.room}", not "${name}".`);
    room = await ctx.roomStore.find(projectId, grant.roomId);
    if (!room) throw new ServiceError('room_not_found');
  } else {
    if (name === undefined)
      throw new ServiceError(
        'invalid_payload',
        'Invalid room:join payload at /room: a room name is required without a join token.',
      );
    room = (await ctx.roomStore.findByName(projectId, name)) ?? (await adHocRoom(ctx, projectId, name));
    if (room.privacy === 'private') throw new ServiceError('room_private');
  }
  assertRoomOpen(room);
  await assertAdmits(ctx, room, grant);
  await assertKnocked(ctx, socket, room);
  return { room };
}

/**
 * While the store answered, matching may have moved on: a match may have ended (its room is no longer this
 * connection's to join), or the connection may have entered a queue.
 */
async function assertStillAdmitted(ctx: SignalingContext, peerId: string, matchRoomId: string | null): Promise<void> {
  const coordinator = ctx.matching.coordinator;
  if (!coordinator) return;
  if (matchRoomId !== null && (await coordinator.ticketOf(peerId))?.roomId !== matchRoomId)
    throw new ServiceError('not_matched', 'The match ended before this connection joined its room.');
  if (matchRoomId === null && (await coordinator.stateOf(peerId))) throw new ServiceError('already_in_queue');
}

/** The public room a first join by an unknown name opens, if the project allows that. */
async function adHocRoom(ctx: SignalingContext, projectId: string, name: string): Promise<StoredRoom> {
  // Read here rather than at the handshake: this path is taken once per new room, and a change made with
  // the admin CLI then applies to connections already open.
  const project = await ctx.projects.findProject(projectId);
  if (!project?.allowAdHocRooms) {
    throw new ServiceError(
      'room_not_found',
      `No room named "${name}": this project only admits rooms created through the REST API (POST /v1/rooms).`,
    );
  }
  const alive = ctx.caps.adHocRoomsAlive;
  if (alive > 0 && (await ctx.roomStore.countOpenAdHoc(projectId)) >= alive) {
    throw new ServiceError(
      'room_limit',
      `This project has ${alive} rooms opened by name already; join one of them, or try again later.`,
    );
  }
  const perHour = await ctx.limits.adHocRooms?.take(projectId);
  if (perHour && !perHour.ok)
    throw new ServiceError(
      'room_limit',
      `This project opened too many rooms by name lately; try again in ${Math.ceil(perHour.retryAfterMs / 1000)} s.`,
    );
  return ctx.roomStore.ensureAdHoc(projectId, name);
}
