/**
 * Who sits in which room, for this node. Every change happens synchronously, so capacity checks and seat
 * assignment are atomic. (A Redis-backed registry for several nodes implements the same methods.)
 */
import { DEFAULT_ROOM_CAPACITY, type MediaState } from '@vcw/shared';
import { ServiceError } from '../errors.js';

export interface Seat {
  /** The stored room's id: the call's history is recorded under it. */
  roomId: string;
  peerId: string;
  displayName: string;
  role: 'host' | 'guest' | 'agent';
  socketId: string;
  joinedAt: number;
  /** Microphone, camera and screen as the participant last signaled them (unknown until they do). */
  media?: MediaState;
  /** With several nodes: the join token it came with, so that a removal on any node refuses it again. */
  tokenId?: string;
  /** With several nodes: the call (session id) the seat was taken into, and its participant id there. */
  callId?: string;
  participantId?: string;
}

interface Room {
  key: string;
  capacity: number;
  /**
   * In order of arrival. A list rather than a Map by peer id: a room holds a few seats (at most
   * MAX_ROOM_PARTICIPANTS), which a list finds as fast, in a third of a Map's memory. Replaced rather than
   * changed, so that it is always just as long as it needs to be (a list grown by `push` keeps room for 16 more).
   */
  seats: readonly Seat[];
}

export interface RoomTotals {
  rooms: number;
  participants: number;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  /** The registry key of a room: room names are scoped to their project. */
  static keyOf(projectId: string, roomName: string): string {
    return `${projectId}/${roomName}`;
  }

  /** Seats `seat` in the room, creating it on first join; returns who was already there. */
  join(roomKey: string, seat: Seat, capacity = DEFAULT_ROOM_CAPACITY): Seat[] {
    let room = this.rooms.get(roomKey);
    if (!room) {
      room = { key: roomKey, capacity, seats: [] };
      this.rooms.set(roomKey, room);
    }
    if (room.seats.length >= room.capacity) {
      throw new ServiceError('room_full', `The room is full (${room.capacity} participants).`);
    }
    const others = room.seats;
    // The same peer seated again (a seat taken over) keeps its place in the order of arrival.
    room.seats = others.some((held) => held.peerId === seat.peerId)
      ? others.map((held) => (held.peerId === seat.peerId ? seat : held))
      : others.concat(seat);
    return [...others];
  }

  /** Frees a seat; the room disappears with its last participant. Returns the freed seat, if any. */
  leave(roomKey: string, peerId: string): Seat | undefined {
    const room = this.rooms.get(roomKey);
    const at = room ? room.seats.findIndex((seat) => seat.peerId === peerId) : -1;
    if (!room || at === -1) return undefined;
    const seat = room.seats[at];
    room.seats = room.seats.slice(0, at).concat(room.seats.slice(at + 1));
    if (room.seats.length === 0) this.rooms.delete(roomKey);
    return seat;
  }

  /** Empties a room at once; returns who was in it. */
  clear(roomKey: string): Seat[] {
    const seats = this.seats(roomKey);
    this.rooms.delete(roomKey);
    return seats;
  }

  /** Records a participant's media state; returns their seat, or undefined when they hold none. */
  setMedia(roomKey: string, peerId: string, media: MediaState): Seat | undefined {
    const seat = this.seat(roomKey, peerId);
    if (seat) seat.media = media;
    return seat;
  }

  seat(roomKey: string, peerId: string): Seat | undefined {
    return this.rooms.get(roomKey)?.seats.find((seat) => seat.peerId === peerId);
  }

  /** Who sits in the room now, in order of arrival. */
  seats(roomKey: string): Seat[] {
    return this.rooms.get(roomKey)?.seats.slice() ?? [];
  }

  participantCount(roomKey: string): number {
    return this.rooms.get(roomKey)?.seats.length ?? 0;
  }

  /** Rooms with someone in them, and everyone seated, across projects (for the metrics). */
  totals(): RoomTotals {
    let rooms = 0;
    let participants = 0;
    for (const room of this.rooms.values()) {
      if (room.seats.length === 0) continue;
      rooms++;
      participants += room.seats.length;
    }
    return { rooms, participants };
  }
}
