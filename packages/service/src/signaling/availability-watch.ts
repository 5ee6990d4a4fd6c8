/**
 * Customers watching a support line before they wait (`queue:watch`): each is told the line's availability
 * (agents online, the estimated wait of someone joining now) on asking, then `queue:availability` whenever
 * it changes. One timer per node walks the watchers while there are any, reading each watched line once per walk
 * (with several nodes, from Redis: the lines are shared); a change reaches them within `everyMs`. Agents come and
 * go rarely, and a watcher costs one map lookup per walk.
 */
import type { QueueAvailability } from '@vcw/shared';
import type { Awaitable } from '../awaitable.js';
import type { QueueStatistics } from '../matching/coordinator.js';
import { estimateWaitMs } from '../matching/wait-estimate.js';

/** How often the watched lines are looked at. */
export const AVAILABILITY_CHECK_MS = 500;

interface Watcher {
  projectId: string;
  queue: string;
  /** What the watcher was last told, to tell only changes. */
  told: string;
}

export class AvailabilityWatch {
  private readonly watchers = new Map<string, Watcher>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking = false;

  constructor(
    private readonly coordinator: { statistics(projectId: string, queue: string): Awaitable<QueueStatistics> },
    private readonly tell: (socketId: string, availability: QueueAvailability) => void,
    private readonly everyMs = AVAILABILITY_CHECK_MS,
  ) {}

  /** Starts (or moves) the connection's watch; the line's availability now. */
  async watch(socketId: string, projectId: string, queue: string): Promise<QueueAvailability> {
    const now = await this.availability(projectId, queue);
    this.watchers.set(socketId, { projectId, queue, told: JSON.stringify(now) });
    this.timer ??= setInterval(() => void this.check(), this.everyMs);
    return now;
  }

  /** The connection waits now, or is gone: no more news for it. */
  unwatch(socketId: string): void {
    this.watchers.delete(socketId);
    if (this.watchers.size === 0) this.close();
  }

  /** Tells every watcher whose line changed since it was last told; one walk at a time. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const lines = new Map<string, Promise<QueueAvailability>>();
      for (const [socketId, watcher] of this.watchers) {
        const key = `${watcher.projectId}/${watcher.queue}`;
        let line = lines.get(key);
        if (!line) lines.set(key, (line = this.availability(watcher.projectId, watcher.queue)));
        const now = await line;
        const told = JSON.stringify(now);
        // Gone or moved to another line while the line was read: its own watch told it.
        if (this.watchers.get(socketId) !== watcher || told === watcher.told) continue;
        watcher.told = told;
        this.tell(socketId, now);
      }
    } catch {
      // The line could not be read (Redis away): the next walk tries again.
    } finally {
      this.checking = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async availability(projectId: string, queue: string): Promise<QueueAvailability> {
    const { support } = await this.coordinator.statistics(projectId, queue);
    // Someone joining now would be behind everyone waiting.
    return {
      queue,
      agentsOnline: support.agentsOnline,
      estimatedWaitMs: estimateWaitMs(support.averageWaitMs, support.waiting + 1, support.agentsOnline),
    };
  }
}
