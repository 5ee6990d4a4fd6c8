/**
 * Random pairs and support lines shared by the nodes (Redis): each transition is one script (`match-scripts.ts`,
 * `support-scripts.ts`), answered as JSON; what a script decides for connections held by other nodes reaches
 * them on their node's channel, which `listen` subscribes this node to.
 */
import type { Redis } from 'ioredis';
import type { FanoutProgress } from './fanout-progress.js';
import { watchedBy } from './watched.js';
import {
  MATCH_CLAIM_DEAD,
  MATCH_CONNECTION,
  MATCH_ENTER,
  MATCH_FIRE,
  MATCH_LEAVE,
  MATCH_NEXT,
  MATCH_OPENED,
  MATCH_OPEN_FAILED,
  MATCH_REPORT,
  MATCH_ROOM_ENDED,
  MATCH_SEAT,
  MATCH_STATE,
  MATCH_SWEEP,
  MATCH_WAITING,
} from './match-scripts.js';
import {
  SUPPORT_AGENT_STATUS,
  SUPPORT_DECLINE,
  SUPPORT_FIGURES,
  SUPPORT_TAKE,
  SUPPORT_VIEWS,
} from './support-scripts.js';

/** The timings the scripts apply, in ms. */
export interface MatchBookTimings {
  /** A command's reply token, published last on this node's channel (see `done` in the scripts). */
  reply?: string;
  rematchMs: number;
  deadlineMs: number;
  /** A pair whose room is not open by then (its node went away) waits again. */
  openingMs: number;
}

/** A room a script asks this node to open: for a random pair, or a support call (with its customer). */
export interface MatchOpening {
  pair: string;
  projectId: string;
  mode: 'random' | 'support';
  queue: string;
  customer?: { peerId: string; displayName: string; message: string | null };
}

/** What a script tells of a support customer, for the webhooks: published once, by the node that ran it. */
export interface CustomerNews {
  type: 'waiting' | 'answered' | 'abandoned';
  projectId: string;
  queue: string;
  peerId: string;
  displayName: string;
  /** Redis's time of the change, in ms. */
  at: number;
  /** `waiting`: since when, and the customer's message. */
  since?: number;
  message?: string | null;
  /** `answered`: by whom. */
  agent?: { peerId: string; displayName: string };
  /** `answered`, `abandoned`: since the customer first waited. */
  waitedMs?: number;
  /** `abandoned`: it left the queue, or its connection did not come back. */
  reason?: 'left' | 'disconnected';
}

/**
 * A script's answer: `err` (an error code), the rooms it asks this node to open and to close, the customers'
 * news it made, and its own fields.
 */
export interface MatchAnswer {
  err?: string;
  opens?: MatchOpening[];
  closes?: Array<{ projectId: string; roomId: string }>;
  customers?: CustomerNews[];
  [field: string]: unknown;
}

/** What a script tells one connection, on the channel of the node holding it. */
export interface MatchEffect {
  /**
   * `status` (queue:update), `found`, `ended`, `unseat` (free its seat in its match room), `moved` (its
   * connection came back on another node, which speaks for it from now on), or `reply`: the script that
   * published it answered a command of this node (`s` is its reply token).
   */
  t: 'status' | 'found' | 'ended' | 'unseat' | 'moved' | 'reply';
  /** The socket and the peer. */
  s: string;
  p: string;
  st?: unknown;
  m?: unknown;
  e?: unknown;
  r?: string;
  /**
   * `ended`, `unseat`: the fan-out stream's last entry when the script ran. The room broadcasts sent before it (a
   * partner's `peer:left`) are delivered first.
   */
  a?: string;
}

const SCRIPTS = {
  vcwMatchEnter: MATCH_ENTER,
  vcwMatchLeave: MATCH_LEAVE,
  vcwMatchNext: MATCH_NEXT,
  vcwMatchReport: MATCH_REPORT,
  vcwMatchOpened: MATCH_OPENED,
  vcwMatchOpenFailed: MATCH_OPEN_FAILED,
  vcwMatchSeat: MATCH_SEAT,
  vcwMatchConnection: MATCH_CONNECTION,
  vcwMatchRoomEnded: MATCH_ROOM_ENDED,
  vcwMatchFire: MATCH_FIRE,
  vcwMatchClaimDead: MATCH_CLAIM_DEAD,
  vcwMatchState: MATCH_STATE,
  vcwMatchSweep: MATCH_SWEEP,
  vcwMatchWaiting: MATCH_WAITING,
  vcwSupportAgentStatus: SUPPORT_AGENT_STATUS,
  vcwSupportTake: SUPPORT_TAKE,
  vcwSupportDecline: SUPPORT_DECLINE,
  vcwSupportViews: SUPPORT_VIEWS,
  vcwSupportFigures: SUPPORT_FIGURES,
} as const;

export type MatchScript = keyof typeof SCRIPTS;

/** Adds the matching scripts to a connection (they take no KEYS: every key is built from the prefix). */
export function defineMatchScripts(client: Redis): void {
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 0, lua });
}

export interface MatchTotals {
  waiting: { random: number; support: number };
  agentsOnline: number;
}

export interface MatchBook {
  /** This node's id, as the scripts name it. */
  readonly node: string;
  /** Runs a script with the timings it applies and its own arguments. */
  run(script: MatchScript, timings: MatchBookTimings, ...args: Array<string | number>): Promise<MatchAnswer>;
  /** Adds identity pairs to a project's reported set (each `x y` and `y x`). */
  addReported(projectId: string, pairs: Array<[string, string]>): Promise<void>;
  /** The cluster's gauges: visitors waiting in random and in support queues, agents online. */
  totals(): Promise<MatchTotals>;
  /** A line's size and its pairs now. */
  line(line: string): Promise<{ waiting: number; pairs: number }>;
  /** Resolves once every broadcast this node sent so far went out (its fan-out connection answered after them). */
  flushed(): Promise<void>;
  /**
   * Resolves once this node delivered every broadcast of the fan-out stream up to `mark` (an effect's `a`), or
   * after `ms`.
   */
  caughtUp(mark: string, ms: number): Promise<void>;
  /**
   * Hears every batch of effects published for this node, in order, and every support line whose agents online
   * changed (`lineNews`); resolves once subscribed.
   */
  listen(listener: (effects: MatchEffect[]) => void, lineNews: (line: string) => void): Promise<void>;
  close(): void;
}

/**
 * The match book on Redis: scripts on `client` (the seats' connection: it has nowhere to fall back to either),
 * its subscription on `subscriber` (a connection of its own), keys under `prefix`.
 */
export function redisMatchBook(
  client: Redis,
  subscriber: () => Redis,
  prefix: string,
  node: string,
  failed: () => void,
  {
    beats,
    flush,
    stream,
    progress,
  }: {
    /** The key of the nodes' beats (the seats'): a node that stops beating has its places claimed. */
    beats: string;
    /** A command on the fan-out connection, answered after every broadcast sent before it. */
    flush: () => Promise<unknown>;
    /** The fan-out stream's key, and how far this node delivered it. */
    stream: string;
    progress: FanoutProgress;
  },
): MatchBook {
  const P = `${prefix}match:`;
  const watched = watchedBy(failed);
  const loose = client as unknown as Record<MatchScript, (...args: Array<string | number>) => Promise<string>>;
  let listening: Redis | undefined;
  return {
    node,
    async run(script, timings, ...args) {
      const raw = await watched(loose[script](P, node, JSON.stringify({ ...timings, beats, fanout: stream }), ...args));
      return JSON.parse(raw) as MatchAnswer;
    },
    async addReported(projectId, pairs) {
      const members = pairs.flatMap(([x, y]) => [`${x} ${y}`, `${y} ${x}`]);
      for (let i = 0; i < members.length; i += 1000)
        await watched(client.sadd(`${P}reported:${projectId}`, ...members.slice(i, i + 1000)));
    },
    async totals() {
      const [random, support, online] = await watched(
        client.hmget(`${P}totals`, 'waiting:random', 'waiting:support', 'agents:online'),
      );
      return {
        waiting: { random: Number(random ?? 0), support: Number(support ?? 0) },
        agentsOnline: Number(online ?? 0),
      };
    },
    async line(line) {
      const [waiting, pairs] = await Promise.all([
        watched(client.zcard(`${P}line:${line}:order`)),
        watched(client.hget(`${P}line:${line}`, 'pairs')),
      ]);
      return { waiting, pairs: Math.max(0, Number(pairs ?? 0)) };
    },
    async flushed() {
      await flush();
    },
    caughtUp(mark, ms) {
      return progress.until(mark, ms);
    },
    async listen(listener, lineNews) {
      listening = subscriber();
      const channel = `${P}node:${node}`;
      const lines = `${P}lines`;
      listening.on('message', (from: string, message: string) => {
        if (from === channel) listener(JSON.parse(message) as MatchEffect[]);
        else if (from === lines) lineNews(message);
      });
      await listening.subscribe(channel, lines);
    },
    close() {
      listening?.disconnect();
    },
  };
}
