/**
 * Removing a participant from a call (a host, or the partner over REST): they are told `session:closed` with
 * `participant_removed` and disconnected, the others see them leave with reason `kicked`, and the join token
 * they came with admits nobody to that room again, on any node. A locked room admits nobody new but its hosts.
 */
import { ServiceError } from '../errors.js';
import type { Seat } from '../rooms/room-registry.js';
import type { StoredRoom } from '../store/room-store.js';
import type { SignalingContext } from './context.js';

/** Refuses a join a removal or a lock keeps out. */
export async function assertAdmits(
  ctx: SignalingContext,
  room: StoredRoom,
  grant: { role: string; tokenId?: string } | undefined,
): Promise<void> {
  if (grant?.tokenId && (await ctx.removedTokens.has(room.id, grant.tokenId)))
    throw new ServiceError('participant_removed', 'You were removed from this call; this link no longer admits you.');
  if (room.locked && grant?.role !== 'host') throw new ServiceError('room_locked');
}

/**
 * Removes `peerId` from the room's call; the seat it held, or undefined if nobody by that id sits there. Their
 * token is refused in the store before they are let go, so coming straight back (to any node) finds it refused.
 */
export async function removeParticipant(
  ctx: SignalingContext,
  roomKey: string,
  peerId: string,
): Promise<Seat | undefined> {
  const seat = await ctx.seats.seatOf(roomKey, peerId);
  if (!seat) return undefined;
  const tokenId = seat.tokenId ?? ctx.io.sockets.sockets.get(seat.socketId)?.data.grant?.tokenId;
  if (tokenId) await ctx.removedTokens.add(seat.roomId, tokenId);
  // Looked up again, on whichever node holds it: the connection may have gone while the store wrote.
  ctx.seats.remove(seat);
  ctx.log.info({ roomKey, peer: peerId }, 'participant removed');
  return seat;
}
