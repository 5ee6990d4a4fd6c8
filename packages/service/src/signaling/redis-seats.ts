/**
 * Seats shared by the nodes (`REDIS_URL`): who sits where is the seat book's (Redis), so capacity holds across
 * nodes and a newcomer is given the participants of every node. Each node also keeps its own seats in its
 * `RoomRegistry`, for the handlers that look up their connection's seat. A seated socket joins its seat's
 * Socket.io room, on whichever node it is: a signal, or the news of a newcomer, goes there.
 */
import { LeaveReason, type MediaState } from '@vcw/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { ResumeTokens } from '../auth/resume-token.js';
import { Retries } from '../bus/retries.js';
import type { SeatBook } from '../bus/seat-book.js';
import { ServiceError } from '../errors.js';
import type { FreedSeat } from '../bus/seat-book.js';
import { sortableId } from '../store/ids.js';
import { RoomRegistry, type Seat } from '../rooms/room-registry.js';
import { SeatKeeping, type SeatRoom, type Sitter } from './seats.js';
import { broadcastRoom, isBroadcastRoom, seatRoom, type SignalingServer, type SignalingSocket } from './sockets.js';

/** This node's copy of a room holds whatever the book seated: capacity is the book's to refuse. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
/** How often this node says it is alive, and looks for nodes that stopped saying so. */
const BEAT_EVERY_MS = 1_000;
/**
 * A node silent this long has died (or stopped) even if the grace period is shorter: a live node beats every
 * second, and one a few seconds late must not lose its seats.
 */
export const DEAD_AFTER_MS = 5_000;

export class RedisSeats extends SeatKeeping {
  /** Sockets whose seat is being taken: a second `room:join` meanwhile is refused. */
  private readonly taking = new Set<string>();
  /** Sockets whose seat is being taken back: their leave waits for it, so it frees the seat's new epoch. */
  private readonly resuming = new Map<string, Promise<boolean>>();
  /** Leaves the book could not take (Redis away), tried again until it does; stopped when the node closes. */
  private readonly retries = new Retries();
  private readonly beating: ReturnType<typeof setInterval>;

  constructor(
    io: SignalingServer,
    rooms: RoomRegistry,
    log: FastifyBaseLogger,
    graceMs: number,
    private readonly book: SeatBook,
    private readonly tokens: ResumeTokens,
  ) {
    super(io, rooms, log, graceMs);
    io.on('participant:remove', (socketId) => void this.letGo(socketId));
    io.on('participant:taken-over', (socketId, roomKey, peerId) => this.forgetConnection(socketId, roomKey, peerId));
    this.beating = setInterval(() => void this.beat(), BEAT_EVERY_MS);
    this.beating.unref();
    void this.beat();
  }

  async take(socket: SignalingSocket, room: SeatRoom, { displayName, role, media, offer }: Sitter): Promise<Seat[]> {
    if (this.taking.has(socket.id)) throw new ServiceError('already_in_room');
    this.taking.add(socket.id);
    try {
      const { peerId } = socket.data;
      const roomKey = RoomRegistry.keyOf(room.projectId, room.name);
      const { tokenId } = socket.data.grant ?? {};
      const sitting = { roomId: room.id, peerId, displayName, role, socketId: socket.id, media, tokenId };
      // Ids of this node's making for the call this seat may open and the participant it adds: the script
      // decides whether a call starts, and the store's rows are keyed by these ids whichever node writes them.
      const proposal = {
        sessionId: sortableId('ses'),
        participantId: sortableId('par'),
        place: {
          projectId: room.projectId,
          roomId: room.id,
          room: room.name,
          relayOnly: room.iceTransportPolicy === 'relay',
        },
      };
      const booked = await this.book.take(roomKey, sitting, room.capacity, proposal).catch(async (err: unknown) => {
        // The seat may have been written though its answer was lost (Redis slow, or gone meanwhile).
        await this.undo(roomKey, peerId, socket.id, null).catch(() => undefined);
        throw err;
      });
      if (!booked) throw new ServiceError('room_full', `The room is full (${room.capacity} participants).`);
      const { seat, others, call } = booked;
      if (!socket.connected) {
        await this.undo(roomKey, peerId, socket.id, seat.epoch);
        throw new ServiceError('not_in_room', 'The connection closed while joining.');
      }
      this.rooms.join(roomKey, seat, UNBOUNDED);
      socket.data.roomKey = roomKey;
      socket.data.seatEpoch = seat.epoch;
      socket.data.displayName = displayName;
      void socket.join([broadcastRoom(roomKey), seatRoom(roomKey, peerId)]);
      // Told to those seated before this one, each in its seat's room; whoever sits down after it finds it among
      // the seated instead: each pair hears of each other once. The newcomer makes the offers; the first seated
      // hears the one it made before joining with the news.
      const joined = { peerId, displayName, polite: true, media };
      const [first, ...rest] = others.map((other) => seatRoom(roomKey, other.peerId));
      if (first && offer) this.io.to(first).emit('peer:joined', { ...joined, offer });
      else if (first) rest.unshift(first);
      if (rest.length > 0) this.io.to(rest).emit('peer:joined', joined);
      this.tell('seated', { roomKey, room, seat, call });
      return others;
    } finally {
      this.taking.delete(socket.id);
    }
  }

  async vacate(socket: SignalingSocket, reason: LeaveReason): Promise<void> {
    await this.resuming.get(socket.id);
    const { roomKey, peerId, seatEpoch } = socket.data;
    if (!roomKey) return;
    socket.data.roomKey = undefined;
    const mine = this.rooms.leave(roomKey, peerId);
    void socket.leave(broadcastRoom(roomKey));
    void socket.leave(seatRoom(roomKey, peerId));
    const freed = (gone: FreedSeat | null) => {
      if (!gone) {
        // Resumed by its socket on another node since (or the room ended): this node's copy only goes.
        this.log.info({ roomKey, peer: peerId }, 'seat held elsewhere now: left as it is');
        return;
      }
      this.io.to(broadcastRoom(roomKey)).emit('peer:left', { peerId, reason });
      this.log.info({ roomKey, peer: peerId, reason }, 'participant left');
      this.tell('vacated', { roomKey, seat: mine ?? gone.seat, reason, call: gone.call });
    };
    const leave = () => this.book.leave(roomKey, peerId, socket.id, seatEpoch ?? 0, reason);
    try {
      freed(await leave());
    } catch (err) {
      // Gone from this node already; the seat in the book is freed once Redis answers, and the others told then.
      this.log.warn({ err, roomKey, peer: peerId }, 'could not free a seat in Redis: trying again');
      this.retries.again(leave).then(freed, (last: unknown) =>
        // About ten minutes on: the seat stays taken until the room ends.
        this.log.error(
          { err: last, roomKey, peer: peerId },
          'gave up freeing a seat in Redis: taken until the room ends',
        ),
      );
    }
  }

  /**
   * Frees a seat taken for a join that failed before anyone heard of it: its call forgets the participant, and if
   * the room is left empty with a call others took part in, that call's end is told (nobody else will).
   */
  private async undo(roomKey: string, peerId: string, socketId: string, epoch: number | null): Promise<void> {
    const undone = await this.book.leave(roomKey, peerId, socketId, epoch, null);
    if (undone?.call?.ended) this.tell('callEnded', { ...undone.call.ended, journal: undone.call.journal });
  }

  override close(): void {
    super.close();
    clearInterval(this.beating);
    this.retries.stop();
  }

  resume(socket: SignalingSocket): Promise<boolean> {
    const resumed = this.takeBack(socket).finally(() => this.resuming.delete(socket.id));
    this.resuming.set(socket.id, resumed);
    return resumed;
  }

  resumeToken(socket: SignalingSocket): string | undefined {
    const { projectId, roomKey, peerId, seatEpoch } = socket.data;
    if (!roomKey || seatEpoch === undefined) return undefined;
    return this.tokens.mint({ projectId, roomKey, peerId, epoch: seatEpoch });
  }

  async takeOver(socket: SignalingSocket, token: string): Promise<Seat[] | null> {
    const claim = this.tokens.verify(token);
    const { projectId, grant } = socket.data;
    if (!claim || claim.projectId !== projectId || !claim.roomKey) return null;
    const { roomKey, peerId } = claim;
    // A join token admits to one room: it does not carry its powers into another.
    if (grant && RoomRegistry.keyOf(projectId, grant.room) !== roomKey) return null;
    const fresh = socket.data.peerId;
    // What it sends before the seat is its again (signals its socket kept while it was away) goes out as itself.
    Object.assign(socket.data, { peerId, roomKey });
    let taken = null;
    try {
      taken = await this.book.takeOver(roomKey, peerId, claim.epoch, socket.id);
    } catch (err) {
      this.log.error({ err, peer: peerId }, 'could not take a seat over: the connection starts over outside it');
    }
    if (!taken) {
      Object.assign(socket.data, { peerId: fresh, roomKey: undefined });
      return null;
    }
    const { seat, before, others } = taken;
    // The connection that held it is let go quietly, on whichever node it still is (its node may be alive).
    this.forgetConnection(before, roomKey, peerId);
    this.io.serverSideEmit('participant:taken-over', before, roomKey, peerId);
    socket.data.seatEpoch = seat.epoch;
    socket.data.displayName = seat.displayName;
    if (!socket.connected) {
      await this.vacate(socket, LeaveReason.timeout);
      return null;
    }
    this.rooms.join(roomKey, seat, UNBOUNDED);
    void socket.join([broadcastRoom(roomKey), seatRoom(roomKey, peerId)]);
    this.log.info({ roomKey, peer: peerId }, 'participant took its seat back through another node');
    return others;
  }

  async endRoom(projectId: string, roomName: string): Promise<number> {
    const roomKey = RoomRegistry.keyOf(projectId, roomName);
    // Every node clears it; the first finds it full, and ends its call: that node alone records the end.
    const { ended } = await this.book.clear(roomKey);
    return this.showEnded(projectId, roomName, this.rooms.clear(roomKey), ended);
  }

  signalTo(roomKey: string, peerId: string): string {
    return seatRoom(roomKey, peerId);
  }

  async setMedia(socket: SignalingSocket, media: MediaState): Promise<boolean> {
    const { roomKey, peerId } = socket.data;
    if (!roomKey || !this.rooms.setMedia(roomKey, peerId, media)) return false;
    return this.book.setMedia(roomKey, peerId, socket.id, media);
  }

  async seatOf(roomKey: string, peerId: string): Promise<Seat | undefined> {
    return (await this.book.find(roomKey, peerId)) ?? undefined;
  }

  seated(roomKey: string): Promise<Seat[]> {
    return this.book.list(roomKey);
  }

  override remove(seat: Seat): void {
    if (!this.letGo(seat.socketId)) this.io.serverSideEmit('participant:remove', seat.socketId);
  }

  /**
   * The seat `peerId` held through `socketId` went on through another connection: that one, if this node has it
   * (connected or held for the grace period), lets the seat go without a word to anyone.
   */
  private forgetConnection(socketId: string, roomKey: string, peerId: string): void {
    this.holds.resume(socketId);
    if (this.rooms.seat(roomKey, peerId)?.socketId === socketId) this.rooms.leave(roomKey, peerId);
    const socket = this.io.sockets.sockets.get(socketId);
    if (!socket) return;
    socket.data.roomKey = undefined;
    void socket.leave(broadcastRoom(roomKey));
    void socket.leave(seatRoom(roomKey, peerId));
    socket.disconnect(true);
  }

  /**
   * Says this node is alive, then frees the seats of nodes that died (or stopped) at least the grace period ago
   * and were taken back by nobody: their rooms hear them leave with `timeout`, as a hold that ran out.
   */
  private async beat(): Promise<void> {
    try {
      await this.book.beat();
      const { adopted, freed } = await this.book.claimDead(Math.max(this.graceMs, DEAD_AFTER_MS));
      // What the stopped nodes journaled and never wrote goes first: their joins come before these leaves.
      if (adopted.length > 0) this.tell('journaled', adopted);
      for (const { roomKey, seat, call } of freed) {
        this.io.to(broadcastRoom(roomKey)).emit('peer:left', { peerId: seat.peerId, reason: LeaveReason.timeout });
        this.log.info({ roomKey, peer: seat.peerId, node: seat.node }, 'seat of a node that stopped freed');
        this.tell('vacated', { roomKey, seat, reason: LeaveReason.timeout, call });
      }
    } catch (err) {
      this.log.debug({ err }, 'could not beat or claim the seats of stopped nodes this time');
    }
  }

  private async takeBack(socket: SignalingSocket): Promise<boolean> {
    this.holds.resume(socket.id);
    const { roomKey, peerId } = socket.data;
    let seat = null;
    try {
      seat = roomKey ? await this.book.resume(roomKey, peerId, socket.id) : null;
    } catch (err) {
      this.log.error({ err, peer: peerId }, 'could not take a seat back: the connection starts over outside it');
    }
    // The rooms restored are those it was in when it dropped: leave those of a seat freed meanwhile.
    const kept = seat && roomKey ? [broadcastRoom(roomKey), seatRoom(roomKey, peerId)] : [];
    for (const room of [...socket.rooms]) if (isBroadcastRoom(room) && !kept.includes(room)) void socket.leave(room);
    if (!seat || !roomKey) {
      socket.data.roomKey = undefined;
      return false;
    }
    socket.data.seatEpoch = seat.epoch;
    this.rooms.leave(roomKey, peerId); // it may have dropped from this node, or from another
    this.rooms.join(roomKey, seat, UNBOUNDED);
    this.log.info({ roomKey, peer: peerId }, 'participant resumed');
    return true;
  }
}
