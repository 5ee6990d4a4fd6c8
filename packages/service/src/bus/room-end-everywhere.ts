/**
 * Ending a room reaches every node: with the Redis bus, the node that ends it tells the others, and each
 * removes the room's participants it holds. Told through Redis pub/sub: a node cut off from Redis at that
 * moment does not hear of it (its participants stay until they leave; the room refuses new joins anyway).
 */
import type { Awaitable } from '../awaitable.js';
import type { SignalingServer } from '../signaling/sockets.js';
import type { Bus } from './bus.js';

/** How this node ends a room's call: removes its participants, and says how many. */
export type EndRoomHere = (projectId: string, roomName: string) => Awaitable<number>;

/** `endHere` on this node, and with the Redis bus on every other; answers the count of this node. */
export function endRoomEverywhere(io: SignalingServer, bus: Bus, endHere: EndRoomHere): EndRoomHere {
  if (bus.kind === 'in-process') return endHere;
  io.on('room:end', (projectId, roomName) => {
    void endHere(projectId, roomName);
  });
  return (projectId, roomName) => {
    io.serverSideEmit('room:end', projectId, roomName);
    return endHere(projectId, roomName);
  };
}
