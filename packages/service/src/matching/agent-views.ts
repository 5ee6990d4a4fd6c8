/**
 * What this node's agents see of their support lines, with several nodes: each agent's `agent:status`
 * acknowledgement is its first snapshot, then every `snapshotEveryMs` this node reads, in one script, the lines
 * of its agents that changed since it last read them (a bounded snapshot each: the first customers, the
 * figures) and sends each agent what changed in its view (`queue:changes`, with only the entries it was not sent
 * yet), as `LineNotices` does on one node. The lines are shared, so agents on every node see every customer.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { QueueSnapshot } from '@vcw/shared';
import type { MatchDelivery } from './coordinator.js';
import { orderOf, sentKey, type NoticePacing } from './lines.js';

/** A line as a read found it: its version and its snapshot. */
export interface LineView {
  line: string;
  ver: number;
  snapshot: QueueSnapshot;
}

/** Reads the lines that changed since the versions given, with snapshots of `size` customers. */
export type ReadLineViews = (size: number, lines: Array<[line: string, ver: number]>) => Promise<LineView[]>;

interface ViewingAgent {
  socketId: string;
  line: string;
  status: 'online' | 'away';
  /** What the last snapshot or changes it was sent said, bar the entries, and the line's version then. */
  told?: string;
  toldVer: number;
  /** The customers whose entries it holds: those its last snapshot or changes listed. */
  holds: Set<string>;
}

/** A snapshot as a script answers it: Lua's JSON says an empty list as `{}`. */
export function snapshotFrom(raw: unknown): QueueSnapshot {
  const snapshot = raw as QueueSnapshot;
  return { ...snapshot, customers: Array.isArray(snapshot.customers) ? snapshot.customers : [] };
}

export class AgentViews {
  private readonly agents = new Map<string, ViewingAgent>();
  /** The lines this node's agents serve, the version last read of each, and who serves it here. */
  private readonly lines = new Map<string, { ver: number; agents: Set<string> }>();
  private readonly timer: ReturnType<typeof setInterval>;
  private busy = false;

  constructor(
    private readonly read: ReadLineViews,
    private readonly delivery: MatchDelivery,
    private readonly pacing: Pick<NoticePacing, 'snapshotEveryMs' | 'snapshotSize'>,
    private readonly log: FastifyBaseLogger,
  ) {
    this.timer = setInterval(() => void this.refresh(), pacing.snapshotEveryMs);
    this.timer.unref();
  }

  /** The agent was sent `snapshot` (its `agent:status` acknowledgement), which stands for version `ver` of its line. */
  sent(
    peerId: string,
    socketId: string,
    line: string,
    snapshot: QueueSnapshot,
    ver: number,
    status: 'online' | 'away',
  ) {
    const agent = this.follow(peerId, socketId, line, status);
    const view = orderOf(snapshot);
    agent.told = sentKey(view);
    agent.toldVer = ver;
    agent.holds = new Set(view.order);
  }

  /** The agent is this node's (it took a customer, or came back here); what it holds is kept if it held any. */
  follow(peerId: string, socketId: string, line: string, status?: 'online' | 'away'): ViewingAgent {
    let agent = this.agents.get(peerId);
    if (agent?.line !== line) {
      if (agent) this.forget(peerId);
      agent = { socketId, line, status: status ?? 'away', toldVer: -1, holds: new Set() };
      this.agents.set(peerId, agent);
      let served = this.lines.get(line);
      if (!served) this.lines.set(line, (served = { ver: -1, agents: new Set() }));
      served.agents.add(peerId);
      // Read the line again at the next round: a newcomer that was sent nothing yet is sent all it should hold.
      served.ver = -1;
    }
    agent.socketId = socketId;
    if (status) agent.status = status;
    return agent;
  }

  /** The agent is gone, or another node speaks for it now. */
  forget(peerId: string): void {
    const agent = this.agents.get(peerId);
    if (!agent) return;
    this.agents.delete(peerId);
    const served = this.lines.get(agent.line);
    served?.agents.delete(peerId);
    if (served?.agents.size === 0) this.lines.delete(agent.line);
  }

  /** This node's agents online. */
  online(): number {
    let online = 0;
    for (const agent of this.agents.values()) if (agent.status === 'online') online++;
    return online;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Reads the lines that changed (at most one read in flight) and tells each agent whose view is out of date. */
  private async refresh(): Promise<void> {
    if (this.busy || this.lines.size === 0) return;
    this.busy = true;
    try {
      const asked = Array.from(this.lines, ([line, { ver }]): [string, number] => [line, ver]);
      for (const view of await this.read(this.pacing.snapshotSize, asked)) this.tell(view);
    } catch (err) {
      this.log.warn({ err }, "could not read the agents' support lines");
    } finally {
      this.busy = false;
    }
  }

  /** Agents that hold the same entries get the same `queue:changes`, in one emit. */
  private tell({ line, ver, snapshot: raw }: LineView): void {
    const served = this.lines.get(line);
    if (!served) return;
    served.ver = ver;
    const snapshot = snapshotFrom(raw);
    const base = orderOf(snapshot);
    const key = sentKey(base);
    const groups = new Map<string, { added: QueueSnapshot['customers']; sockets: string[] }>();
    for (const peerId of served.agents) {
      const agent = this.agents.get(peerId)!;
      // A view older than what it was sent (its acknowledgement crossed this read) or the same: nothing to send.
      if (agent.toldVer >= ver || agent.told === key) {
        agent.toldVer = Math.max(agent.toldVer, ver);
        continue;
      }
      const added = snapshot.customers.filter((customer) => !agent.holds.has(customer.customerId));
      const addedKey = added.map((customer) => customer.customerId).join(' ');
      const group = groups.get(addedKey) ?? { added, sockets: [] };
      group.sockets.push(agent.socketId);
      groups.set(addedKey, group);
      agent.told = key;
      agent.toldVer = ver;
      agent.holds = new Set(base.order);
    }
    for (const { added, sockets } of groups.values()) this.delivery.changes(sockets, { ...base, added });
  }
}
