/**
 * The seats of every room, shared by the nodes (Redis): taken, resumed and freed by one script each, so capacity
 * holds across nodes and a seat is freed only by the socket and epoch that hold it (`seat-scripts.ts`).
 */
import type { MediaState } from '@vcw/shared';
import type { Seat } from '../rooms/room-registry.js';

/** A seat as the nodes share it: with the epoch it was taken or last resumed under. */
export type BookedSeat = Seat & { epoch: number };

export interface SeatBook {
  /** Writes the seat unless the room holds `capacity` already: the seat as written and who was there, or null. */
  take(
    roomKey: string,
    seat: Omit<Seat, 'joinedAt'>,
    capacity: number,
  ): Promise<{ seat: BookedSeat; others: BookedSeat[] } | null>;
  /**
   * Frees the peer's seat if this socket and epoch hold it (null: any epoch, after a take whose answer was
   * lost): the freed seat, or null.
   */
  leave(roomKey: string, peerId: string, socketId: string, epoch: number | null): Promise<BookedSeat | null>;
  /** The socket takes its seat back under a new epoch: the seat, or null when it is no longer this socket's. */
  resume(roomKey: string, peerId: string, socketId: string): Promise<BookedSeat | null>;
  /** Records the media state on the peer's seat, if this socket holds it; whether it did. */
  setMedia(roomKey: string, peerId: string, socketId: string, media: MediaState): Promise<boolean>;
  /** The peer's seat in the room, or null. */
  find(roomKey: string, peerId: string): Promise<BookedSeat | null>;
  /** Who sits in the room, in order of arrival. */
  list(roomKey: string): Promise<BookedSeat[]>;
  /** Empties the room: who was in it. */
  clear(roomKey: string): Promise<BookedSeat[]>;
  /** The deployment's rooms with a seat, and its seats, on every node. */
  totals(): Promise<{ rooms: number; participants: number }>;
}

/** The seat scripts, as `defineCommand` adds them to the scripts' connection. */
export interface SeatCommands {
  vcwTakeSeat(
    seats: string,
    epochs: string,
    totals: string,
    peerId: string,
    seat: string,
    capacity: number,
  ): Promise<(number | string)[]>;
  vcwLeaveSeat(
    seats: string,
    totals: string,
    peerId: string,
    socketId: string,
    epoch: number | '',
  ): Promise<string | null>;
  vcwResumeSeat(seats: string, epochs: string, peerId: string, socketId: string): Promise<string | null>;
  vcwClearSeats(seats: string, totals: string): Promise<string[]>;
  vcwSetMedia(seats: string, peerId: string, socketId: string, media: string): Promise<number>;
  hget(seats: string, peerId: string): Promise<string | null>;
  hvals(seats: string): Promise<string[]>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
}

const parsed = (json: string): BookedSeat => JSON.parse(json) as BookedSeat;

/** In order of arrival. */
const byArrival = (a: BookedSeat, b: BookedSeat) => a.joinedAt - b.joinedAt || a.epoch - b.epoch;

/** The seat book on Redis, every key under `prefix`; `failed` hears of each script that failed (then thrown). */
export function redisSeatBook(run: SeatCommands, prefix: string, failed: () => void): SeatBook {
  const seats = (roomKey: string) => `${prefix}seats:${roomKey}`;
  const epochs = `${prefix}seat-epochs`;
  const totals = `${prefix}seat-totals`;
  /** The script's answer; a failure is told to `failed`, then thrown on. */
  const watched = async <R>(answer: Promise<R>): Promise<R> => {
    try {
      return await answer;
    } catch (err) {
      failed();
      throw err;
    }
  };
  return {
    async take(roomKey, seat, capacity) {
      const [granted, written, ...others] = await watched(
        run.vcwTakeSeat(seats(roomKey), epochs, totals, seat.peerId, JSON.stringify(seat), capacity),
      );
      if (granted !== 1 || typeof written !== 'string') return null;
      return { seat: parsed(written), others: (others as string[]).map(parsed).sort(byArrival) };
    },
    async leave(roomKey, peerId, socketId, epoch) {
      const freed = await watched(run.vcwLeaveSeat(seats(roomKey), totals, peerId, socketId, epoch ?? ''));
      return freed ? parsed(freed) : null;
    },
    async resume(roomKey, peerId, socketId) {
      const seat = await watched(run.vcwResumeSeat(seats(roomKey), epochs, peerId, socketId));
      return seat ? parsed(seat) : null;
    },
    async setMedia(roomKey, peerId, socketId, media) {
      return (await watched(run.vcwSetMedia(seats(roomKey), peerId, socketId, JSON.stringify(media)))) === 1;
    },
    async find(roomKey, peerId) {
      const seat = await watched(run.hget(seats(roomKey), peerId));
      return seat ? parsed(seat) : null;
    },
    async list(roomKey) {
      return (await watched(run.hvals(seats(roomKey)))).map(parsed).sort(byArrival);
    },
    async clear(roomKey) {
      return (await watched(run.vcwClearSeats(seats(roomKey), totals))).map(parsed).sort(byArrival);
    },
    async totals() {
      const [rooms, participants] = await watched(run.hmget(totals, 'rooms', 'participants'));
      return { rooms: Number(rooms ?? 0), participants: Number(participants ?? 0) };
    },
  };
}
