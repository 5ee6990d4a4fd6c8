/**
 * The private rooms pairs meet in, kept in the room store like any other: capacity 2, admitting only the two
 * matched connections (see `signaling/join.ts`), marked with the queue they came from (and for support, the
 * customer and their message), and ended once the pair is over. They expire after a day, so pruning removes them with their call history.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { RoomStore } from '../store/room-store.js';
import type { MatchCustomer, MatchRooms, QueueRef } from './coordinator.js';

/** A call of a pair may last this long; then its room expires (and pruning ends the call). */
export const MATCH_ROOM_TTL_SECONDS = 24 * 3600;

export class StoreMatchRooms implements MatchRooms {
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly roomStore: RoomStore,
    private readonly log: FastifyBaseLogger,
  ) {}

  async open({ projectId, mode, queue }: QueueRef, customer?: MatchCustomer): Promise<{ id: string; name: string }> {
    const { room } = await this.roomStore.create(projectId, {
      name: `match-${randomBytes(8).toString('hex')}`,
      privacy: 'private',
      maxParticipants: 2,
      ttlSeconds: MATCH_ROOM_TTL_SECONDS,
      // A support call links back to the customer's request: who they are and what they wrote.
      metadata: { match: { mode, queue, ...(customer ? { customer } : {}) } },
    });
    return { id: room.id, name: room.name };
  }

  close(projectId: string, roomId: string): void {
    const closing = this.roomStore
      .end(projectId, roomId)
      .then(() => undefined)
      .catch((err: unknown) => this.log.warn({ err, room: roomId }, 'could not end a match room'))
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  /** Resolves once every room being ended has been. */
  async settled(): Promise<void> {
    await Promise.all(this.closing);
  }
}
