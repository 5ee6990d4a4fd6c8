/** Ending a room's call: everyone in it is told `room:ended` and loses their seat at once. */
import { RoomRegistry } from '../rooms/room-registry.js';
import { broadcastRoom, type SignalingContext } from './context.js';

export function endRoomCall(ctx: SignalingContext, projectId: string, roomName: string): number {
  const roomKey = RoomRegistry.keyOf(projectId, roomName);
  const seats = ctx.rooms.clear(roomKey);
  for (const seat of seats) {
    const socket = ctx.io.sockets.sockets.get(seat.socketId);
    if (!socket) continue;
    socket.data.roomKey = undefined;
    void socket.leave(broadcastRoom(roomKey));
    socket.emit('room:ended', { room: roomName });
  }
  const roomId = seats[0]?.roomId; // every seat of a room carries the same stored room
  if (roomId) {
    ctx.recorder.ended(roomId);
    ctx.log.info({ roomKey, removed: seats.length }, 'room call ended');
  }
  // A match's room: its pair is over too (and one of them may not have taken its seat yet).
  ctx.matching?.coordinator.roomEnded(projectId, roomName);
  return seats.length;
}
