/**
 * The in-process state of matching: a line per queue (who waits, which agents serve it, which pairs it
 * formed), and what each waiting connection and agent is told about it. `LocalCoordinator` changes this
 * state; `LineNotices` tells everyone concerned once a change is complete.
 */
import type { QueueSnapshot, QueueStatus } from '@vcw/shared';
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
  /** The last snapshot it was sent. */
  told?: string;
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

export function newLine(ref: QueueRef): Line {
  return { key: queueKey(ref), ref, waiting: new MatchQueue<Member>(), agents: new Map(), pairs: new Set(), waits: new WaitEstimate() };
}

export const idsOf = (party: Party): PartyIds =>
  party.kind === 'member' ? { peerId: party.peerId, visitorId: party.visitor.visitorId ?? null } : { peerId: party.peerId };

export const partnerOf = (match: Match, party: Party): Party => (match.parties[0] === party ? match.parties[1] : match.parties[0]);

export function agentsOnline(line: Line): number {
  let online = 0;
  for (const agent of line.agents.values()) if (agent.status === 'online') online++;
  return online;
}

/** A member's status as it stands; `left` and `declined` are told once, by whoever removes it. */
export function statusOf(member: Member, override?: { status: 'left' | 'declined'; reason: string }): QueueStatus {
  const { line } = member;
  const position = !override && member.state === 'waiting' ? line.waiting.positionOf(member.peerId) : 0;
  return { ...lineStatus(line, override?.status ?? member.state, position, lineFigures(line)), ...(override ? { reason: override.reason } : {}) };
}

/** What every status of a line shares, worked out once for all of its members. */
interface LineFigures {
  agentsOnline: number;
  averageMs: number | null;
}

function lineFigures(line: Line): LineFigures {
  return line.ref.mode === 'support' ? { agentsOnline: agentsOnline(line), averageMs: line.waits.averageMs() } : { agentsOnline: 0, averageMs: null };
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

export function snapshotOf(line: Line): QueueSnapshot {
  return {
    queue: line.ref.queue,
    customers: line.waiting.all().map((member) => ({
      customerId: member.peerId,
      displayName: member.visitor.displayName,
      since: member.since,
      ...(member.visitor.message ? { message: member.visitor.message } : {}),
    })),
    agentsOnline: agentsOnline(line),
    averageWaitMs: line.waits.averageMs(),
  };
}

/** What decides whether a member must be told again: the waiting count alone changes too often to push. */
const toldKey = (status: QueueStatus): string => `${status.status} ${status.position} ${status.agentsOnline} ${status.estimatedWaitMs}`;

/**
 * Collects the lines and members a change touched, then tells each member whose place changed
 * (`queue:update`) and each agent of a changed support queue (`queue:snapshot`), once per change.
 */
export class LineNotices {
  private readonly lines = new Set<Line>();
  private readonly members = new Set<Member>();

  constructor(private readonly delivery: MatchDelivery) {}

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

  /** Tells everyone concerned; `present` says whether a member is still in matching. */
  flush(present: (member: Member) => boolean): void {
    // One pass per line for those waiting (positions in order), then the members whose pair began or ended.
    const done = new Set<Member>();
    for (const line of this.lines) {
      const figures = lineFigures(line);
      line.waiting.all().forEach((member, i) => {
        done.add(member);
        this.tell(member, lineStatus(line, 'waiting', i + 1, figures));
      });
    }
    for (const member of this.members) if (!done.has(member) && present(member)) this.tell(member, statusOf(member));
    for (const line of this.lines) {
      if (line.ref.mode !== 'support' || line.agents.size === 0) continue;
      const snapshot = snapshotOf(line);
      const key = JSON.stringify(snapshot);
      const agents = [...line.agents.values()].filter((agent) => agent.told !== key);
      for (const agent of agents) agent.told = key;
      if (agents.length > 0) this.delivery.snapshot(agents.map((agent) => agent.connection.socketId), snapshot);
    }
    this.lines.clear();
    this.members.clear();
  }

  private tell(member: Member, status: QueueStatus): void {
    const key = toldKey(status);
    if (member.told === key) return;
    member.told = key;
    this.delivery.status(member.visitor.socketId, status);
  }
}
