/**
 * The matchmaking core's contract: every queue, every waiting visitor, every agent and every pair lives behind
 * it, so one node (in process, `LocalCoordinator`) and several (shared in Redis, `RedisCoordinator`) are
 * interchangeable.
 * The signaling modules validate and authorise commands, then hand them here; the coordinator decides and
 * reaches connections through a `MatchDelivery`.
 *
 * Each decision (who pairs with whom, who is next in line) is atomic: on one node because `LocalCoordinator`
 * answers synchronously, on several because `RedisCoordinator` makes it in one script inside Redis. So the
 * methods return `Awaitable` values, and callers await them.
 */
import type { Awaitable } from '../awaitable.js';
import type {
  LeaveReason,
  MatchEnded,
  MatchFound,
  MediaState,
  QueueChanges,
  QueueMode,
  QueueSnapshot,
  QueueStatus,
} from '@vcw/shared';
import type { MatchTotals } from '../bus/match-book.js';
import type { PartyIds } from './reported-pairs.js';

/** A queue: scoped to a project, and a random and a support queue of one name are different queues. */
export interface QueueRef {
  projectId: string;
  mode: QueueMode;
  queue: string;
}

/** A connection asking to wait: a random visitor or a support customer. */
export interface Visitor extends QueueRef {
  peerId: string;
  socketId: string;
  displayName: string;
  media?: MediaState;
  /** Random mode: the widget's visitor id, which keeps reported pairs apart across reloads. */
  visitorId?: string;
  /** Support mode: what the customer needs help with. */
  message?: string;
}

/** A support call's customer, as its room's metadata keeps them. */
export interface MatchCustomer {
  peerId: string;
  displayName: string;
  message: string | null;
}

/** A connection made with an agent token for a support queue. */
export interface AgentConnection {
  projectId: string;
  queue: string;
  peerId: string;
  socketId: string;
  displayName: string;
}

/** What a matched connection may do: join exactly this private room, where its partner joins too. */
export interface MatchTicket {
  roomId: string;
  room: string;
  mode: QueueMode;
  queue: string;
  partnerPeerId: string;
  /** The name it was matched under (what its partner was told), for its seat when the join gives none. */
  displayName: string;
}

/** Where a connection stands: waiting in line, or matched (the room is being opened, or it is to join it). */
export type MatchingState = 'waiting' | 'matched';

/** What `match:report` decided, for the store: who reported whom, in which queue. */
export interface ReportOutcome {
  status: QueueStatus;
  queue: string;
  reporter: PartyIds;
  reported: PartyIds;
}

/** A waiting connection as inspection sees it (REST statistics, tests). */
export interface WaitingEntry {
  peerId: string;
  socketId: string;
  since: number;
  /** Its connection dropped and may come back: it keeps its place, but nobody is matched with it meanwhile. */
  suspended: boolean;
}

export interface QueueStatistics {
  support: { waiting: number; agentsOnline: number; averageWaitMs: number | null };
  random: { waiting: number; pairs: number };
}

/** What the coordinator holds, for the metrics: visitors waiting by mode, and agents online. */
export interface MatchGauges {
  waiting: Record<QueueMode, number>;
  agentsOnline: number;
}

/** How the coordinator reaches connections (over Socket.io; with its adapter, on whichever node holds them). */
export interface MatchDelivery {
  status(socketId: string, status: QueueStatus): void;
  /** An agent's queue changed: the same `queue:changes` to every one of `socketIds` (one emit). */
  changes(socketIds: string[], changes: QueueChanges): void;
  found(socketId: string, match: MatchFound): void;
  ended(socketId: string, ended: MatchEnded): void;
  /**
   * Frees the connection's seat in its match room, if it holds one; the others there see it leave as `reason`.
   * Settles once they were told (a failure is logged here).
   */
  unseat(socketId: string, reason: LeaveReason): Promise<void>;
}

/** The private rooms matches meet in. */
export interface MatchRooms {
  /** Support: `customer` is who the agent helps (kept in the room's metadata, which links the call back to their request). */
  open(ref: QueueRef, customer?: MatchCustomer): Promise<{ id: string; name: string }>;
  /** The pair is over: the room admits nobody from now on. Best effort; never throws. */
  close(projectId: string, roomId: string): void;
}

export interface MatchCoordinator {
  /** Its places outlive this node (several nodes): a connection that dropped elsewhere finds its place here too. */
  readonly shared?: boolean;
  /** Loads what pairing in this project needs from the store (its reported pairs), once. Await before `enter`. */
  prepare(projectId: string): Promise<void>;
  /** Puts a visitor in line, pairing at once when it can; their status. `already_in_queue` if they are in matching. */
  enter(visitor: Visitor): Awaitable<QueueStatus>;
  /** Cancel: out of line, or out of the pair it was matched into (the partner is told). `not_in_queue` otherwise. */
  leave(peerId: string): Awaitable<void>;
  /** Random mode: ends the current pair and both wait again; the status it waits with. `not_matched` outside random mode. */
  next(peerId: string): Awaitable<QueueStatus>;
  /** Random mode: keeps the current (or the just left) partner away for good and ends the pair. `not_matched` without one. */
  report(peerId: string): Awaitable<ReportOutcome>;
  /** An agent's availability; the queue as it stands. */
  agentStatus(agent: AgentConnection, status: 'online' | 'away'): Awaitable<QueueSnapshot>;
  /** An agent takes the customer waiting longest, or the one named; the customer's id. */
  take(agent: AgentConnection, customerId?: string): Awaitable<string>;
  /** An agent turns a waiting customer away; the customer is told `reason`. */
  decline(agent: AgentConnection, customerId: string, reason: string): Awaitable<void>;
  stateOf(peerId: string): Awaitable<MatchingState | undefined>;
  /** A visitor's or customer's status as it stands. */
  statusOf(peerId: string): Awaitable<QueueStatus | undefined>;
  /** The room a matched connection may join, once it is open. */
  ticketOf(peerId: string): Awaitable<MatchTicket | undefined>;
  /** The connection (`socketId`) took its seat in its match room. */
  seated(peerId: string, roomId: string, socketId?: string): Awaitable<void>;
  /** The connection's seat in room `roomId` was freed (it left, hung up, or its grace ran out). */
  unseated(peerId: string, roomId: string): Awaitable<void>;
  /** The connection dropped and may resume: it keeps its place, unmatchable until it does. */
  suspend(peerId: string, socketId?: string): Awaitable<void>;
  /** The connection came back: matchable again. Whether it still had a place (in line, in a pair, or as an agent). */
  resume(peerId: string, socketId?: string): Awaitable<boolean>;
  /** The connection is gone for good: out of every queue and pair at once. */
  disconnected(peerId: string, socketId?: string): Awaitable<void>;
  /** A match room's call was ended from outside (REST, expiry): its pair is over and nobody waits again. */
  roomEnded(projectId: string, roomName: string): Awaitable<void>;
  statistics(projectId: string, queue: string): Awaitable<QueueStatistics>;
  /** Across projects and queues, on this node: visitors waiting by mode, and agents online (for the metrics). */
  gauges(): MatchGauges;
  /** With several nodes: visitors waiting by mode, and agents online, across the deployment. */
  clusterQueues?(): Promise<MatchTotals>;
  waiting(ref: QueueRef): Awaitable<WaitingEntry[]>;
  /** Stops pairing and timers; resolves once the rooms being opened are settled. */
  close(): Promise<void>;
}
