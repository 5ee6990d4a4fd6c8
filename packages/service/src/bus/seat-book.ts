/**
 * The seats of every room, shared by the nodes (Redis): taken, resumed and freed by one script each, so capacity
 * holds across nodes and a seat is freed only by the socket and epoch that hold it (`seat-scripts.ts`).
 */
import type { LeaveReason, MediaState } from '@vcw/shared';
import type { Seat } from '../rooms/room-registry.js';
import {
  joinedCall,
  leftCall,
  type CallProposal,
  type EndedCall,
  type JoinedCall,
  type LeftCall,
} from './call-book.js';
import { journalEntry, journalKey, type JournalEntry } from './history-journal.js';
import { watchedBy } from './watched.js';

/**
 * A seat as the nodes share it: with the epoch it was taken or last resumed under, the node holding it, and the
 * id of the journal entry of its join (`history-journal.ts`).
 */
export type BookedSeat = Seat & { epoch: number; node?: string; journal?: string };

/** A seat freed, with what its call recorded of the leave. */
export interface FreedSeat {
  seat: BookedSeat;
  /** Null for a seat taken before calls were kept in Redis. */
  call: LeftCall | null;
}

export interface SeatBook {
  /**
   * Writes the seat unless the room holds `capacity` already, into the room's call (opened with `proposal`'s
   * ids when the room was empty): the seat as written, its call and who was there, or null.
   */
  take(
    roomKey: string,
    seat: Omit<Seat, 'joinedAt'>,
    capacity: number,
    proposal: CallProposal,
  ): Promise<{ seat: BookedSeat; call: JoinedCall; others: BookedSeat[] } | null>;
  /**
   * Frees the peer's seat if this socket and epoch hold it (null: any epoch, after a take whose answer was
   * lost), its call recording the leave as `reason` (null: the take is undone, nobody having heard of it, and
   * its participant goes from the call): the freed seat, or null.
   */
  leave(
    roomKey: string,
    peerId: string,
    socketId: string,
    epoch: number | null,
    reason: LeaveReason | null,
  ): Promise<FreedSeat | null>;
  /** The socket takes its seat back under a new epoch: the seat, or null when it is no longer this socket's. */
  resume(roomKey: string, peerId: string, socketId: string): Promise<BookedSeat | null>;
  /** Records the media state on the peer's seat, if this socket holds it; whether it did. */
  setMedia(roomKey: string, peerId: string, socketId: string, media: MediaState): Promise<boolean>;
  /** The peer's seat in the room, or null. */
  find(roomKey: string, peerId: string): Promise<BookedSeat | null>;
  /** Who sits in the room, in order of arrival. */
  list(roomKey: string): Promise<BookedSeat[]>;
  /** Empties the room (its call ends, those in it leaving with `room-ended`): who was in it, and the call. */
  clear(roomKey: string): Promise<{ seats: BookedSeat[]; ended: EndedCall | null }>;
  /**
   * A new socket takes over the seat `peerId` holds under `epoch` (a resume token's): the seat as written, the
   * socket that held it and who else sits there; null when the seat is gone or was taken since.
   */
  takeOver(
    roomKey: string,
    peerId: string,
    epoch: number,
    socketId: string,
  ): Promise<{ seat: BookedSeat; before: string; others: BookedSeat[] } | null>;
  /** The deployment's rooms with a seat, and its seats, on every node. */
  totals(): Promise<{ rooms: number; participants: number }>;
  /** Says this node is alive (its seats stay its own). */
  beat(): Promise<void>;
  /**
   * Frees the seats of every other node that has not beaten for `graceMs`, but those taken back on another node
   * meanwhile (their calls record them leaving with `timeout`): each freed seat with its room key. The journals
   * of call history of those nodes become this node's: what was left in them, in order, comes first.
   */
  claimDead(graceMs: number): Promise<{ adopted: JournalEntry[]; freed: Array<FreedSeat & { roomKey: string }> }>;
  /** The oldest entries of this node's journal of call history (at most `count`). */
  journal(count: number): Promise<JournalEntry[]>;
  /** The store holds these entries of this node's journal now: they go. */
  journaled(ids: string[]): Promise<void>;
  /**
   * Whether Redis kept its state since a node last asked (it did unless it lost its data, or was never used by
   * this deployment): then what the store shows of calls going on is Redis's to end, not a starting node's.
   */
  stateKept(): Promise<boolean>;
}

/** The seat scripts, as `defineCommand` adds them to the scripts' connection. */
export interface SeatCommands {
  vcwTakeSeat(
    seats: string,
    epochs: string,
    totals: string,
    nodeSeats: string,
    beats: string,
    peerId: string,
    seat: string,
    capacity: number,
    roomKey: string,
    prefix: string,
    proposal: string,
  ): Promise<(number | string)[]>;
  vcwLeaveSeat(
    seats: string,
    peerId: string,
    socketId: string,
    epoch: number | '',
    prefix: string,
    roomKey: string,
    reason: LeaveReason | '',
    node: string,
  ): Promise<[string, number, string, string] | null>;
  vcwResumeSeat(
    seats: string,
    epochs: string,
    nodeSeats: string,
    beats: string,
    peerId: string,
    socketId: string,
    node: string,
    prefix: string,
    roomKey: string,
  ): Promise<string | null>;
  vcwTakeOverSeat(
    seats: string,
    epochs: string,
    nodeSeats: string,
    beats: string,
    peerId: string,
    epoch: number,
    socketId: string,
    node: string,
    prefix: string,
    roomKey: string,
  ): Promise<string[] | null>;
  vcwClearSeats(
    seats: string,
    prefix: string,
    roomKey: string,
    node: string,
  ): Promise<[number, string, string, ...string[]]>;
  vcwBeat(beats: string, node: string): Promise<number>;
  vcwClaimDead(
    beats: string,
    prefix: string,
    graceMs: number,
    node: string,
  ): Promise<[number, Array<[string, string[]]>, ...string[]]>;
  vcwSetMedia(seats: string, peerId: string, socketId: string, media: string): Promise<number>;
  hget(seats: string, peerId: string): Promise<string | null>;
  hvals(seats: string): Promise<string[]>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  xrange(key: string, start: string, end: string, count: 'COUNT', n: number): Promise<Array<[string, string[]]>>;
  xdel(key: string, ...ids: string[]): Promise<number>;
  set(key: string, value: string, nx: 'NX'): Promise<'OK' | null>;
}

const parsed = (json: string): BookedSeat => JSON.parse(json) as BookedSeat;

const entries = (raw: Array<[string, string[]]>): JournalEntry[] =>
  raw.flatMap(([id, fields]) => journalEntry(id, fields) ?? []);

/** In order of arrival. */
/** The nodes' beats (a sorted set: node → when it last said it is alive), under the bus's prefix. */
export const beatsKey = (prefix: string): string => `${prefix}node-beats`;

const byArrival = (a: BookedSeat, b: BookedSeat) => a.joinedAt - b.joinedAt || a.epoch - b.epoch;

/**
 * The seat book on Redis, every key under `prefix`, for the node `node` (whose seats it takes and takes back);
 * `failed` hears of each script that failed (then thrown).
 */
export function redisSeatBook(run: SeatCommands, prefix: string, node: string, failed: () => void): SeatBook {
  const seats = (roomKey: string) => `${prefix}seats:${roomKey}`;
  const epochs = `${prefix}seat-epochs`;
  const totals = `${prefix}seat-totals`;
  const nodeSeats = `${prefix}node-seats:${node}`;
  const beats = beatsKey(prefix);
  const journal = journalKey(prefix, node);
  const watched = watchedBy(failed);
  const journaled = <C extends { journal?: string }>(call: C | null, id: string | undefined): C | null =>
    call && id ? { ...call, journal: id } : call;
  return {
    async take(roomKey, seat, capacity, proposal) {
      const [granted, written, call, started, ...others] = await watched(
        run.vcwTakeSeat(
          seats(roomKey),
          epochs,
          totals,
          nodeSeats,
          beats,
          seat.peerId,
          JSON.stringify({ ...seat, node }),
          capacity,
          roomKey,
          prefix,
          JSON.stringify(proposal),
        ),
      );
      if (granted !== 1 || typeof written !== 'string') return null;
      const booked = parsed(written);
      return {
        seat: booked,
        call: { ...joinedCall(String(call), started!), journal: booked.journal },
        others: (others as string[]).map(parsed).sort(byArrival),
      };
    },
    async leave(roomKey, peerId, socketId, epoch, reason) {
      const freed = await watched(
        run.vcwLeaveSeat(seats(roomKey), peerId, socketId, epoch ?? '', prefix, roomKey, reason ?? '', node),
      );
      if (!freed) return null;
      const [seat, leftAt, call, entry] = freed;
      return { seat: parsed(seat), call: journaled(leftCall(call, leftAt), entry) };
    },
    async resume(roomKey, peerId, socketId) {
      const seat = await watched(
        run.vcwResumeSeat(seats(roomKey), epochs, nodeSeats, beats, peerId, socketId, node, prefix, roomKey),
      );
      return seat ? parsed(seat) : null;
    },
    async takeOver(roomKey, peerId, epoch, socketId) {
      const taken = await watched(
        run.vcwTakeOverSeat(seats(roomKey), epochs, nodeSeats, beats, peerId, epoch, socketId, node, prefix, roomKey),
      );
      if (!taken) return null;
      const [seat, before, ...others] = taken as [string, string, ...string[]];
      return { seat: parsed(seat), before, others: others.map(parsed).sort(byArrival) };
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
      const [at, call, entry, ...cleared] = await watched(run.vcwClearSeats(seats(roomKey), prefix, roomKey, node));
      return {
        seats: cleared.map(parsed).sort(byArrival),
        ended: journaled(leftCall(call, at)?.ended ?? null, entry),
      };
    },
    async totals() {
      const [rooms, participants] = await watched(run.hmget(totals, 'rooms', 'participants'));
      return { rooms: Number(rooms ?? 0), participants: Number(participants ?? 0) };
    },
    async beat() {
      await watched(run.vcwBeat(beats, node));
    },
    async claimDead(graceMs) {
      const [at, adopted, ...freed] = await watched(run.vcwClaimDead(beats, prefix, graceMs, node));
      const out: Array<FreedSeat & { roomKey: string }> = [];
      for (let i = 0; i + 3 < freed.length; i += 4)
        out.push({
          roomKey: freed[i]!,
          seat: parsed(freed[i + 1]!),
          call: journaled(leftCall(freed[i + 2]!, at), freed[i + 3]),
        });
      return { adopted: entries(adopted), freed: out };
    },
    async journal(count) {
      const raw = await watched(run.xrange(journal, '-', '+', 'COUNT', count));
      const known = entries(raw);
      // An entry this version cannot read (a newer node's) would stay for ever: it goes.
      const unknown = raw.filter(([id]) => !known.some((entry) => entry.id === id)).map(([id]) => id);
      if (unknown.length > 0) await watched(run.xdel(journal, ...unknown));
      return known;
    },
    async journaled(ids) {
      if (ids.length > 0) await watched(run.xdel(journal, ...ids));
    },
    async stateKept() {
      return (await watched(run.set(`${prefix}state-kept`, '1', 'NX'))) === null;
    },
  };
}
