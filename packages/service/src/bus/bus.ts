/**
 * The bus: what the nodes of one deployment share beyond the store. One node (no `REDIS_URL`): everything stays
 * in this process. Several nodes: Redis (`redis.ts`), through Socket.io's Redis Streams adapter and Lua scripts.
 * Whoever watches the bus's health (metrics) subscribes to its troubles; the bus imports none of them.
 */
import type { SharedRateLimiterFactory } from '../limits/shared-rate-limiter.js';
import type { RecordingBook } from '../rooms/recording-book.js';
import type { KnockBook } from './knock-book.js';
import type { MatchBook } from './match-book.js';
import type { SeatBook } from './seat-book.js';

/**
 * What went wrong talking to Redis: its connection, a fan-out publish, a rate-limit, lease, seat, knock,
 * recording or matching script.
 */
export type BusOperation =
  'connection' | 'publish' | 'rate-limit' | 'lease' | 'seats' | 'knocks' | 'recording' | 'matching';

export type BusTrouble =
  /** Redis failed an operation. */
  | { kind: 'error'; operation: BusOperation }
  /** A shared rate limit was counted on this node alone, Redis not answering. */
  | { kind: 'fallback'; limit: string };

export interface Bus {
  readonly kind: 'in-process' | 'redis';
  /** The Socket.io adapter that carries room fan-out between nodes; null: this process's own. */
  readonly adapter: unknown;
  /** Rate limits counted across the nodes (REST per key, handshakes per address). */
  readonly rateLimiter: SharedRateLimiterFactory;
  /** Every room's seats, shared by the nodes; null: each node keeps its own (`signaling/seats.ts`). */
  readonly seatBook: SeatBook | null;
  /** Who knocks at every room's door, and whom its hosts admitted; null: each node keeps its own (`signaling/doors.ts`). */
  readonly knockBook: KnockBook | null;
  /** Every room's recording consent, shared by the nodes; null: each node keeps its own (`rooms/recording-book.ts`). */
  readonly recordingBook: RecordingBook | null;
  /** Random queues and their pairs, shared by the nodes; null: each node keeps its own (`matching/local-coordinator.ts`). */
  readonly matchBook: MatchBook | null;
  /**
   * Takes or renews the lease `name` for `ttlMs`, so that one node at a time does a periodic job; false when
   * another node holds it (or Redis does not answer: then nobody does the job this time).
   */
  holdLease(name: string, ttlMs: number): Promise<boolean>;
  /** Whether the bus answers now (for `/ready`). */
  reachable(): Promise<boolean>;
  /** Calls `listener` on every trouble from now on; returns what stops it. */
  onTrouble(listener: (trouble: BusTrouble) => void): () => void;
  close(): Promise<void>;
}
