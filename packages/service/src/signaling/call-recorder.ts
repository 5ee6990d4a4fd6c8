/**
 * Writes call history from the signaling path without making anyone wait for the store: each event is
 * queued and the call goes on. Writes of one room run one after another in the order of the events, so a
 * leave never reaches the store before its join, even on a PostgreSQL pool that would otherwise run them
 * side by side. A failed write is logged and dropped; it never reaches the call.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { LeaveReason } from '@vcw/shared';
import type { CallHistory, ParticipantJoin } from '../store/call-history.js';

export class CallRecorder {
  /** The last queued write of each room with writes pending. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly history: CallHistory,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** A participant took a seat (the event's time is now, not when the write runs). */
  joined(join: Omit<ParticipantJoin, 'at'>): void {
    const at = new Date();
    this.enqueue(join.roomId, 'join', () => this.history.participantJoined({ ...join, at }));
  }

  left(roomId: string, peerId: string, reason: LeaveReason): void {
    const at = new Date();
    this.enqueue(roomId, 'leave', () => this.history.participantLeft({ roomId, peerId, reason, at }));
  }

  /** The room's call was ended for everyone in it. */
  ended(roomId: string): void {
    const at = new Date();
    this.enqueue(roomId, 'room end', () => this.history.roomEnded({ roomId, at }));
  }

  /** Resolves once every write queued so far (for one room, or all) has run. */
  async flushed(roomId?: string): Promise<void> {
    const pending = roomId === undefined ? [...this.queues.values()] : [this.queues.get(roomId)];
    await Promise.all(pending);
  }

  private enqueue(roomId: string, event: string, write: () => Promise<void>): void {
    const previous = this.queues.get(roomId) ?? Promise.resolve();
    const queued = previous.then(write).catch((err: unknown) => this.log.error({ err, roomId, event }, 'could not record call history'));
    this.queues.set(roomId, queued);
    // Forget the room once its queue is empty, so the map holds only rooms with writes pending.
    void queued.then(() => {
      if (this.queues.get(roomId) === queued) this.queues.delete(roomId);
    });
  }
}
