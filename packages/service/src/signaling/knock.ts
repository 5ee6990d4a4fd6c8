/**
 * Knock to enter: a room with `knock` lets a guest in once a host in the call admits it. The guest sends
 * `room:knock` and waits; the room's hosts get `knock:request` (a host who joins later gets those still
 * waiting) and answer with `host:admit` or `host:deny` (a reason the guest is shown). With no host in the
 * call the guest keeps waiting. An admission lasts as long as the guest's connection; a denied guest must
 * knock again. Hosts hear `knock:withdrawn` when a knock was answered or its guest went away. Who waits at which
 * door is `doors.ts`'s: on this node, or with the Redis bus on every node.
 */
import { HostAdmitRequest, HostDenyRequest, KnockRequest, type KnockAnswer, type KnockStatus } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { RoomRegistry } from '../rooms/room-registry.js';
import { assertRoomOpen, type StoredRoom } from '../store/room-store.js';
import { DEFAULT_DISPLAY_NAME, shownName, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';
import { assertAdmits } from './participant-removal.js';

/** How many hosts sit in the room, on every node. */
async function hostsIn(ctx: SignalingContext, roomKey: string): Promise<number> {
  return (await ctx.seats.seated(roomKey)).filter((seat) => seat.role === 'host').length;
}

/** Whether this connection must knock before joining the room: it makes guests knock, and no host admitted it yet. */
async function mustKnock(ctx: SignalingContext, socket: SignalingSocket, room: StoredRoom): Promise<boolean> {
  return room.knock && socket.data.grant?.role !== 'host' && !(await ctx.doors.admitted(socket, room));
}

/** Refuses a join to a room that makes guests knock, unless a host admitted this connection. */
export async function assertKnocked(ctx: SignalingContext, socket: SignalingSocket, room: StoredRoom): Promise<void> {
  if (await mustKnock(ctx, socket, room)) throw new ServiceError('knock_required');
}

/** A host just took its seat: it hears of everyone still waiting at the door (a failure costs it only that). */
export async function showKnocksTo(ctx: SignalingContext, socket: SignalingSocket, roomKey: string): Promise<void> {
  try {
    await ctx.doors.showTo(socket, roomKey);
  } catch (err) {
    ctx.log.error({ err, roomKey, peer: socket.data.peerId }, 'could not show a host the knocks waiting');
  }
}

/** This connection went: it no longer waits at a door (nor, gone for good, keeps an admission). */
export function stopKnocking(socket: SignalingSocket, ctx: SignalingContext, reason: string): void {
  Promise.resolve(ctx.doors.withdraw(socket, !ctx.seats.mayResume(reason))).catch((err: unknown) =>
    ctx.log.error({ err, peer: socket.data.peerId }, 'could not withdraw a knock'),
  );
}

/** A host answers a knock at the door of the room it sits in. */
async function answer(socket: SignalingSocket, ctx: SignalingContext, peerId: string, reply: KnockAnswer) {
  const { roomKey, peerId: hostId } = socket.data;
  const seat = roomKey ? ctx.rooms.seat(roomKey, hostId) : undefined;
  if (!roomKey || !seat) throw new ServiceError('not_in_room');
  if (seat.role !== 'host') throw new ServiceError('host_only');
  if (!(await ctx.doors.answer(roomKey, peerId, reply)))
    throw new ServiceError('peer_not_found', 'Nobody by that id is knocking at this room.');
  ctx.log.info({ roomKey, peer: peerId, by: hostId, admitted: reply.admitted }, 'knock answered');
}

export const knockCommands = [
  command('room:knock', KnockRequest, async (request, socket, ctx): Promise<KnockStatus> => {
    if (socket.data.roomKey) throw new ServiceError('already_in_room');
    const room = await knockedRoom(ctx, socket, request.room);
    const roomKey = RoomRegistry.keyOf(socket.data.projectId, room.name);
    if (!(await mustKnock(ctx, socket, room))) return { status: 'admitted', hostsPresent: await hostsIn(ctx, roomKey) };
    await ctx.doors.withdraw(socket, false); // one door at a time
    if (!socket.connected) throw new ServiceError('not_in_room', 'The connection closed while knocking.');
    const { grant, peerId } = socket.data;
    const displayName = shownName(grant?.displayName) ?? shownName(request.displayName) ?? DEFAULT_DISPLAY_NAME;
    // Named before the knock is put: a disconnect from now on withdraws it.
    socket.data.knockingAt = roomKey;
    const hostsPresent = await ctx.doors.knock(socket, roomKey, room.id, displayName);
    ctx.log.info({ roomKey, peer: peerId, hostsPresent }, 'guest knocks');
    return { status: 'waiting', hostsPresent };
  }),

  command('host:admit', HostAdmitRequest, async ({ peerId }, socket, ctx) => {
    await answer(socket, ctx, peerId, { admitted: true });
    return {};
  }),

  command('host:deny', HostDenyRequest, async ({ peerId, reason }, socket, ctx) => {
    await answer(socket, ctx, peerId, { admitted: false, reason });
    return {};
  }),
];

/** The room a knock is for: the token's, or a public room by name (knocking makes no room). */
async function knockedRoom(
  ctx: SignalingContext,
  socket: SignalingSocket,
  name: string | undefined,
): Promise<StoredRoom> {
  const { projectId, grant } = socket.data;
  if (socket.data.agent || (await ctx.matching.coordinator.stateOf(socket.data.peerId)))
    throw new ServiceError('token_room_mismatch', 'Matched and agent connections do not knock.');
  let room: StoredRoom | null;
  if (grant) {
    if (name !== undefined && name !== grant.room)
      throw new ServiceError('token_room_mismatch', `This join token is for room "${grant.room}", not "${name}".`);
    room = await ctx.roomStore.find(projectId, grant.roomId);
  } else {
    if (name === undefined)
      throw new ServiceError(
        'invalid_payload',
        'Invalid room:knock payload at /room: a room name is required without a join token.',
      );
    room = await ctx.roomStore.findByName(projectId, name);
    if (room?.privacy === 'private') throw new ServiceError('room_private');
  }
  if (!room) throw new ServiceError('room_not_found');
  assertRoomOpen(room);
  await assertAdmits(ctx, room, grant);
  return room;
}
