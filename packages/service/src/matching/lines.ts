/**
 * The in-process state of matching: a line per queue (who waits, which agents serve it, which pairs it
 * formed), and what each waiting connection and agent is told about it. `LocalCoordinator` changes this
 * state; `LineNotices` tells everyone concerned once a change is complete.
 */
import type { QueueChanges, QueueSnapshot, QueueStatus } from '@vcw/shared';
import { systemClock, type Clock } from '../clock.js';
import type { AgentConnection, MatchDelivery, QueueRef, Visitor } from './coordinator.js';
import { MatchQueue, type QueueEntry } from './match-queue.js';
import type { PartyIds } from './reported-pairs.js';
import { estimateWaitMs, WaitEstimate } from './wait-estimate.js';

export interface Line {
  key: string;
  ref: QueueRef;
  waiting: MatchQueue<Member>;
  /** Support: the agents serving this queue. */
  agents: Map<string, Agent>;
  pairs: Set<Match>;
  waits: WaitEstimate;
  /** Random: when two who just left each other are the only pair left, pairing is tried again then. */
  rematchTimer?: ReturnType<typeof setTimeout>;
  /** When its waiting members and agents were last told, and the timers that tell them next. */
  paced: {
    positionsAt: number;
    snapshotAt: number;
    agentsOnline: number;
    positions?: ReturnType<typeof setTimeout>;
    snapshot?: ReturnType<typeof setTimeout>;
    /** The rest of a long line's walk, told in the next turns of the event loop. */
    sweepRest?: ReturnType<typeof setImmediate>;
  };
}

/** A random visitor or a support customer, from entering a queue until it leaves matching. */
export interface Member extends QueueEntry {
  kind: 'member';
  visitor: Visitor;
  line: Line;
  /** When it started waiting this time, in ms since the epoch. */
  since: number;
  state: 'waiting' | 'matched';
  match?: Match;
  suspended: boolean;
  /** Random: the partner it left last, and when; not paired straight back with it while others wait. */
  lastPartner?: { ids: PartyIds; at: number };
  /** The last status it was told, to tell it only of changes. */
  told?: string;
}

export interface Agent extends QueueEntry {
  kind: 'agent';
  connection: AgentConnection;
  line: Line;
  status: 'online' | 'away';
  match?: Match;
  /** What the last snapshot or changes it was sent said, bar the entries (`sentKey`). */
  told?: string;
  /** The customers whose entries it holds: those its last snapshot or changes listed (at most `snapshotSize`). */
  holds: Set<string>;
}

export type Party = Member | Agent;

export interface Match {
  line: Line;
  parties: [Party, Party];
  /** `opening`: the room is being created; `found`: both were sent `match:found`. */
  phase: 'opening' | 'found';
  room?: { id: string; name: string };
  seated: Set<string>;
  /** Ends the match if the two have not both taken their seats in time. */
  deadline?: ReturnType<typeof setTimeout>;
  over: boolean;
}

export const queueKey = ({ projectId, mode, queue }: QueueRef): string => `${projectId}/${mode}/${queue}`;

/** A member may be matched now: it waits and its connection is up. */
const isFree = (member: Member): boolean => member.state === 'waiting' && !member.suspended;

/** The group of the random index: the visitor (all its tabs), or the connection when it sent no visitor id. */
const visitorGroup = (member: Member): string =>
  member.visitor.visitorId !== undefined ? `v:${member.visitor.visitorId}` : `p:${member.peerId}`;

export function newLine(ref: QueueRef): Line {
  // Random: the tabs of one visitor are one group (never paired together); support: each customer is its own.
  const group = ref.mode === 'random' ? visitorGroup : (member: Member) => member.peerId;
  const waiting = new MatchQueue<Member>({ free: isFree, group });
  return {
    key: queueKey(ref),
    ref,
    waiting,
    agents: new Map(),
    pairs: new Set(),
    waits: new WaitEstimate(),
    paced: { positionsAt: -Infinity, snapshotAt: -Infinity, agentsOnline: 0 },
  };
}

export const idsOf = (party: Party): PartyIds =>
  party.kind === 'member'
    ? { peerId: party.peerId, visitorId: party.visitor.visitorId ?? null }
    : { peerId: party.peerId };

export const partnerOf = (match: Match, party: Party): Party =>
  match.parties[0] === party ? match.parties[1] : match.parties[0];

export function agentsOnline(line: Line): number {
  let online = 0;
  for (const agent of line.agents.values()) if (agent.status === 'online') online++;
  return online;
}

/** A member's status as it stands; `left` and `declined` are told once, by whoever removes it. */
export function statusOf(member: Member, override?: { status: 'left' | 'declined'; reason: string }): QueueStatus {
  const { line } = member;
  const position = !override && member.state === 'waiting' ? line.waiting.positionOf(member.peerId) : 0;
  return {
    ...lineStatus(line, override?.status ?? member.state, position, lineFigures(line)),
    ...(override ? { reason: override.reason } : {}),
  };
}

/** What every status of a line shares, worked out once for all of its members. */
interface LineFigures {
  agentsOnline: number;
  averageMs: number | null;
}

function lineFigures(line: Line): LineFigures {
  return line.ref.mode === 'support'
    ? { agentsOnline: agentsOnline(line), averageMs: line.waits.averageMs() }
    : { agentsOnline: 0, averageMs: null };
}

function lineStatus(line: Line, status: QueueStatus['status'], position: number, figures: LineFigures): QueueStatus {
  const support = line.ref.mode === 'support';
  return {
    mode: line.ref.mode,
    queue: line.ref.queue,
    status,
    position,
    waiting: line.waiting.size,
    agentsOnline: figures.agentsOnline,
    estimatedWaitMs: support ? estimateWaitMs(figures.averageMs, position, figures.agentsOnline) : null,
  };
}

/** How an agent sees its queue: the first `limit` customers in line, and how many wait in all. */
export function snapshotOf(line: Line, limit: number): QueueSnapshot {
  return {
    queue: line.ref.queue,
    total: line.waiting.size,
    customers: line.waiting.firstEntries(limit).map((member) => ({
      customerId: member.peerId,
      displayName: member.visitor.displayName,
      since: member.since,
      ...(member.visitor.message ? { message: member.visitor.message } : {}),
    })),
    agentsOnline: agentsOnline(line),
    averageWaitMs: line.waits.averageMs(),
  };
}

/** A snapshot as `queue:changes` say it, bar `added`: the ids of its customers instead of their entries. */
export const orderOf = (snapshot: QueueSnapshot): Omit<QueueChanges, 'added'> => ({
  queue: snapshot.queue,
  order: snapshot.customers.map((customer) => customer.customerId),
  total: snapshot.total,
  agentsOnline: snapshot.agentsOnline,
  averageWaitMs: snapshot.averageWaitMs,
});

/** What an agent's view of its line says, bar the entries (which never change while a customer waits). */
export const sentKey = (changes: Omit<QueueChanges, 'added'>): string =>
  `${changes.order.join(' ')}|${changes.total}|${changes.agentsOnline}|${changes.averageWaitMs}`;

/** What decides whether a member must be told again: the waiting count alone changes too often to push. */
const toldKey = (status: QueueStatus): string =>
  `${status.status} ${status.position} ${status.agentsOnline} ${status.estimatedWaitMs}`;

/** How often waiting members and agents are told of changes that are not their own, and how much agents see. */
export interface NoticePacing {
  /** A member behind in line is told its new place at most this often (its own changes go out at once). */
  positionEveryMs: number;
  /** An agent gets a snapshot of its queue at most this often. */
  snapshotEveryMs: number;
  /** The customers a snapshot lists (the first in line); `total` says how many wait in all. */
  snapshotSize: number;
}

/**
 * Members told their place per turn of the event loop: a walk of a long line (2,000 new places after a few
 * leave at its front) sends a message to each, and in one piece it would hold every other connection's
 * messages for as long as that takes. Those at the front are told first.
 */
export const TOLD_PER_TURN = 100;

export const DEFAULT_NOTICE_PACING: NoticePacing = { positionEveryMs: 1000, snapshotEveryMs: 250, snapshotSize: 20 };

/**
 * Collects the lines and members a change touched, then tells each member whose own status changed at once,
 * and, at most once per `positionEveryMs` per line (at once when the agents online change), every waiting member whose place changed (`queue:update`);
 * each agent of a changed support queue gets what changed in its bounded view (`queue:changes`: the order of
 * the first in line, and only the entries it was not sent yet) at most once per `snapshotEveryMs`. A busy line
 * so costs one walk per interval, not one per change, and an agent's traffic is bounded whatever the customers do.
 */
export class LineNotices {
  private readonly lines = new Set<Line>();
  private readonly members = new Set<Member>();
  /** Lines with a timer pending, to stop them on close. */
  private readonly pending = new Set<Line>();

  constructor(
    private readonly delivery: MatchDelivery,
    readonly pacing: NoticePacing = DEFAULT_NOTICE_PACING,
    private readonly clock: Clock = systemClock,
  ) {}

  line(line: Line): void {
    this.lines.add(line);
  }

  member(member: Member): void {
    this.members.add(member);
    this.lines.add(member.line);
  }

  /** Records that `member` was told `status` some other way (an acknowledgement, `match:ended`). */
  told(member: Member, status: QueueStatus): void {
    member.told = toldKey(status);
  }

  /** Records that `agent` was sent `snapshot` some other way (the acknowledgement of `agent:status`). */
  sent(agent: Agent, snapshot: QueueSnapshot): void {
    const view = orderOf(snapshot);
    agent.told = sentKey(view);
    agent.holds = new Set(view.order);
  }

  /** Tells everyone concerned; `present` says whether a member is still in matching. */
  flush(present: (member: Member) => boolean): void {
    for (const member of this.members) if (present(member)) this.tell(member, statusOf(member));
    for (const line of this.lines) {
      // Agents coming and going (few, and trusted) is news for everyone at once: nobody is told help is there when it is not.
      if (agentsOnline(line) !== line.paced.agentsOnline) {
        this.clock.clearTimeout(line.paced.positions);
        line.paced.positions = undefined;
        this.sweepPositions(line);
      } else {
        this.pace(line, 'positions', this.pacing.positionEveryMs, () => this.sweepPositions(line));
      }
      if (line.ref.mode === 'support' && line.agents.size > 0)
        this.pace(line, 'snapshot', this.pacing.snapshotEveryMs, () => this.sendChanges(line));
    }
    this.lines.clear();
    this.members.clear();
  }

  /** Stops every pending timer. */
  close(): void {
    for (const line of this.pending) {
      this.clock.clearTimeout(line.paced.positions);
      this.clock.clearTimeout(line.paced.snapshot);
      clearImmediate(line.paced.sweepRest);
    }
    this.pending.clear();
  }

  /** Runs `run` now if the last run is `everyMs` ago, else once when it will be (however many changes come meanwhile). */
  private pace(line: Line, what: 'positions' | 'snapshot', everyMs: number, run: () => void): void {
    if (line.paced[what] !== undefined) return;
    const at = what === 'positions' ? line.paced.positionsAt : line.paced.snapshotAt;
    const wait = at + everyMs - this.clock.now();
    if (wait <= 0) return run();
    this.pending.add(line);
    line.paced[what] = this.clock.setTimeout(() => {
      line.paced[what] = undefined;
      run();
    }, wait);
  }

  /**
   * Tells every waiting member of the line whose place changed: the first TOLD_PER_TURN now, the rest in the
   * next turns, each with its place as it stands then (a newer walk of the same line takes over from this one).
   */
  private sweepPositions(line: Line): void {
    line.paced.positionsAt = this.clock.now();
    line.paced.agentsOnline = agentsOnline(line);
    clearImmediate(line.paced.sweepRest);
    line.paced.sweepRest = undefined;
    const members = line.waiting.all();
    const figures = lineFigures(line);
    const first = members.length > TOLD_PER_TURN ? members.slice(0, TOLD_PER_TURN) : members;
    first.forEach((member, i) => this.tell(member, lineStatus(line, 'waiting', i + 1, figures)));
    if (members.length > TOLD_PER_TURN) this.sweepRest(line, members, TOLD_PER_TURN);
  }

  private sweepRest(line: Line, members: Member[], from: number): void {
    this.pending.add(line);
    line.paced.sweepRest = setImmediate(() => {
      line.paced.sweepRest = undefined;
      const figures = lineFigures(line);
      const to = Math.min(members.length, from + TOLD_PER_TURN);
      for (let i = from; i < to; i++) {
        const member = members[i]!;
        // Gone meanwhile (left, matched, or out of matching): told by whoever moved it.
        if (member.state !== 'waiting' || line.waiting.get(member.peerId) !== member) continue;
        this.tell(member, lineStatus(line, 'waiting', line.waiting.positionOf(member.peerId), figures));
      }
      if (to < members.length) this.sweepRest(line, members, to);
    });
  }

  /**
   * Sends each agent whose view is out of date what changed for it: agents that hold the same entries get the
   * same `queue:changes`, in one emit.
   */
  private sendChanges(line: Line): void {
    line.paced.snapshotAt = this.clock.now();
    if (line.agents.size === 0) return;
    const snapshot = snapshotOf(line, this.pacing.snapshotSize);
    const base = orderOf(snapshot);
    const key = sentKey(base);
    const groups = new Map<string, { added: QueueSnapshot['customers']; agents: Agent[] }>();
    for (const agent of line.agents.values()) {
      if (agent.told === key) continue;
      const added = snapshot.customers.filter((customer) => !agent.holds.has(customer.customerId));
      const addedKey = added.map((customer) => customer.customerId).join(' ');
      const group = groups.get(addedKey) ?? { added, agents: [] };
      group.agents.push(agent);
      groups.set(addedKey, group);
      agent.told = key;
      agent.holds = new Set(base.order);
    }
    for (const { added, agents } of groups.values())
      this.delivery.changes(
        agents.map((agent) => agent.connection.socketId),
        { ...base, added },
      );
  }

  private tell(member: Member, status: QueueStatus): void {
    const key = toldKey(status);
    if (member.told === key) return;
    member.told = key;
    this.delivery.status(member.visitor.socketId, status);
  }
}
