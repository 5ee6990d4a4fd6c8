/**
 * Random pairs across nodes: every transition is one script over Redis (`bus/match-scripts.ts`), so a visitor
 * on one node is paired with a visitor on another, and a report made on one node keeps the pair apart on all.
 * This node runs the scripts its connections' commands and seat changes call for, opens the rooms of the pairs
 * its scripts formed, fires due timers (join deadlines, rooms never opened, rematch pauses) as any node may,
 * and delivers what the scripts published for its connections, in the order they were published. Support
 * queues are not here (see `nodes-coordinator.ts`).
 */
import type { FastifyBaseLogger } from 'fastify';
import { LeaveReason, type QueueStatus } from '@vcw/shared';
import type { BlockedPair } from '../store/queue-store.js';
import { ServiceError } from '../errors.js';
import type { MatchAnswer, MatchBook, MatchBookTimings, MatchScript } from '../bus/match-book.js';
import { MatchNews } from './match-news.js';
import type {
  MatchDelivery,
  MatchGauges,
  MatchingState,
  MatchRooms,
  MatchTicket,
  QueueRef,
  ReportOutcome,
  Visitor,
  WaitingEntry,
} from './coordinator.js';
import { DEFAULT_MATCH_TIMINGS, type MatchTimings } from './local-coordinator.js';
import type { PartyIds } from './reported-pairs.js';

/** How often this node asks for due timers (a join deadline fires within this much of its time). */
export const FIRE_EVERY_MS = 100;
/** How often this node looks for nodes that stopped beating, to let go of their places. */
const CLAIM_EVERY_MS = 1_000;
/** A pair whose room is not open this long after its join deadline would have started waits again. */
const OPENING_GRACE_MS = 5_000;
const NO_SHOW = 'You did not join the matched room in time.';
const ROOM_ENDED = 'The room of this match was ended.';

export interface RedisCoordinatorOptions {
  book: MatchBook;
  delivery: MatchDelivery;
  rooms: MatchRooms;
  reportedPairs(projectId: string): Promise<BlockedPair[]>;
  log: FastifyBaseLogger;
  timings?: Partial<MatchTimings>;
  caps?: { waitingPerQueue: number; waitingPerProject: number };
  /** A node silent this long (no beat) has its places let go by another (as its seats are freed). */
  deadAfterMs: number;
}

interface StateAnswer extends MatchAnswer {
  state?: MatchingState;
  status?: QueueStatus;
  ticket?: MatchTicket;
}

const lineOf = ({ projectId, queue }: Pick<QueueRef, 'projectId' | 'queue'>) => `${projectId}/random/${queue}`;

export class RedisCoordinator {
  private readonly timings: MatchTimings;
  private readonly scriptTimings: MatchBookTimings;
  private readonly book: MatchBook;
  private readonly log: FastifyBaseLogger;
  /** Projects whose stored reports this node merged into Redis. */
  private readonly loaded = new Map<string, Promise<void>>();
  /** This node's connections in each line, and the line's version when their places were last told. */
  private readonly lines = new Map<string, { peers: Set<string>; ver: string }>();
  private readonly opening = new Set<Promise<void>>();
  private readonly news: MatchNews;
  private readonly firing: ReturnType<typeof setInterval>;
  private readonly sweeping: ReturnType<typeof setInterval>;
  private readonly claiming: ReturnType<typeof setInterval>;
  private busy = { fire: false, sweep: false, claim: false };
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
    this.news = new MatchNews(options.book, options.delivery);
    this.firing = setInterval(() => void this.fire(), FIRE_EVERY_MS);
    this.sweeping = setInterval(() => void this.sweep(), this.timings.positionEveryMs);
    this.claiming = setInterval(() => void this.claim(), CLAIM_EVERY_MS);
    this.firing.unref();
    this.sweeping.unref();
    this.claiming.unref();
  }

  /**
   * Subscribes this node to what the scripts publish for its connections; resolves once it hears them (when
   * Redis answers: a node starts without it, and its queue commands fail meanwhile).
   */
  start(): Promise<void> {
    this.listening = this.book
      .listen((effects) => this.news.deliver(effects))
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
        queue: visitor.queue,
        socket: visitor.socketId,
        name: visitor.displayName,
        media: visitor.media ? JSON.stringify(visitor.media) : '',
        visitor: visitor.visitorId ?? '',
      }),
      this.options.caps?.waitingPerQueue ?? 0,
      this.options.caps?.waitingPerProject ?? 0,
    );
    this.follow(answer.line as string, visitor.peerId);
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
    await this.run('vcwMatchSeat', this.scriptTimings, peerId, 0, roomId);
  }

  /** With `socketId`: only if that connection still holds the place (one that took it over holds it now). */
  async suspend(peerId: string, socketId = ''): Promise<void> {
    await this.run('vcwMatchConnection', this.scriptTimings, peerId, 'suspend', socketId);
  }

  /** Whether it had a place; it is this node's connection from now on. */
  async resume(peerId: string, socketId = ''): Promise<boolean> {
    this.news.forget(peerId);
    const answer = await this.run('vcwMatchConnection', this.scriptTimings, peerId, 'resume', socketId);
    if (typeof answer.line === 'string') this.follow(answer.line, peerId);
    return answer.had === true;
  }

  async disconnected(peerId: string, socketId = ''): Promise<void> {
    await this.run('vcwMatchConnection', this.scriptTimings, peerId, 'gone', socketId);
    this.news.forget(peerId);
  }

  async roomEnded(projectId: string, roomName: string): Promise<void> {
    await this.run('vcwMatchRoomEnded', this.scriptTimings, projectId, roomName, ROOM_ENDED);
  }

  async statistics(projectId: string, queue: string): Promise<{ waiting: number; pairs: number }> {
    return this.book.line(lineOf({ projectId, queue }));
  }

  /** This node's share: its connections in random lines, as its last walk found them. */
  gauges(): MatchGauges {
    let waiting = 0;
    for (const { peers } of this.lines.values()) waiting += peers.size;
    return { waiting: { random: waiting, support: 0 }, agentsOnline: 0 };
  }

  async clusterWaiting(): Promise<number> {
    return (await this.book.totals()).waitingRandom;
  }

  async waiting(ref: QueueRef): Promise<WaitingEntry[]> {
    return (await this.run('vcwMatchWaiting', this.scriptTimings, lineOf(ref))) as unknown as WaitingEntry[];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.firing);
    clearInterval(this.sweeping);
    clearInterval(this.claiming);
    await Promise.all(this.opening);
  }

  private async state(peerId: string): Promise<StateAnswer> {
    return (await this.book.run('vcwMatchState', this.scriptTimings, peerId)) as StateAnswer;
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
    if (answer.err) {
      const [code, scope] = answer.err.split(':') as [string, string | undefined];
      if (code === 'queue_full') {
        const { waitingPerQueue = 0, waitingPerProject = 0 } = this.options.caps ?? {};
        throw new ServiceError(
          'queue_full',
          scope === 'queue'
            ? `This queue holds ${waitingPerQueue} waiting already; try again in a while.`
            : `This site's queues hold ${waitingPerProject} waiting already; try again in a while.`,
        );
      }
      throw new ServiceError(code as 'not_in_queue');
    }
    this.settle(answer);
    return answer;
  }

  private settle(answer: MatchAnswer): void {
    for (const { projectId, roomId } of answer.closes ?? []) this.options.rooms.close(projectId, roomId);
    for (const open of answer.opens ?? []) this.open(open);
  }

  /** Opens a pair's room in the store; the script then tells both, or (it ended meanwhile) the room is closed. */
  private open({ pair, projectId, queue }: NonNullable<MatchAnswer['opens']>[number]): void {
    const opening = this.options.rooms
      .open({ projectId, mode: 'random', queue })
      .then(
        async (room) => {
          const answer = await this.book.run('vcwMatchOpened', this.scriptTimings, pair, room.id, room.name);
          if (answer.close || this.closed) this.options.rooms.close(projectId, room.id);
          else this.log.info({ project: projectId, mode: 'random', queue, room: room.name }, 'matched');
          this.settle(answer);
        },
        async (error: unknown) => {
          this.log.error({ err: error, project: projectId }, 'could not open a match room');
          this.settle(await this.book.run('vcwMatchOpenFailed', this.scriptTimings, pair));
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

  /** Tells this node's waiting connections their new places, per line that changed, at most once per interval. */
  private async sweep(): Promise<void> {
    if (this.busy.sweep || this.closed) return;
    this.busy.sweep = true;
    try {
      for (const [line, followed] of this.lines) {
        const answer = await this.book.run('vcwMatchSweep', this.scriptTimings, line, followed.ver, ...followed.peers);
        followed.ver = answer.ver as string;
        for (const peer of (answer.gone as string[] | undefined) ?? []) followed.peers.delete(peer);
        if (followed.peers.size === 0) this.lines.delete(line);
      }
    } catch (err) {
      this.log.warn({ err }, 'could not tell waiting visitors their places');
    } finally {
      this.busy.sweep = false;
    }
  }

  private follow(line: string, peerId: string): void {
    let followed = this.lines.get(line);
    if (!followed) this.lines.set(line, (followed = { peers: new Set(), ver: '' }));
    followed.peers.add(peerId);
  }
}

/** The identity pairs a stored report keeps apart. */
function crossed(a: PartyIds, b: PartyIds): Array<[string, string]> {
  const ids = (party: PartyIds) =>
    party.visitorId ? [`p:${party.peerId}`, `v:${party.visitorId}`] : [`p:${party.peerId}`];
  return ids(a).flatMap((x) => ids(b).map((y): [string, string] => [x, y]));
}
