/**
 * With several nodes, each node tells its own waiting connections their place (random visitors and support
 * customers): per line that changed, at most once per `positionEveryMs`, scripts (one per 250 connections) that
 * publish each one's status on this node's channel like every other status (so it never overtakes a newer one, and `MatchNews`
 * sends it only when it changed). A support line whose agents online changed is told at once, as on one node.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { QueueMode } from '@vcw/shared';
import type { MatchBook, MatchBookTimings } from '../bus/match-book.js';

/** The most connections one script tells (O(each × log n) in Redis). */
const PER_SCRIPT = 250;

interface FollowedLine {
  peers: Set<string>;
  /** The line's version when their places were last told. */
  ver: string;
}

export class WaitingPositions {
  /** This node's connections in each line. */
  private readonly lines = new Map<string, FollowedLine>();
  private readonly timer: ReturnType<typeof setInterval>;
  private busy = false;

  constructor(
    private readonly book: MatchBook,
    private readonly timings: () => MatchBookTimings,
    everyMs: number,
    private readonly log: FastifyBaseLogger,
  ) {
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref();
  }

  /** `peerId` waits in `line` (`project/mode/queue`) on this node. */
  follow(line: string, peerId: string): void {
    let followed = this.lines.get(line);
    if (!followed) this.lines.set(line, (followed = { peers: new Set(), ver: '' }));
    followed.peers.add(peerId);
  }

  /** Tells this node's waiting connections in `line` their place now (its agents online changed). */
  now(line: string): void {
    const followed = this.lines.get(line);
    if (followed)
      this.tell(line, followed).catch((err: unknown) =>
        this.log.warn({ err }, 'could not tell waiting customers of their agents'),
      );
  }

  /** This node's connections in lines of each mode, as its last walk found them (for the metrics). */
  counts(): Record<QueueMode, number> {
    const counts = { random: 0, support: 0 };
    for (const [line, { peers }] of this.lines)
      counts[line.split('/')[1] === 'support' ? 'support' : 'random'] += peers.size;
    return counts;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Tells the lines that changed, at most one walk in flight. */
  private async sweep(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const [line, followed] of this.lines) await this.tell(line, followed);
    } catch (err) {
      this.log.warn({ err }, 'could not tell waiting visitors their places');
    } finally {
      this.busy = false;
    }
  }

  /**
   * One script per `PER_SCRIPT` connections, so that a long line keeps Redis busy a moment at a time: the first
   * finds out whether the line changed since its places were told (and tells nothing if not), the others tell.
   */
  private async tell(line: string, followed: FollowedLine): Promise<void> {
    const peers = [...followed.peers];
    for (let from = 0; from < peers.length; from += PER_SCRIPT) {
      const known = from === 0 ? followed.ver : '';
      const batch = peers.slice(from, from + PER_SCRIPT);
      const answer = await this.book.run('vcwMatchSweep', this.timings(), line, known, ...batch);
      for (const peer of (answer.gone as string[] | undefined) ?? []) followed.peers.delete(peer);
      if (from === 0 && answer.ver === followed.ver) break;
      if (from === 0) followed.ver = answer.ver as string;
    }
    if (followed.peers.size === 0 && this.lines.get(line) === followed) this.lines.delete(line);
  }
}
