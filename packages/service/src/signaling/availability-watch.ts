/**
 * Customers watching a support line before they wait (`queue:watch`): each is told the line's availability
 * (agents online, the estimated wait of someone joining now) on asking, then `queue:availability` whenever
 * it changes. One timer per node walks the watchers while there are any; a change reaches them within
 * `everyMs`. Agents come and go rarely, and a watcher costs one map lookup per walk.
 */
import type { QueueAvailability } from '@vcw/shared';
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

  constructor(
    /** Support lines are kept on each node (see `matching.ts`): read synchronously, on every walk. */
    private readonly coordinator: { statistics(projectId: string, queue: string): QueueStatistics },
    private readonly tell: (socketId: string, availability: QueueAvailability) => void,
    private readonly everyMs = AVAILABILITY_CHECK_MS,
  ) {}

  /** Starts (or moves) the connection's watch; the line's availability now. */
  watch(socketId: string, projectId: string, queue: string): QueueAvailability {
    const now = this.availability(projectId, queue);
    this.watchers.set(socketId, { projectId, queue, told: JSON.stringify(now) });
    this.timer ??= setInterval(() => this.check(), this.everyMs);
    return now;
  }

  /** The connection waits now, or is gone: no more news for it. */
  unwatch(socketId: string): void {
    this.watchers.delete(socketId);
    if (this.watchers.size === 0) this.close();
  }

  /** Tells every watcher whose line changed since it was last told. */
  check(): void {
    for (const [socketId, watcher] of this.watchers) {
      const now = this.availability(watcher.projectId, watcher.queue);
      const key = JSON.stringify(now);
      if (key === watcher.told) continue;
      watcher.told = key;
      this.tell(socketId, now);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private availability(projectId: string, queue: string): QueueAvailability {
    const { support } = this.coordinator.statistics(projectId, queue);
    // Someone joining now would be behind everyone waiting.
    return {
      queue,
      agentsOnline: support.agentsOnline,
      estimatedWaitMs: estimateWaitMs(support.averageWaitMs, support.waiting + 1, support.agentsOnline),
    };
  }
}
