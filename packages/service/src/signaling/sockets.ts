/** The typed Socket.io server and socket every signaling module speaks through. */
import type { Server, Socket } from 'socket.io';
import {
  LeaveReason,
  type ClientToServerEvents,
  type ErrorBody,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '@vcw/shared';

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The Socket.io room that carries a room's broadcasts. */
export const broadcastRoom = (roomKey: string): string => `room:${roomKey}`;

/**
 * With several nodes, the Socket.io room of one seat, which its socket joins on whichever node it is: what is
 * sent to one participant (a signal) goes there. Room names never hold a `#` (`NAME_PATTERN`).
 */
export const seatRoom = (roomKey: string, peerId: string): string => `room:${roomKey}#${peerId}`;

/** Whether a Socket.io room is one of `broadcastRoom`'s or `seatRoom`'s (rather than a socket's own). */
export const isBroadcastRoom = (name: string): boolean => name.startsWith('room:');

/**
 * The service ends a connection for good: it is told why (`session:closed`), then closed, and the others see it
 * leave as `kicked`. The reason goes to this node's socket directly: with several nodes, a socket's own events
 * otherwise travel through Redis and would arrive after the close.
 */
export function closeSession(socket: SignalingSocket, refusal: ErrorBody): void {
  socket.data.closedAs = LeaveReason.kicked;
  socket.nsp.local.to(socket.id).emit('session:closed', refusal);
  socket.disconnect(true);
}
