/** The typed Socket.io server and socket every signaling module speaks through. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@vcw/shared';

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
