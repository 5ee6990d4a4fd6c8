/**
 * The matchmaking core for one node: all queue state in this process, every decision made synchronously so
 * it is atomic (nobody is paired twice, nobody is lost between two steps). The only waits are the store's:
 * loading a project's reported pairs before its first visitor is paired, and opening a pair's room, during
 * which the pair is `opening` and either side may still leave.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LeaveReason, type QueueSnapshot, type QueueStatus } from '@vcw/shared';
import { systemClock, type Clock } from '../clock.js';
import { ServiceError } from '../errors.js';
import type { BlockedPair } from '../store/queue-store.js';
import type {
  AgentConnection,
  MatchCoordinator,
  MatchDelivery,
  MatchGauges,
  MatchingState,
  MatchRooms,
  MatchTicket,
  QueueRef,
  QueueStatistics,
  ReportOutcome,
  Visitor,
  WaitingEntry,
} from './coordinator.js';
import {
  agentsOnline,
  DEFAULT_NOTICE_PACING,
  idsOf,
  LineNotices,
  type NoticePacing,
  newLine,
  partnerOf,
  queueKey,
  snapshotOf,
  statusOf,
  type Agent,
  type Line,
  type Member,
  type Party,
} from './lines.js';
import { nameOf, Pairs, socketOf } from './pairs.js';
import { nextRandomPair } from './random-pairing.js';
import { ReportedPairsByProject } from './reported-pairs.js';

export interface MatchTimings extends NoticePacing {
  /** How long a pair has to take its seats; then whoever did waits again and whoever did not is let go. */
  joinDeadlineMs: number;
  /** The pause before two who just left each other are paired again when nobody else waits. */
  rematchAfterMs: number;
}

export const DEFAULT_MATCH_TIMINGS: MatchTimings = {
  joinDeadlineMs: 10_000,
  rematchAfterMs: 3_000,
  ...DEFAULT_NOTICE_PACING,
};

export interface LocalCoordinatorOptions {
  delivery: MatchDelivery;
  rooms: MatchRooms;
  /** A project's reported pairs, from the store. */
  reportedPairs(projectId: string): Promise<BlockedPair[]>;
  log: FastifyBaseLogger;
  timings?: Partial<MatchTimings>;
  /** How many may be in matching at once, per queue and per project (0: no limit); beyond, `queue_full`. */
  caps?: { waitingPerQueue: number; waitingPerProject: number };
  /** Where time comes from (default: the wall clock); tests move it by hand. */
  clock?: Clock;
}

const ROOM_ENDED = 'The room of this match was ended.';

export class LocalCoordinator implements MatchCoordinator {
  private readonly lines = new Map<string, Line>();
  private readonly members = new Map<string, Member>();
  private readonly agents = new Map<string, Agent>();
  /** Members (waiting or matched) per project, for its cap. */
  private readonly perProject = new Map<string, number>();
  private readonly pairs: Pairs;
  private readonly reported: ReportedPairsByProject;
  private readonly notices: LineNotices;
  private readonly timings: MatchTimings;
  private readonly log: FastifyBaseLogger;
  protected readonly clock: Clock;
  /** How deep in a change we are: notices go out once the outermost change is complete. */
  private depth = 0;
  private closed = false;

  constructor(private readonly options: LocalCoordinatorOptions) {
    this.timings = { ...DEFAULT_MATCH_TIMINGS, ...options.timings };
    this.clock = options.clock ?? systemClock;
    this.notices = new LineNotices(options.delivery, this.timings, this.clock);
    this.log = options.log;
    this.reported = new ReportedPairsByProject((projectId) => options.reportedPairs(projectId));
    this.pairs = new Pairs({
      host: {
        change: (apply) => this.change(apply),
        forget: (member) => this.forget(member),
        pair: (line) => this.pair(line),
        isClosed: () => this.closed,
      },
      delivery: options.delivery,
      rooms: options.rooms,
      notices: this.notices,
      log: options.log,
      joinDeadlineMs: this.timings.joinDeadlineMs,
      clock: this.clock,
    });
  }

  prepare(projectId: string): Promise<void> {
    return this.reported.prepare(projectId);
  }

  enter(visitor: Visitor): QueueStatus {
    return this.change(() => {
      if (this.closed) throw new ServiceError('shutting_down');
      if (this.partyOf(visitor.peerId)) throw new ServiceError('already_in_queue');
      if (visitor.mode === 'random' && !this.reported.isLoaded(visitor.projectId))
        throw new Error('prepare(projectId) must complete before a random visitor enters');
      this.assertRoomFor(visitor);
      const line = this.lineOf(visitor);
      const member: Member = {
        kind: 'member',
        peerId: visitor.peerId,
        visitor,
        line,
        since: this.clock.now(),
        state: 'waiting',
        suspended: false,
      };
      this.members.set(member.peerId, member);
      this.perProject.set(visitor.projectId, (this.perProject.get(visitor.projectId) ?? 0) + 1);
      line.waiting.add(member);
      this.notices.line(line);
      this.log.info(
        { project: visitor.projectId, mode: visitor.mode, queue: visitor.queue, peer: visitor.peerId },
        'entered queue',
      );
      this.pair(line);
      return this.settled(member);
    });
  }

  leave(peerId: string): void {
    this.change(() => {
      const member = this.members.get(peerId);
      if (!member) throw new ServiceError('not_in_queue');
      this.depart(member, LeaveReason.hangup);
      this.pair(member.line);
    });
  }

  next(peerId: string): QueueStatus {
    return this.change(() => {
      const member = this.members.get(peerId);
      if (!member || member.line.ref.mode !== 'random') throw new ServiceError('not_matched');
      // Already waiting, or already matched anew (a "next" that crossed its partner's): nothing to end.
      if (member.match?.phase === 'found') this.pairs.split(member.match, member, 'next');
      return this.settled(member);
    });
  }

  report(peerId: string): ReportOutcome {
    return this.change(() => {
      const member = this.members.get(peerId);
      if (!member || member.line.ref.mode !== 'random') throw new ServiceError('not_matched');
      const { match } = member;
      const current = match?.phase === 'found' ? partnerOf(match, member) : undefined;
      // Reporting right after "next" (or after the partner moved on) still reaches the partner just left.
      const reported = current ? idsOf(current) : member.lastPartner?.ids;
      if (!reported) throw new ServiceError('not_matched');
      const pairs = this.reported.of(member.line.ref.projectId);
      pairs.add(idsOf(member), reported);
      if (match && current) this.pairs.split(match, member, 'reported');
      else if (match?.phase === 'opening' && pairs.blocks(idsOf(member), idsOf(partnerOf(match, member))))
        this.pairs.cancelOpening(match);
      this.log.info(
        { project: member.line.ref.projectId, queue: member.line.ref.queue, peer: peerId },
        'pair reported',
      );
      return { status: this.settled(member), queue: member.line.ref.queue, reporter: idsOf(member), reported };
    });
  }

  agentStatus(connection: AgentConnection, status: 'online' | 'away'): QueueSnapshot {
    return this.change(() => {
      const agent = this.agentOf(connection);
      agent.status = status;
      this.notices.line(agent.line);
      const snapshot = snapshotOf(agent.line, this.timings.snapshotSize);
      this.notices.sent(agent, snapshot);
      this.log.info(
        { project: connection.projectId, queue: connection.queue, peer: connection.peerId, status },
        'agent status',
      );
      return snapshot;
    });
  }

  take(connection: AgentConnection, customerId?: string): string {
    return this.change(() => {
      const agent = this.agentOf(connection);
      if (agent.match)
        throw new ServiceError(
          'already_in_room',
          'Finish the current call (leave its room) before taking another customer.',
        );
      const { waiting } = agent.line;
      const customer = customerId ? waiting.get(customerId) : waiting.firstFree();
      if (!customer) throw new ServiceError(customerId ? 'customer_not_waiting' : 'queue_empty');
      if (customer.suspended)
        throw new ServiceError(
          'customer_not_waiting',
          "That customer's connection dropped; they may be back in a moment.",
        );
      this.pairs.start(agent.line, customer, agent);
      return customer.peerId;
    });
  }

  decline(connection: AgentConnection, customerId: string, reason: string): void {
    this.change(() => {
      const agent = this.agentOf(connection);
      const customer = agent.line.waiting.get(customerId);
      if (!customer) throw new ServiceError('customer_not_waiting');
      const status = statusOf(customer, { status: 'declined', reason });
      this.forget(customer);
      this.options.delivery.status(customer.visitor.socketId, status);
      this.log.info(
        { project: connection.projectId, queue: connection.queue, peer: customerId, agent: connection.peerId },
        'customer declined',
      );
    });
  }

  stateOf(peerId: string): MatchingState | undefined {
    const party = this.partyOf(peerId);
    if (party?.kind === 'member') return party.state;
    return party?.match ? 'matched' : undefined;
  }

  statusOf(peerId: string): QueueStatus | undefined {
    const member = this.members.get(peerId);
    return member ? statusOf(member) : undefined;
  }

  ticketOf(peerId: string): MatchTicket | undefined {
    const party = this.partyOf(peerId);
    const match = party?.match;
    if (!party || !match?.room || match.phase !== 'found') return undefined;
    const { mode, queue } = match.line.ref;
    return {
      roomId: match.room.id,
      room: match.room.name,
      mode,
      queue,
      partnerPeerId: partnerOf(match, party).peerId,
      displayName: nameOf(party),
    };
  }

  seated(peerId: string, roomId: string): void {
    const match = this.partyOf(peerId)?.match;
    if (!match || match.room?.id !== roomId) return;
    match.seated.add(peerId);
    if (match.seated.size === 2) this.clock.clearTimeout(match.deadline);
  }

  unseated(peerId: string, roomId: string): void {
    this.change(() => {
      const party = this.partyOf(peerId);
      const match = party?.match;
      if (!party || !match || match.room?.id !== roomId || !match.seated.has(peerId)) return;
      // It left its match room (hung up, or did not come back in time): the pair is over, and a visitor or
      // customer who leaves a call is done with matching; an agent stays an agent.
      this.pairs.abandon(match, party, { seatFreed: true });
      if (party.kind === 'member') this.forget(party);
      this.pair(match.line);
    });
  }

  suspend(peerId: string): void {
    // Agents keep counting as online through a short drop: customers should not be told nobody is there.
    const member = this.members.get(peerId);
    if (!member) return;
    member.suspended = true;
    member.line.waiting.refresh(peerId);
  }

  resume(peerId: string): boolean {
    return this.change(() => {
      const member = this.members.get(peerId);
      if (member?.suspended) {
        member.suspended = false;
        member.line.waiting.refresh(peerId);
        this.pair(member.line);
      }
      return this.partyOf(peerId) !== undefined;
    });
  }

  disconnected(peerId: string): void {
    this.change(() => {
      const party = this.partyOf(peerId);
      if (!party) return;
      // A seat still held here is one whose grace ran out before its own hold did.
      this.depart(party, LeaveReason.timeout);
      this.pair(party.line);
    });
  }

  roomEnded(projectId: string, roomName: string): void {
    this.change(() => {
      const match = this.pairs.inRoom(projectId, roomName);
      if (!match) return;
      this.pairs.finish(match);
      for (const party of match.parties) {
        if (party.kind !== 'member') continue;
        // Those seated were told `room:ended`; one still on its way is told here. Nobody waits again.
        if (!match.seated.has(party.peerId))
          this.options.delivery.status(party.visitor.socketId, statusOf(party, { status: 'left', reason: ROOM_ENDED }));
        this.forget(party);
      }
    });
  }

  statistics(projectId: string, queue: string): QueueStatistics {
    const support = this.lines.get(queueKey({ projectId, mode: 'support', queue }));
    const random = this.lines.get(queueKey({ projectId, mode: 'random', queue }));
    return {
      support: {
        waiting: support?.waiting.size ?? 0,
        agentsOnline: support ? agentsOnline(support) : 0,
        averageWaitMs: support?.waits.averageMs() ?? null,
      },
      random: { waiting: random?.waiting.size ?? 0, pairs: random?.pairs.size ?? 0 },
    };
  }

  gauges(): MatchGauges {
    const waiting = { random: 0, support: 0 };
    for (const member of this.members.values()) if (member.state === 'waiting') waiting[member.line.ref.mode]++;
    let online = 0;
    for (const line of this.lines.values()) online += agentsOnline(line);
    return { waiting, agentsOnline: online };
  }

  waiting(ref: QueueRef): WaitingEntry[] {
    const line = this.lines.get(queueKey(ref));
    return (line?.waiting.all() ?? []).map((m) => ({
      peerId: m.peerId,
      socketId: m.visitor.socketId,
      since: m.since,
      suspended: m.suspended,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const line of this.lines.values()) this.clock.clearTimeout(line.rematchTimer);
    this.notices.close();
    await this.pairs.close();
  }

  /** Runs one change; once the outermost change is complete, everyone concerned is told. */
  private change<T>(apply: () => T): T {
    this.depth++;
    try {
      return apply();
    } finally {
      if (--this.depth === 0) this.notices.flush((member) => this.members.get(member.peerId) === member);
    }
  }

  /** The member's status now, which its caller returns as an acknowledgement (so it is not pushed too). */
  private settled(member: Member): QueueStatus {
    const status = statusOf(member);
    this.notices.told(member, status);
    return status;
  }

  /** Random: forms every pair the line allows now. */
  private pair(line: Line): void {
    if (line.ref.mode !== 'random' || this.closed) return;
    const reported = this.reported.of(line.ref.projectId);
    for (;;) {
      const choice = nextRandomPair(line, {
        reported,
        now: this.clock.now(),
        rematchAfterMs: this.timings.rematchAfterMs,
      });
      if (!choice) return;
      if ('retryInMs' in choice) {
        this.clock.clearTimeout(line.rematchTimer);
        line.rematchTimer = this.clock.setTimeout(() => this.change(() => this.pair(line)), choice.retryInMs);
        return;
      }
      this.pairs.start(line, ...choice.pair);
    }
  }

  /** `party` leaves matching altogether (cancel, disconnect); an agent stops serving its queue. */
  private depart(party: Party, seatReason: LeaveReason): void {
    const { match } = party;
    if (match) {
      // Freeing its seat comes back here as `unseated`, which ends the pair; without a seat, end it now.
      if (match.seated.has(party.peerId)) void this.options.delivery.unseat(socketOf(party), seatReason);
      if (!match.over) this.pairs.abandon(match, party, { seatFreed: true });
    }
    if (party.kind === 'member') return this.forget(party);
    party.line.agents.delete(party.peerId);
    this.agents.delete(party.peerId);
    this.notices.line(party.line);
    this.forgetLineIfIdle(party.line);
  }

  private forget(member: Member): void {
    member.line.waiting.remove(member.peerId);
    if (this.members.get(member.peerId) === member) {
      this.members.delete(member.peerId);
      const { projectId } = member.visitor;
      const left = (this.perProject.get(projectId) ?? 1) - 1;
      if (left > 0) this.perProject.set(projectId, left);
      else this.perProject.delete(projectId);
    }
    this.notices.line(member.line);
    this.forgetLineIfIdle(member.line);
  }

  /** Refuses a visitor with `queue_full` when its queue, or its project's queues together, hold as many as allowed. */
  private assertRoomFor(visitor: Visitor): void {
    const { waitingPerQueue = 0, waitingPerProject = 0 } = this.options.caps ?? {};
    const inLine = this.lines.get(queueKey(visitor))?.waiting.size ?? 0;
    if (waitingPerQueue > 0 && inLine >= waitingPerQueue)
      throw new ServiceError(
        'queue_full',
        `This queue holds ${waitingPerQueue} waiting already; try again in a while.`,
      );
    if (waitingPerProject > 0 && (this.perProject.get(visitor.projectId) ?? 0) >= waitingPerProject) {
      throw new ServiceError(
        'queue_full',
        `This site's queues hold ${waitingPerProject} waiting already; try again in a while.`,
      );
    }
  }

  private agentOf(connection: AgentConnection): Agent {
    const existing = this.agents.get(connection.peerId);
    if (existing) return existing;
    if (this.members.has(connection.peerId)) throw new ServiceError('already_in_queue');
    const line = this.lineOf({ projectId: connection.projectId, mode: 'support', queue: connection.queue });
    const agent: Agent = {
      kind: 'agent',
      peerId: connection.peerId,
      connection,
      line,
      status: 'away',
      holds: new Set(),
    };
    this.agents.set(agent.peerId, agent);
    line.agents.set(agent.peerId, agent);
    this.notices.line(line);
    return agent;
  }

  private partyOf(peerId: string): Party | undefined {
    return this.members.get(peerId) ?? this.agents.get(peerId);
  }

  private lineOf(ref: QueueRef): Line {
    const key = queueKey(ref);
    let line = this.lines.get(key);
    if (!line) {
      line = newLine({ projectId: ref.projectId, mode: ref.mode, queue: ref.queue });
      this.lines.set(key, line);
    }
    return line;
  }

  /** A line nobody uses any more goes, unless it holds wait history (the estimates need it). */
  private forgetLineIfIdle(line: Line): void {
    if (line.waiting.size > 0 || line.agents.size > 0 || line.pairs.size > 0 || line.waits.hasHistory) return;
    this.clock.clearTimeout(line.rematchTimer);
    if (this.lines.get(line.key) === line) this.lines.delete(line.key);
  }
}
