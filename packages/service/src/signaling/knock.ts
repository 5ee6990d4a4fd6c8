/**
 * Knock to enter: a room with `knock` lets a guest in once a host in the call admits it. The guest sends
 * `room:knock` and waits; the room's hosts get `knock:request` (a host who joins later gets those still
 * waiting) and answer with `host:admit` or `host:deny` (a reason the guest is shown). With no host in the
 * call the guest keeps waiting. An admission lasts as long as the guest's connection; a denied guest must
 * knock again. Hosts hear `knock:withdrawn` when a knock was answered or its guest went away.
 */
import { HostAdmitRequest, HostDenyRequest, KnockRequest, type KnockAnswer, type KnockStatus } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { RoomRegistry } from '../rooms/room-registry.js';
import { assertRoomOpen, type StoredRoom } from '../store/room-store.js';
import { DEFAULT_DISPLAY_NAME, shownName, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';
import { assertAdmits } from './participant-removal.js';

interface Knock {
  socketId: string;
  displayName: string;
  roomId: string;
}

/** Who waits at each room's door (room key → peer id → knock), per service: on this node only, like the seats. */
const doors = new WeakMap<SignalingContext, Map<string, Map<string, Knock>>>();
function doorsOf(ctx: SignalingContext): Map<string, Map<string, Knock>> {
  let map = doors.get(ctx);
  if (!map) doors.set(ctx, (map = new Map<string, Map<string, Knock>>()));
  return map;
}

/** The sockets of the hosts seated in the room. */
function hostSockets(ctx: SignalingContext, roomKey: string): string[] {
  return ctx.rooms
    .seats(roomKey)
    .filter((seat) => seat.role === 'host')
    .map((seat) => seat.socketId);
}

/** Takes a knock off the room's door and tells its hosts. */
function leaveDoor(ctx: SignalingContext, roomKey: string, peerId: string): void {
  const door = doorsOf(ctx).get(roomKey);
  if (!door?.delete(peerId)) return;
  if (door.size === 0) doorsOf(ctx).delete(roomKey);
  for (const id of hostSockets(ctx, roomKey)) ctx.io.to(id).emit('knock:withdrawn', { peerId });
}

/** Whether this connection must knock before joining the room: it makes guests knock, and no host admitted it yet. */
function mustKnock(socket: SignalingSocket, room: StoredRoom): boolean {
  return room.knock && socket.data.grant?.role !== 'host' && socket.data.admittedTo !== room.id;
}

/** Refuses a join to a room that makes guests knock, unless a host admitted this connection. */
export function assertKnocked(socket: SignalingSocket, room: StoredRoom): void {
  if (mustKnock(socket, room)) throw new ServiceError('knock_required');
}

/** A host just took its seat: it hears of everyone still waiting at the door. */
export function showKnocksTo(ctx: SignalingContext, socket: SignalingSocket, roomKey: string): void {
  for (const [peerId, knock] of doorsOf(ctx).get(roomKey) ?? [])
    socket.emit('knock:request', { peerId, displayName: knock.displayName });
}

/** This connection no longer waits at a door (it knocks elsewhere, or it went). */
export function stopKnocking(socket: SignalingSocket, ctx: SignalingContext): void {
  const waitingAt = socket.data.knockingAt;
  if (waitingAt && doorsOf(ctx).get(waitingAt)?.get(socket.data.peerId)?.socketId === socket.id)
    leaveDoor(ctx, waitingAt, socket.data.peerId);
  socket.data.knockingAt = undefined;
}

/** A host answers a knock at the door of the room it sits in. */
function answer(socket: SignalingSocket, ctx: SignalingContext, peerId: string, reply: KnockAnswer): void {
  const { roomKey, peerId: hostId } = socket.data;
  const seat = roomKey ? ctx.rooms.seat(roomKey, hostId) : undefined;
  if (!roomKey || !seat) throw new ServiceError('not_in_room');
  if (seat.role !== 'host') throw new ServiceError('host_only');
  const door = doorsOf(ctx).get(roomKey);
  const knock = door?.get(peerId);
  const guest = knock && ctx.io.sockets.sockets.get(knock.socketId);
  if (!knock || !guest) throw new ServiceError('peer_not_found', 'Nobody by that id is knocking at this room.');
  leaveDoor(ctx, roomKey, peerId);
  guest.data.admittedTo = reply.admitted ? knock.roomId : undefined;
  guest.emit('knock:answer', reply);
  ctx.log.info({ roomKey, peer: peerId, by: hostId, admitted: reply.admitted }, 'knock answered');
}

export const knockCommands = [
  command('room:knock', KnockRequest, async (request, socket, ctx): Promise<KnockStatus> => {
    if (socket.data.roomKey) throw new ServiceError('already_in_room');
    const room = await knockedRoom(ctx, socket, request.room);
    const roomKey = RoomRegistry.keyOf(socket.data.projectId, room.name);
    const hostsPresent = hostSockets(ctx, roomKey).length;
    if (!mustKnock(socket, room)) return { status: 'admitted', hostsPresent };
    if (!socket.connected) throw new ServiceError('not_in_room', 'The connection closed while knocking.');
    stopKnocking(socket, ctx);
    const { grant, peerId } = socket.data;
    const displayName = shownName(grant?.displayName) ?? shownName(request.displayName) ?? DEFAULT_DISPLAY_NAME;
    let door = doorsOf(ctx).get(roomKey);
    if (!door) doorsOf(ctx).set(roomKey, (door = new Map<string, Knock>()));
    door.set(peerId, { socketId: socket.id, displayName, roomId: room.id });
    socket.data.knockingAt = roomKey;
    for (const id of hostSockets(ctx, roomKey)) ctx.io.to(id).emit('knock:request', { peerId, displayName });
    ctx.log.info({ roomKey, peer: peerId, hostsPresent }, 'guest knocks');
    return { status: 'waiting', hostsPresent };
  }),

  command('host:admit', HostAdmitRequest, ({ peerId }, socket, ctx) => {
    answer(socket, ctx, peerId, { admitted: true });
    return {};
  }),

  command('host:deny', HostDenyRequest, ({ peerId, reason }, socket, ctx) => {
    answer(socket, ctx, peerId, { admitted: false, reason });
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
  if (socket.data.agent || ctx.matching.coordinator.stateOf(socket.data.peerId))
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
