/**
 * `host:remove`, `host:mute`, `host:lock`, `host:end`: what a participant who joined with a `host` token may do to its
 * room. The same powers a partner has over REST (`DELETE …/participants/:peerId`, `PATCH` `locked`, `DELETE`).
 */
import {
  HostEndRequest,
  HostLockRequest,
  HostMuteRequest,
  HostRemoveRequest,
  type HostMuted,
  type RoomLockChanged,
} from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { broadcastRoom, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';
import { removeParticipant } from './participant-removal.js';

/** This connection's seat, which must be a host's. */
function hostSeat(socket: SignalingSocket, ctx: SignalingContext) {
  const { roomKey, peerId } = socket.data;
  const seat = roomKey ? ctx.rooms.seat(roomKey, peerId) : undefined;
  if (!roomKey || !seat) throw new ServiceError('not_in_room');
  if (seat.role !== 'host') throw new ServiceError('host_only');
  return { roomKey, seat };
}

export const hostCommands = [
  command('host:remove', HostRemoveRequest, async ({ peerId }, socket, ctx) => {
    const { roomKey, seat } = hostSeat(socket, ctx);
    if (peerId === seat.peerId || !(await removeParticipant(ctx, roomKey, peerId)))
      throw new ServiceError('peer_not_found');
    return {};
  }),

  command('host:mute', HostMuteRequest, async ({ peerId }, socket, ctx) => {
    const { roomKey, seat } = hostSeat(socket, ctx);
    const target = peerId === seat.peerId ? undefined : await ctx.seats.seatOf(roomKey, peerId);
    if (!target) throw new ServiceError('peer_not_found');
    const muted: HostMuted = { by: { peerId: seat.peerId, displayName: seat.displayName } };
    ctx.io.to(ctx.seats.signalTo(roomKey, peerId) ?? target.socketId).emit('host:muted', muted);
    ctx.log.info({ roomKey, peer: peerId, by: seat.peerId }, 'participant muted by its host');
    return {};
  }),

  command('host:lock', HostLockRequest, async ({ locked }, socket, ctx) => {
    const { roomKey, seat } = hostSeat(socket, ctx);
    await ctx.roomStore.setLocked(socket.data.projectId, seat.roomId, locked);
    announceRoomLock(ctx, roomKey, { locked, by: { peerId: seat.peerId, displayName: seat.displayName } });
    ctx.log.info({ roomKey, peer: seat.peerId, locked }, 'room lock changed by its host');
    return {};
  }),

  command('host:end', HostEndRequest, async (_request, socket, ctx) => {
    const { roomKey, seat } = hostSeat(socket, ctx);
    await ctx.roomStore.end(socket.data.projectId, seat.roomId);
    await ctx.endRoomCall(socket.data.projectId, roomKey.slice(roomKey.indexOf('/') + 1));
    return {};
  }),
];

/** Tells everyone in the room (on every node) that it was locked or unlocked: by a host, or by the partner over REST. */
export function announceRoomLock(ctx: SignalingContext, roomKey: string, change: RoomLockChanged): void {
  ctx.io.to(broadcastRoom(roomKey)).emit('room:locked', change);
}
