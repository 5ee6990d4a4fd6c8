/**
 * Seats: taking one, keeping it through a dropped connection, giving it up, and a room's call ending for
 * everyone. Whatever else follows a participant in and out of a room (call history, recording consent,
 * matching) follows the seats' news (`seated`, `vacated`, `ended`) instead of being called by the handlers;
 * a new piece of seat state is one more follower, not another edit to `join.ts`.
 *
 * `Seats` is the contract; `LocalSeats` keeps them on this node. A shared implementation (several nodes) takes
 * over behind the same methods, which is why they may answer with a promise.
 */
import type { FastifyBaseLogger } from 'fastify';
import { errorBody, LeaveReason, type IceTransportPolicy, type MediaState, type OfferDescription } from '@vcw/shared';
import type { Awaitable } from '../awaitable.js';
import type { EndedCall, JoinedCall, LeftCall } from '../bus/call-book.js';
import type { JournalEntry } from '../bus/history-journal.js';
import { RoomRegistry, type Seat } from '../rooms/room-registry.js';
import { SeatHolds } from './seat-holds.js';
import { broadcastRoom, closeSession, isBroadcastRoom, type SignalingServer, type SignalingSocket } from './sockets.js';

/** The stored room a seat is taken in, and what its calls may use. */
export interface SeatRoom {
  id: string;
  projectId: string;
  name: string;
  capacity: number;
  /** The room's effective policy (see `rooms/ice-policy.ts`). */
  iceTransportPolicy: IceTransportPolicy;
}

/** Who takes the seat, beyond the connection: the name others see, the role, the media it starts with. */
export interface Sitter {
  displayName: string;
  role: Seat['role'];
  media: MediaState | undefined;
  /** Its offer made before joining: told to the first one seated, with the news of it (see `PeerJoined`). */
  offer?: OfferDescription;
}

/** A participant took a seat. */
export interface SeatTaken {
  roomKey: string;
  room: SeatRoom;
  seat: Seat;
  /** With several nodes: the call the seat was taken into, as Redis decided it (`bus/call-book.ts`). */
  call?: JoinedCall;
}

/** A participant's seat was freed (they left, hung up, were removed, or did not come back in time). */
export interface SeatFreed {
  roomKey: string;
  seat: Seat;
  reason: LeaveReason;
  /** With several nodes: the leave as the seat's call recorded it, and the call if it ended (`bus/call-book.ts`). */
  call?: LeftCall | null;
}

/** A room's call was ended for everyone in it (a host, REST, expiry); `seats` were freed at once. */
export interface RoomCallEnded {
  projectId: string;
  roomName: string;
  roomKey: string;
  /** The stored room, when anyone sat in it. */
  roomId: string | undefined;
  seats: Seat[];
  /** With several nodes, on the one node that emptied the room in Redis: the call that ended. */
  call?: EndedCall | null;
}

export interface SeatNews {
  seated: SeatTaken;
  vacated: SeatFreed;
  ended: RoomCallEnded;
  /**
   * With several nodes: a call ended in Redis with no seat news to carry it (a take undone, nobody having heard
   * of it, was the room's last seat).
   */
  callEnded: EndedCall;
  /**
   * With several nodes: call history journaled in Redis that this node now has to write (`bus/history-journal.ts`),
   * the journal of a node that stopped, adopted with its seats. Told before those seats are freed.
   */
  journaled: JournalEntry[];
}

export type SeatFollower<E extends keyof SeatNews> = (news: SeatNews[E]) => void;

export interface Seats {
  /** How long a dropped connection keeps its seat. */
  readonly graceMs: number;
  /** Whether a connection that disconnected for `reason` may still come back (and so keeps its seat meanwhile). */
  mayResume(reason: string): boolean;
  /** Seats the connection and tells the others (`room_full` when there is no room); who was already there. */
  take(socket: SignalingSocket, room: SeatRoom, sitter: Sitter): Awaitable<Seat[]>;
  /** Frees the connection's seat, if it holds one; the others see it leave as `reason`. */
  vacate(socket: SignalingSocket, reason: LeaveReason): Awaitable<void>;
  /** The connection is gone: its seat is freed, or held for the grace period when it may come back. */
  dropped(socket: SignalingSocket, reason: string): Awaitable<void>;
  /** A recovered connection takes its held seat back; false when the seat is gone meanwhile. */
  resume(socket: SignalingSocket): Awaitable<boolean>;
  /**
   * With several nodes: a token that lets the connection take its seat back through another node, should this
   * one go away (see `auth/resume-token.ts`); undefined when it holds none, or with one node.
   */
  resumeToken(socket: SignalingSocket): string | undefined;
  /**
   * A new connection that came with a resume token takes over the seat it names, if that seat is still held
   * under the token's taking (its node went away before it could be recovered): who else sits in the room; null
   * when it takes nothing (it is then a new participant).
   */
  takeOver(socket: SignalingSocket, token: string): Awaitable<Seat[] | null>;
  /** Ends the room's call: everyone in it is told `room:ended` and loses their seat. How many there were. */
  endRoom(projectId: string, roomName: string): Awaitable<number>;
  /** Where a signal to `peerId` in the room is sent (a Socket.io room); undefined when it holds no seat there. */
  signalTo(roomKey: string, peerId: string): string | undefined;
  /** Records the connection's media state on its seat (for newcomers' `peers`); false when it holds none. */
  setMedia(socket: SignalingSocket, media: MediaState): Awaitable<boolean>;
  /** The seat `peerId` holds in the room, whichever node its connection is on. */
  seatOf(roomKey: string, peerId: string): Awaitable<Seat | undefined>;
  /** Who sits in the room now, on every node, in order of arrival. */
  seated(roomKey: string): Awaitable<Seat[]>;
  /** Closes the connection holding `seat` as removed (`session:closed`; the others see it leave as `kicked`). */
  remove(seat: Seat): void;
  /** Hears of the seats' news, after whoever followed before. */
  follow<E extends keyof SeatNews>(event: E, follower: SeatFollower<E>): void;
  /** Forgets every hold without expiring it (the service is closing). */
  close(): void;
}

/**
 * What every kind of seats does alike: holding a dropped connection's seat for the grace period, and telling
 * the followers. Taking, freeing, resuming and ending are each kind's own.
 */
export abstract class SeatKeeping implements Seats {
  protected readonly holds: SeatHolds;
  private readonly followers: { [E in keyof SeatNews]: SeatFollower<E>[] } = {
    seated: [],
    vacated: [],
    ended: [],
    callEnded: [],
    journaled: [],
  };

  constructor(
    protected readonly io: SignalingServer,
    /** The seats held on this node (with several nodes, each node's own; the others' are in the shared book). */
    protected readonly rooms: RoomRegistry,
    protected readonly log: FastifyBaseLogger,
    graceMs: number,
  ) {
    this.holds = new SeatHolds(graceMs);
  }

  get graceMs(): number {
    return this.holds.graceMs;
  }

  mayResume(reason: string): boolean {
    return this.holds.mayResume(reason);
  }

  abstract take(socket: SignalingSocket, room: SeatRoom, sitter: Sitter): Awaitable<Seat[]>;
  abstract vacate(socket: SignalingSocket, reason: LeaveReason): Awaitable<void>;
  abstract resume(socket: SignalingSocket): Awaitable<boolean>;
  abstract resumeToken(socket: SignalingSocket): string | undefined;
  abstract takeOver(socket: SignalingSocket, token: string): Awaitable<Seat[] | null>;
  abstract endRoom(projectId: string, roomName: string): Awaitable<number>;
  abstract signalTo(roomKey: string, peerId: string): string | undefined;
  abstract setMedia(socket: SignalingSocket, media: MediaState): Awaitable<boolean>;
  abstract seatOf(roomKey: string, peerId: string): Awaitable<Seat | undefined>;
  abstract seated(roomKey: string): Awaitable<Seat[]>;

  remove(seat: Seat): void {
    this.letGo(seat.socketId);
  }

  dropped(socket: SignalingSocket, reason: string): Awaitable<void> {
    if (socket.data.closedAs) return this.vacate(socket, socket.data.closedAs);
    // A client that closes its socket on purpose hung up (a widget does on leave and when its page goes away).
    if (reason === 'client namespace disconnect') return this.vacate(socket, LeaveReason.hangup);
    // The service let go of it (shutting down, or it was removed), or seats are not kept: the seat goes with it.
    if (!this.holds.mayResume(reason)) return this.vacate(socket, LeaveReason.network);
    // Anything else is the network: keep the seat for the grace period, for the same socket to resume.
    if (socket.data.roomKey)
      this.holds.hold(socket.id, () => inBackground(this.log, socket, this.vacate(socket, LeaveReason.timeout)));
  }

  follow<E extends keyof SeatNews>(event: E, follower: SeatFollower<E>): void {
    this.followers[event].push(follower);
  }

  close(): void {
    this.holds.clear();
  }

  /** Closes the connection as removed, if this node holds it (it may have gone meanwhile); whether it did. */
  protected letGo(socketId: string): boolean {
    const socket = this.io.sockets.sockets.get(socketId);
    if (!socket) return false;
    closeSession(socket, errorBody('participant_removed'));
    return true;
  }

  /** The room's call ended and `seats` (this node's) were freed: their sockets are told, and the followers. */
  protected showEnded(projectId: string, roomName: string, seats: Seat[], call?: EndedCall | null): number {
    const roomKey = RoomRegistry.keyOf(projectId, roomName);
    for (const seat of seats) {
      const socket = this.io.sockets.sockets.get(seat.socketId);
      if (!socket) continue;
      socket.data.roomKey = undefined;
      for (const room of [...socket.rooms]) if (isBroadcastRoom(room)) void socket.leave(room);
      socket.emit('room:ended', { room: roomName });
    }
    const roomId = seats[0]?.roomId; // every seat of a room carries the same stored room
    if (roomId) this.log.info({ roomKey, removed: seats.length }, 'room call ended');
    this.tell('ended', { projectId, roomName, roomKey, roomId, seats, ...(call !== undefined ? { call } : {}) });
    return seats.length;
  }

  protected tell<E extends keyof SeatNews>(event: E, news: SeatNews[E]): void {
    for (const follower of this.followers[event]) follower(news);
  }
}

/** Seats on this node: who sits where is `RoomRegistry`'s, and every change is synchronous, so atomic. */
export class LocalSeats extends SeatKeeping {
  take(socket: SignalingSocket, room: SeatRoom, { displayName, role, media, offer }: Sitter): Seat[] {
    const { peerId } = socket.data;
    const roomKey = RoomRegistry.keyOf(room.projectId, room.name);
    const seat: Seat = { roomId: room.id, peerId, displayName, role, socketId: socket.id, joinedAt: Date.now(), media };
    const others = this.rooms.join(roomKey, seat, room.capacity);
    socket.data.roomKey = roomKey;
    socket.data.displayName = displayName;
    void socket.join(broadcastRoom(roomKey));
    // Told in the same step as the seat is taken: whoever sits down next sees this one among the seated, not twice.
    // Those already in the room are the polite side toward a newcomer; the newcomer makes the offers.
    const joined = { peerId, displayName, polite: true, media };
    const offeredTo = offer ? others[0] : undefined;
    if (!offeredTo) socket.to(broadcastRoom(roomKey)).emit('peer:joined', joined);
    else {
      socket.to(broadcastRoom(roomKey)).except(offeredTo.socketId).emit('peer:joined', joined);
      this.io.to(offeredTo.socketId).emit('peer:joined', { ...joined, offer });
    }
    this.tell('seated', { roomKey, room, seat });
    return others;
  }

  vacate(socket: SignalingSocket, reason: LeaveReason): void {
    const { roomKey, peerId } = socket.data;
    if (!roomKey) return;
    socket.data.roomKey = undefined;
    const seat = this.rooms.leave(roomKey, peerId);
    if (!seat) return;
    void socket.leave(broadcastRoom(roomKey));
    this.io.to(broadcastRoom(roomKey)).emit('peer:left', { peerId, reason });
    this.log.info({ roomKey, peer: peerId, reason }, 'participant left');
    // After `peer:left`, so a matched partner hears of the leave before it hears the pair is over.
    this.tell('vacated', { roomKey, seat, reason });
  }

  resume(socket: SignalingSocket): boolean {
    this.holds.resume(socket.id);
    const { roomKey, peerId } = socket.data;
    const seated = roomKey !== undefined && this.rooms.seat(roomKey, peerId)?.socketId === socket.id;
    // The rooms restored are those it was in when it dropped: leave the broadcasts of any seat freed meanwhile
    // (the room was ended, or its match was over and matching freed the seat).
    const kept = seated && roomKey ? broadcastRoom(roomKey) : null;
    for (const room of [...socket.rooms]) if (isBroadcastRoom(room) && room !== kept) void socket.leave(room);
    if (seated) {
      this.log.info({ roomKey, peer: peerId }, 'participant resumed');
      return true;
    }
    socket.data.roomKey = undefined;
    return false;
  }

  /** One node: a seat never outlives its node, so there is nothing to take back elsewhere. */
  resumeToken(): undefined {
    return undefined;
  }

  takeOver(): null {
    return null;
  }

  endRoom(projectId: string, roomName: string): number {
    return this.showEnded(projectId, roomName, this.rooms.clear(RoomRegistry.keyOf(projectId, roomName)));
  }

  signalTo(roomKey: string, peerId: string): string | undefined {
    return this.rooms.seat(roomKey, peerId)?.socketId;
  }

  setMedia(socket: SignalingSocket, media: MediaState): boolean {
    const { roomKey, peerId } = socket.data;
    return roomKey !== undefined && this.rooms.setMedia(roomKey, peerId, media) !== undefined;
  }

  seatOf(roomKey: string, peerId: string): Seat | undefined {
    return this.rooms.seat(roomKey, peerId);
  }

  seated(roomKey: string): Seat[] {
    return this.rooms.seats(roomKey);
  }
}

/** Lets a seat change run without waiting for it (a disconnect, matching's unseat); a failure is logged. */
export function inBackground(log: FastifyBaseLogger, socket: SignalingSocket, change: Awaitable<void>): void {
  Promise.resolve(change).catch(failedToFree(log, socket));
}

/** Logs a seat that could not be freed. */
export const failedToFree =
  (log: FastifyBaseLogger, socket: SignalingSocket) =>
  (err: unknown): void =>
    log.error({ err, peer: socket.data.peerId }, 'could not free a seat');
