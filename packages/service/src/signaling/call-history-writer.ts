/**
 * Writes call history from the signaling path without making anyone wait for the store: each event is
 * queued and the call goes on. Writes of one room run one after another in the order of the events, so a
 * leave never reaches the store before its join, even on a PostgreSQL pool that would otherwise run them
 * side by side. A failed write is logged and dropped; it never reaches the call.
 *
 * Once a write is done the writer publishes what it recorded (a call started or ended, someone joined or
 * left) as service events, in the same order, with the ids the history holds.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { LeaveReason } from '@vcw/shared';
import { participantLeftEvent, sessionEndedEvent, type CallPlace } from '../events/call-events.js';
import type { ServiceEvents } from '../events/service-events.js';
import type { CallHistory, CallSession, NetworkReport, ParticipantJoin } from '../store/call-history.js';
import type { Seats } from './seats.js';

/** What a join tells the writer beyond the history row: the room's name and whether its calls are relay-only. */
export interface RecordedJoin extends Omit<ParticipantJoin, 'at'> {
  room: string;
  relayOnly: boolean;
}

type OpenCall = CallPlace;

export class CallHistoryWriter {
  /** The last queued write of each room with writes pending. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Rooms with a call going on (as this writer saw it start): what their events carry. */
  private readonly calls = new Map<string, OpenCall>();

  constructor(
    private readonly history: CallHistory,
    private readonly log: FastifyBaseLogger,
    private readonly events?: ServiceEvents,
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

  /** A participant's widget reported its network (written in turn with the room's joins and leaves). */
  networkReported(report: NetworkReport): void {
    this.enqueue(report.roomId, 'network', () => this.history.networkReported(report));
  }

  /** Resolves once every write queued so far (for one room, or all) has run. */
  async flushed(roomId?: string): Promise<void> {
    const pending = roomId === undefined ? [...this.queues.values()] : [this.queues.get(roomId) ?? Promise.resolve()];
    await Promise.all(pending);
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

/** Call history follows the seats: a seat taken or freed, or a room's call ended, is written behind the call's back. */
export function followSeatsWithHistory(seats: Seats, writer: CallHistoryWriter): void {
  seats.follow('seated', ({ room, seat: { roomId, peerId, displayName, role } }) =>
    writer.joined({
      projectId: room.projectId,
      roomId,
      room: room.name,
      relayOnly: room.iceTransportPolicy === 'relay',
      peerId,
      displayName,
      role,
    }),
  );
  seats.follow('vacated', ({ seat, reason }) => writer.left(seat.roomId, seat.peerId, reason));
  seats.follow('ended', ({ roomId }) => {
    if (roomId) writer.ended(roomId);
  });
}
