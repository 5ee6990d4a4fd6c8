/**
 * Writes call history from the signaling path without making anyone wait for the store: each event is
 * queued and the call goes on. Writes of one room run one after another in the order of the events, so a
 * leave never reaches the store before its join, even on a PostgreSQL pool that would otherwise run them
 * side by side. A failed write is logged and dropped; it never reaches the call.
 *
 * Once a write is done the writer publishes what it recorded (a call started or ended, someone joined or
 * left) as service events, in the same order, with the ids the history holds.
 *
 * With several nodes, whether a call starts, goes on or ends is not this node's to tell from the store: the
 * seat scripts decide it in Redis (`bus/call-book.ts`), and the seats' news carries what they decided. The
 * writer then copies that into the store as idempotent upserts (`store/recorded-call.ts`), so the nodes' writes
 * may land in any order, and publishes each event once: a call's start on the node whose seat opened it, a
 * join or leave on the node whose seat it was, the end (with the whole call) on the node whose seat closed it.
 * Each of those events is also in that node's journal in Redis (`bus/history-journal.ts`), from the step that
 * decided it: the writer takes it out once written and published, and writes again what another node's journal
 * left (`replay`), so that nothing is lost to a node that stops, or to a store that refused a write.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LeaveReason } from '@vcw/shared';
import type { BookedParticipant, EndedCall, JoinedCall, LeftCall } from '../bus/call-book.js';
import type { JournalEntry } from '../bus/history-journal.js';
import { participantLeftEvent, sessionEndedEvent, type CallPlace } from '../events/call-events.js';
import type { ServiceEvents } from '../events/service-events.js';
import type { Seat } from '../rooms/room-registry.js';
import type { CallHistory, CallSession, NetworkReport, ParticipantJoin } from '../store/call-history.js';
import type { RecordedParticipant } from '../store/recorded-call.js';
import type { Seats } from './seats.js';

/** What a join tells the writer beyond the history row: the room's name and whether its calls are relay-only. */
export interface RecordedJoin extends Omit<ParticipantJoin, 'at'> {
  room: string;
  relayOnly: boolean;
}

type OpenCall = CallPlace;

/** How long a room's history waits for another follower's step (`waitFor`) at most; then it goes on. */
const WAIT_AT_MOST_MS = 2_000;

export class CallHistoryWriter {
  /** The last queued write of each room with writes pending. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Rooms with a call going on (as this writer saw it start): what their events carry. */
  private readonly calls = new Map<string, OpenCall>();
  /** The journal entries whose write is queued or under way. */
  private readonly writing = new Set<string>();

  constructor(
    private readonly history: CallHistory,
    private readonly log: FastifyBaseLogger,
    private readonly events?: ServiceEvents,
    /** Several nodes: this node's journal of call history, whose entries go once written. */
    private readonly journal?: { journaled(ids: string[]): Promise<void> },
  ) {}

  /** A participant took a seat (the event's time is now, not when the write runs). */
  joined({ room, relayOnly, ...join }: RecordedJoin): void {
    const at = new Date();
    this.enqueue(join.roomId, 'join', async () => {
      const { sessionId, started } = await this.history.participantJoined({ ...join, at });
      const call = { projectId: join.projectId, roomId: join.roomId, room, relayOnly };
      this.calls.set(join.roomId, call);
      const where = { roomId: join.roomId, room, sessionId };
      if (started) this.publish(call, 'room.session.started', at, { ...where, startedAt: at.toISOString() });
      this.publish(call, 'participant.joined', at, {
        ...where,
        peerId: join.peerId,
        displayName: join.displayName,
        role: join.role,
        joinedAt: at.toISOString(),
      });
    });
  }

  left(roomId: string, peerId: string, reason: LeaveReason): void {
    const at = new Date();
    this.enqueue(roomId, 'leave', async () => {
      const outcome = await this.history.participantLeft({ roomId, peerId, reason, at });
      const call = this.calls.get(roomId);
      if (!outcome || !call) return;
      this.events?.publish(
        participantLeftEvent(call, outcome.sessionId, {
          peerId,
          displayName: outcome.participant?.displayName ?? null,
          reason,
          leftAt: at.toISOString(),
        }),
      );
      if (outcome.ended) this.sessionEnded(roomId, call, outcome.ended);
    });
  }

  /** The room's call was ended for everyone in it. */
  ended(roomId: string): void {
    const at = new Date();
    this.enqueue(roomId, 'room end', async () => {
      const { left, ended } = await this.history.roomEnded({ roomId, at });
      const call = this.calls.get(roomId);
      if (!call || !ended) return;
      for (const p of left)
        this.events?.publish(
          participantLeftEvent(call, ended.id, {
            peerId: p.peerId,
            displayName: p.displayName,
            reason: p.leaveReason ?? 'room-ended',
            leftAt: p.leftAt ?? at.toISOString(),
          }),
        );
      this.sessionEnded(roomId, call, ended);
    });
  }

  /** Several nodes: a seat was taken into `call` (which it started, or not), as Redis decided. */
  joinedCall(call: JoinedCall, seat: Seat): void {
    const { place } = call;
    this.enqueueJournaled(place.roomId, 'join', call.journal, async () => {
      await this.history.recordCall(recordOf(call, null, [participantOf(call, seat)]));
      const where = { roomId: place.roomId, room: place.room, sessionId: call.id };
      const startedAt = new Date(call.startedAt);
      if (call.started)
        this.publish(place, 'room.session.started', startedAt, { ...where, startedAt: startedAt.toISOString() });
      const joinedAt = new Date(seat.joinedAt);
      this.publish(place, 'participant.joined', joinedAt, {
        ...where,
        peerId: seat.peerId,
        displayName: seat.displayName,
        role: seat.role,
        joinedAt: joinedAt.toISOString(),
      });
    });
  }

  /** Several nodes: a seat was freed from its call, as Redis recorded it; the whole call when it was the last. */
  leftCall(seat: Seat, reason: LeaveReason, { call, leftAt, ended, journal }: LeftCall): void {
    const { place } = call;
    this.enqueueJournaled(place.roomId, 'leave', journal, async () => {
      const left = { ...participantOf(call, seat), leftAt: new Date(leftAt), leaveReason: reason };
      await this.history.recordCall(
        ended
          ? recordOf(ended, ended.endedAt, ended.participants.map(recordedParticipant))
          : recordOf(call, null, [left]),
      );
      this.events?.publish(
        participantLeftEvent(place, call.id, {
          peerId: seat.peerId,
          displayName: seat.displayName,
          reason,
          leftAt: left.leftAt.toISOString(),
        }),
      );
      if (ended) await this.publishEnded(ended);
    });
  }

  /**
   * Several nodes: this node emptied the room in Redis, which closed `ended`: the room was ended (those still in
   * it are told to have left), or a join it undid was the last seat.
   */
  endedCall(ended: EndedCall): void {
    this.enqueueJournaled(ended.place.roomId, 'room end', ended.journal, async () => {
      await this.history.recordCall(recordOf(ended, ended.endedAt, ended.participants.map(recordedParticipant)));
      for (const p of ended.participants) {
        if (p.leftAt !== ended.endedAt || p.leaveReason !== LeaveReason.roomEnded) continue;
        this.events?.publish(
          participantLeftEvent(ended.place, ended.id, {
            peerId: p.peerId,
            displayName: p.displayName,
            reason: LeaveReason.roomEnded,
            leftAt: new Date(p.leftAt).toISOString(),
          }),
        );
      }
      await this.publishEnded(ended);
    });
  }

  /**
   * Several nodes: writes what a journal entry says, as when this node's seats told it (an entry of a node that
   * stopped, or one of this node's whose write failed), and takes the entry out once done.
   */
  replay({ id, event }: JournalEntry): void {
    if (event.kind === 'joined') this.joinedCall({ ...event.call, journal: id }, event.seat);
    else if (event.kind === 'left') this.leftCall(event.seat, event.reason, { ...event.left, journal: id });
    else this.endedCall({ ...event.ended, journal: id });
  }

  /** Whether the journal entry's write is queued or under way here. */
  isWriting(id: string): boolean {
    return this.writing.has(id);
  }

  /** A participant's widget reported its network (written in turn with the room's joins and leaves). */
  networkReported(report: NetworkReport): void {
    this.enqueue(report.roomId, 'network', () => this.history.networkReported(report));
  }

  /**
   * Holds the room's later writes, and the events they publish, until `pending` settles: what another follower
   * of the same seat news publishes once Redis answers it (a recording the leave ended) goes out first.
   */
  waitFor(roomId: string, pending: Promise<unknown>): void {
    this.enqueue(
      roomId,
      'wait',
      () =>
        new Promise<void>((resolve) => {
          // Not for ever: a change Redis keeps refusing is tried again for minutes, and the node may be stopping.
          const enough = setTimeout(resolve, WAIT_AT_MOST_MS);
          enough.unref();
          void pending.then(noop, noop).finally(() => {
            clearTimeout(enough);
            resolve();
          });
        }),
    );
  }

  /** Resolves once every write queued so far (for one room, or all) has run. */
  async flushed(roomId?: string): Promise<void> {
    const pending = roomId === undefined ? [...this.queues.values()] : [this.queues.get(roomId) ?? Promise.resolve()];
    await Promise.all(pending);
  }

  /** `room.session.ended` for a call the seat scripts closed, as the store holds it now (with its network). */
  private async publishEnded(ended: EndedCall): Promise<void> {
    const session = await this.history.session(ended.id);
    if (session) this.events?.publish(sessionEndedEvent(ended.place, session));
  }

  private sessionEnded(roomId: string, call: OpenCall, session: CallSession): void {
    this.calls.delete(roomId);
    this.events?.publish(sessionEndedEvent(call, session));
  }

  private publish(
    call: OpenCall,
    type: Parameters<ServiceEvents['publish']>[0]['type'],
    at: Date,
    data: Record<string, unknown>,
  ): void {
    this.events?.publish({ projectId: call.projectId, type, at, data });
  }

  /** `enqueue`, for the write of a journal entry (`id`): the entry goes once the write and what it publishes are done. */
  private enqueueJournaled(roomId: string, event: string, id: string | undefined, write: () => Promise<void>): void {
    if (!id) return this.enqueue(roomId, event, write);
    this.writing.add(id);
    this.enqueue(roomId, event, async () => {
      try {
        await write();
        // Not taken out (Redis away): written again later, the same rows, its events told once more.
        await this.journal
          ?.journaled([id])
          .catch((err: unknown) =>
            this.log.warn({ err, roomId, event }, 'could not take a written entry out of the history journal'),
          );
      } finally {
        this.writing.delete(id);
      }
    });
  }

  private enqueue(roomId: string, event: string, write: () => Promise<void>): void {
    const previous = this.queues.get(roomId) ?? Promise.resolve();
    const queued = previous
      .then(write)
      .catch((err: unknown) => this.log.error({ err, roomId, event }, 'could not record call history'));
    this.queues.set(roomId, queued);
    // Forget the room once its queue is empty, so the map holds only rooms with writes pending.
    void queued.then(() => {
      if (this.queues.get(roomId) === queued) this.queues.delete(roomId);
    });
  }
}

function noop(): void {}

/** The store's record of a call the seat scripts keep, with the participants this write knows of. */
function recordOf(
  call: JoinedCall | EndedCall | LeftCall['call'],
  endedAt: number | null,
  participants: RecordedParticipant[],
) {
  const { id, place, startedAt } = call;
  return {
    id,
    projectId: place.projectId,
    roomId: place.roomId,
    startedAt: new Date(startedAt),
    endedAt: endedAt === null ? null : new Date(endedAt),
    participants,
  };
}

/** A seat's participant in its call, not left yet. */
function participantOf(call: { id: string }, seat: Seat): RecordedParticipant {
  return {
    // A seat taken before the participant ids came from Redis (it has none) is keyed by its call and peer.
    id: seat.participantId ?? `${call.id}:${seat.peerId}`,
    peerId: seat.peerId,
    displayName: seat.displayName,
    role: seat.role,
    joinedAt: new Date(seat.joinedAt),
    leftAt: null,
    leaveReason: null,
  };
}

function recordedParticipant(p: BookedParticipant): RecordedParticipant {
  return {
    id: p.id,
    peerId: p.peerId,
    displayName: p.displayName,
    role: p.role,
    joinedAt: new Date(p.joinedAt),
    leftAt: p.leftAt === undefined ? null : new Date(p.leftAt),
    leaveReason: p.leaveReason ?? null,
  };
}

/**
 * Call history follows the seats: a seat taken or freed, or a room's call ended, is written behind the call's
 * back. With several nodes the news carries the call as Redis decided it (`call`), and that is what is written.
 */
export function followSeatsWithHistory(seats: Seats, writer: CallHistoryWriter): void {
  seats.follow('seated', ({ room, seat, call }) => {
    if (call) return writer.joinedCall(call, seat);
    const { roomId, peerId, displayName, role } = seat;
    writer.joined({
      projectId: room.projectId,
      roomId,
      room: room.name,
      relayOnly: room.iceTransportPolicy === 'relay',
      peerId,
      displayName,
      role,
    });
  });
  seats.follow('vacated', ({ seat, reason, call }) => {
    if (call) writer.leftCall(seat, reason, call);
    else writer.left(seat.roomId, seat.peerId, reason);
  });
  seats.follow('callEnded', (call) => writer.endedCall(call));
  seats.follow('journaled', (entries) => {
    for (const entry of entries) writer.replay(entry);
  });
  seats.follow('ended', ({ roomId, call }) => {
    // Several nodes: only the node that emptied the room in Redis has the call; the others have nothing to write.
    if (call !== undefined) {
      if (call) writer.endedCall(call);
    } else if (roomId) writer.ended(roomId);
  });
}
