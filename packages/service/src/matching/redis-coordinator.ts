/**
 * Matching across nodes: every transition of a random or a support queue is one script over Redis
 * (`bus/match-scripts.ts`, `bus/support-scripts.ts`), so a visitor on one node is paired with a visitor on
 * another, an agent on one node takes a customer on another, and a report made on one node keeps the pair apart
 * on all. This node runs the scripts its connections' commands and seat changes call for, opens the rooms of the
 * pairs and calls its scripts formed, fires due timers (join deadlines, rooms never opened, rematch pauses) as
 * any node may, publishes the support customers' news its scripts made (webhooks, once), and delivers what the
 * scripts published for its connections, in the order they were published.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LeaveReason, type QueueSnapshot, type QueueStatus } from '@vcw/shared';
import type { BlockedPair } from '../store/queue-store.js';
import { ServiceError } from '../errors.js';
import type {
  CustomerNews,
  MatchAnswer,
  MatchBook,
  MatchBookTimings,
  MatchOpening,
  MatchScript,
  MatchTotals,
} from '../bus/match-book.js';
import { AgentViews, snapshotFrom, type LineView } from './agent-views.js';
import { MatchNews } from './match-news.js';
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
import { DEFAULT_MATCH_TIMINGS, type MatchTimings } from './local-coordinator.js';
import type { PartyIds } from './reported-pairs.js';
import { WaitingPositions } from './waiting-positions.js';

/** How often this node asks for due timers (a join deadline fires within this much of its time). */
export const FIRE_EVERY_MS = 100;
/** How often this node looks for nodes that stopped beating, to let go of their places. */
const CLAIM_EVERY_MS = 1_000;
/** A pair whose room is not open this long after its join deadline would have started waits again. */
const OPENING_GRACE_MS = 5_000;
const NO_SHOW = 'You did not join the matched room in time.';
const ROOM_ENDED = 'The room of this match was ended.';
const ROOM_FAILED = 'The service could not open a room for this match; try again.';

export interface RedisCoordinatorOptions {
  book: MatchBook;
  delivery: MatchDelivery;
  rooms: MatchRooms;
  reportedPairs(projectId: string): Promise<BlockedPair[]>;
  log: FastifyBaseLogger;
  timings?: Partial<MatchTimings>;
  caps?: { waitingPerQueue: number; waitingPerProject: number };
  /** Support customers' news (the `queue.customer.*` webhooks), made by this node's scripts. */
  customerNews?: (news: CustomerNews) => void;
  /** A node silent this long (no beat) has its places let go by another (as its seats are freed). */
  deadAfterMs: number;
}

interface StateAnswer extends MatchAnswer {
  state?: MatchingState;
  status?: QueueStatus;
  ticket?: MatchTicket;
}

const lineOf = ({ projectId, mode, queue }: QueueRef) => `${projectId}/${mode}/${queue}`;

/** An agent's connection as the support scripts take it. */
const agentArgs = (agent: AgentConnection): string =>
  JSON.stringify({ project: agent.projectId, queue: agent.queue, socket: agent.socketId, name: agent.displayName });

export class RedisCoordinator implements MatchCoordinator {
  readonly shared = true;
  private readonly timings: MatchTimings;
  private readonly scriptTimings: MatchBookTimings;
  private readonly book: MatchBook;
  private readonly log: FastifyBaseLogger;
  /** Projects whose stored reports this node merged into Redis. */
  private readonly loaded = new Map<string, Promise<void>>();
  private readonly opening = new Set<Promise<void>>();
  private readonly news: MatchNews;
  private readonly positions: WaitingPositions;
  private readonly views: AgentViews;
  private readonly firing: ReturnType<typeof setInterval>;
  private readonly claiming: ReturnType<typeof setInterval>;
  private busy = { fire: false, claim: false };
  private listening: Promise<void> = Promise.resolve();
  private subscribed = false;
  private closed = false;

  constructor(private readonly options: RedisCoordinatorOptions) {
    this.timings = { ...DEFAULT_MATCH_TIMINGS, ...options.timings };
    this.scriptTimings = {
      rematchMs: this.timings.rematchAfterMs,
      deadlineMs: this.timings.joinDeadlineMs,
      openingMs: this.timings.joinDeadlineMs + OPENING_GRACE_MS,
    };
    this.book = options.book;
    this.log = options.log;
    this.news = new MatchNews(options.book, options.delivery, (peerId) => this.views.forget(peerId));
    this.positions = new WaitingPositions(this.book, () => this.scriptTimings, this.timings.positionEveryMs, this.log);
    this.views = new AgentViews((size, lines) => this.readViews(size, lines), options.delivery, this.timings, this.log);
    this.firing = setInterval(() => void this.fire(), FIRE_EVERY_MS);
    this.claiming = setInterval(() => void this.claim(), CLAIM_EVERY_MS);
    this.firing.unref();
    this.claiming.unref();
  }

  /**
   * Subscribes this node to what the scripts publish for its connections; resolves once it hears them (when
   * Redis answers: a node starts without it, and its queue commands fail meanwhile).
   */
  start(): Promise<void> {
    this.listening = this.book
      .listen(
        (effects) => this.news.deliver(effects),
        (line) => this.positions.now(line),
      )
      .then(() => {
        this.subscribed = true;
      });
    return this.listening;
  }

  /** Merges the project's stored reports into Redis's set, once per node (a failed load is tried again next time). */
  prepare(projectId: string): Promise<void> {
    let loading = this.loaded.get(projectId);
    if (!loading) {
      loading = this.options.reportedPairs(projectId).then((pairs) =>
        this.book.addReported(
          projectId,
          pairs.flatMap(({ reporter, reported }) => crossed(reporter, reported)),
        ),
      );
      loading.catch(() => this.loaded.delete(projectId));
      this.loaded.set(projectId, loading);
    }
    return loading;
  }

  async enter(visitor: Visitor): Promise<QueueStatus> {
    if (this.closed) throw new ServiceError('shutting_down');
    const answer = await this.answer(
      'vcwMatchEnter',
      visitor.peerId,
      JSON.stringify({
        project: visitor.projectId,
        mode: visitor.mode,
        queue: visitor.queue,
        socket: visitor.socketId,
        name: visitor.displayName,
        media: visitor.media ? JSON.stringify(visitor.media) : '',
        visitor: visitor.visitorId ?? '',
        message: visitor.message ?? '',
      }),
      this.options.caps?.waitingPerQueue ?? 0,
      this.options.caps?.waitingPerProject ?? 0,
    );
    this.positions.follow(answer.line as string, visitor.peerId);
    this.log.info(
      { project: visitor.projectId, mode: visitor.mode, queue: visitor.queue, peer: visitor.peerId },
      'entered queue',
    );
    return this.news.answered(visitor.peerId, answer.status as QueueStatus);
  }

  async leave(peerId: string): Promise<void> {
    await this.answer('vcwMatchLeave', peerId);
  }

  async next(peerId: string): Promise<QueueStatus> {
    const answer = await this.answer('vcwMatchNext', peerId);
    return this.news.answered(peerId, answer.status as QueueStatus);
  }

  async report(peerId: string): Promise<ReportOutcome> {
    const answer = await this.answer('vcwMatchReport', peerId);
    const ids = (party: { peerId: string; visitorId: string }): PartyIds => ({
      peerId: party.peerId,
      visitorId: party.visitorId || null,
    });
    this.log.info({ peer: peerId }, 'pair reported');
    return {
      status: this.news.answered(peerId, answer.status as QueueStatus),
      queue: answer.queue as string,
      reporter: ids(answer.reporter as { peerId: string; visitorId: string }),
      reported: ids(answer.reported as { peerId: string; visitorId: string }),
    };
  }

  async agentStatus(agent: AgentConnection, status: 'online' | 'away'): Promise<QueueSnapshot> {
    const answer = await this.answer(
      'vcwSupportAgentStatus',
      agent.peerId,
      agentArgs(agent),
      status,
      this.timings.snapshotSize,
    );
    const snapshot = snapshotFrom(answer.snapshot);
    this.views.sent(agent.peerId, agent.socketId, answer.line as string, snapshot, answer.ver as number, status);
    this.log.info({ project: agent.projectId, queue: agent.queue, peer: agent.peerId, status }, 'agent status');
    return snapshot;
  }

  async take(agent: AgentConnection, customerId?: string): Promise<string> {
    const answer = await this.answer('vcwSupportTake', agent.peerId, agentArgs(agent), customerId ?? '');
    this.views.follow(agent.peerId, agent.socketId, answer.line as string);
    return answer.customerId as string;
  }

  async decline(agent: AgentConnection, customerId: string, reason: string): Promise<void> {
    const answer = await this.answer('vcwSupportDecline', agent.peerId, agentArgs(agent), customerId, reason);
    this.views.follow(agent.peerId, agent.socketId, answer.line as string);
    this.log.info(
      { project: agent.projectId, queue: agent.queue, peer: customerId, agent: agent.peerId },
      'customer declined',
    );
  }

  async stateOf(peerId: string): Promise<MatchingState | undefined> {
    return (await this.state(peerId)).state;
  }

  async statusOf(peerId: string): Promise<QueueStatus | undefined> {
    return (await this.state(peerId)).status;
  }

  async ticketOf(peerId: string): Promise<MatchTicket | undefined> {
    return (await this.state(peerId)).ticket;
  }

  /** A seat taken in the room of a pair that ended while it joined is freed (it was told it is out already). */
  async seated(peerId: string, roomId: string, socketId?: string): Promise<void> {
    const answer = await this.run('vcwMatchSeat', this.scriptTimings, peerId, 1, roomId);
    if (answer.stale && socketId) void this.options.delivery.unseat(socketId, LeaveReason.hangup);
  }

  async unseated(peerId: string, roomId: string): Promise<void> {
    // The room heard of the leave first (`peer:left`, on the fan-out stream): the pair's end, if it ends, is
    // marked after it, and its partner's node delivers it after that broadcast.
    await this.book.flushed();
    await this.run('vcwMatchSeat', this.scriptTimings, peerId, 0, roomId);
  }

  /** With `socketId`: only if that connection still holds the place (one that took it over holds it now). */
  async suspend(peerId: string, socketId = ''): Promise<void> {
    await this.run('vcwMatchConnection', this.scriptTimings, peerId, 'suspend', socketId);
  }

  /** Whether it had a place (in line, in a pair, or as an agent); it is this node's connection from now on. */
  async resume(peerId: string, socketId = ''): Promise<boolean> {
    this.news.forget(peerId);
    const answer = await this.run('vcwMatchConnection', this.scriptTimings, peerId, 'resume', socketId);
    if (typeof answer.line === 'string') this.positions.follow(answer.line, peerId);
    const agent = answer.agent as { line: string; status: 'online' | 'away' } | undefined;
    if (agent) this.views.follow(peerId, socketId, agent.line, agent.status);
    return answer.had === true;
  }

  async disconnected(peerId: string, socketId = ''): Promise<void> {
    await this.run('vcwMatchConnection', this.scriptTimings, peerId, 'gone', socketId);
    this.news.forget(peerId);
    this.views.forget(peerId);
  }

  async roomEnded(projectId: string, roomName: string): Promise<void> {
    await this.run('vcwMatchRoomEnded', this.scriptTimings, projectId, roomName, ROOM_ENDED);
  }

  async statistics(projectId: string, queue: string): Promise<QueueStatistics> {
    const [support, random] = await Promise.all([
      this.book.run('vcwSupportFigures', this.scriptTimings, lineOf({ projectId, mode: 'support', queue })),
      this.book.line(lineOf({ projectId, mode: 'random', queue })),
    ]);
    return { support: support as unknown as QueueStatistics['support'], random };
  }

  /** This node's share: its connections in lines, as its last walk found them, and its agents online. */
  gauges(): MatchGauges {
    return { waiting: this.positions.counts(), agentsOnline: this.views.online() };
  }

  clusterQueues(): Promise<MatchTotals> {
    return this.book.totals();
  }

  async waiting(ref: QueueRef): Promise<WaitingEntry[]> {
    return (await this.run('vcwMatchWaiting', this.scriptTimings, lineOf(ref))) as unknown as WaitingEntry[];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.firing);
    clearInterval(this.claiming);
    this.positions.close();
    this.views.close();
    await Promise.all(this.opening);
  }

  private async state(peerId: string): Promise<StateAnswer> {
    return (await this.book.run('vcwMatchState', this.scriptTimings, peerId)) as StateAnswer;
  }

  private async readViews(size: number, lines: Array<[string, number]>): Promise<LineView[]> {
    const answer = await this.book.run('vcwSupportViews', this.scriptTimings, size, ...lines.flat());
    return answer as unknown as LineView[];
  }

  /** Runs a script for `peerId` whose answer goes back to its client, in order with this node's news. */
  private async answer(script: MatchScript, peerId: string, ...args: Array<string | number>): Promise<MatchAnswer> {
    // Nothing is decided for this node's connections before it can hear of it.
    if (!this.subscribed) await this.listening;
    return this.news.answer(peerId, (reply) => this.run(script, { ...this.scriptTimings, reply }, peerId, ...args));
  }

  /** Runs a script; refuses with its error code; opens and closes the rooms it asks for. */
  private async run(
    script: MatchScript,
    timings: MatchBookTimings,
    ...args: Array<string | number>
  ): Promise<MatchAnswer> {
    const answer = await this.book.run(script, timings, ...args);
    if (answer.err) throw this.refusal(answer.err);
    this.settle(answer);
    return answer;
  }

  /** A script's refusal (`code` or `code:scope`) as the error its command answers. */
  private refusal(err: string): ServiceError {
    const { waitingPerQueue = 0, waitingPerProject = 0 } = this.options.caps ?? {};
    switch (err) {
      case 'queue_full:queue':
        return new ServiceError(
          'queue_full',
          `This queue holds ${waitingPerQueue} waiting already; try again in a while.`,
        );
      case 'queue_full:project':
        return new ServiceError(
          'queue_full',
          `This site's queues hold ${waitingPerProject} waiting already; try again in a while.`,
        );
      case 'customer_not_waiting:suspended':
        return new ServiceError(
          'customer_not_waiting',
          "That customer's connection dropped; they may be back in a moment.",
        );
      case 'already_in_room':
        return new ServiceError(
          'already_in_room',
          'Finish the current call (leave its room) before taking another customer.',
        );
      default:
        return new ServiceError(err as 'not_in_queue');
    }
  }

  private settle(answer: MatchAnswer): void {
    for (const { projectId, roomId } of answer.closes ?? []) this.options.rooms.close(projectId, roomId);
    for (const open of answer.opens ?? []) this.open(open);
    for (const news of answer.customers ?? []) this.options.customerNews?.(news);
  }

  /** Opens a pair's room in the store; the script then tells both, or (it ended meanwhile) the room is closed. */
  private open({ pair, projectId, mode, queue, customer }: MatchOpening): void {
    const opening = this.options.rooms
      .open({ projectId, mode, queue }, customer)
      .then(
        async (room) => {
          const answer = await this.book.run('vcwMatchOpened', this.scriptTimings, pair, room.id, room.name);
          if (answer.close || this.closed) this.options.rooms.close(projectId, room.id);
          else this.log.info({ project: projectId, mode, queue, room: room.name }, 'matched');
          this.settle(answer);
        },
        async (error: unknown) => {
          this.log.error({ err: error, project: projectId }, 'could not open a match room');
          this.settle(await this.book.run('vcwMatchOpenFailed', this.scriptTimings, pair, ROOM_FAILED));
        },
      )
      // Redis away: the pair's opening timer puts both back in line on whichever node fires it.
      .catch((error: unknown) => this.log.error({ err: error }, 'match room handling failed'))
      .finally(() => this.opening.delete(opening));
    this.opening.add(opening);
  }

  /** Fires the due timers; at most one call in flight. */
  private async fire(): Promise<void> {
    if (this.busy.fire || this.closed) return;
    this.busy.fire = true;
    try {
      const answer = await this.book.run('vcwMatchFire', this.scriptTimings, NO_SHOW);
      this.settle(answer);
    } catch (err) {
      this.log.warn({ err }, 'could not fire the matching timers');
    } finally {
      this.busy.fire = false;
    }
  }

  /** Lets go of the places of nodes that stopped beating; at most one call in flight. */
  private async claim(): Promise<void> {
    if (this.busy.claim || this.closed) return;
    this.busy.claim = true;
    try {
      const answer = await this.book.run('vcwMatchClaimDead', this.scriptTimings, this.options.deadAfterMs);
      if (answer.claimed) this.log.info({ places: answer.claimed }, 'places of a node that stopped let go');
      this.settle(answer);
    } catch (err) {
      this.log.debug({ err }, 'could not claim the places of stopped nodes this time');
    } finally {
      this.busy.claim = false;
    }
  }
}

/** The identity pairs a stored report keeps apart. */
function crossed(a: PartyIds, b: PartyIds): Array<[string, string]> {
  const ids = (party: PartyIds) =>
    party.visitorId ? [`p:${party.peerId}`, `v:${party.visitorId}`] : [`p:${party.peerId}`];
  return ids(a).flatMap((x) => ids(b).map((y): [string, string] => [x, y]));
}
