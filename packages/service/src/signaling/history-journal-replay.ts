/**
 * Several nodes: writes again what this node's journal of call history still holds (`bus/history-journal.ts`)
 * once no write of it is under way: a write the store refused (it was away, or full), or an entry of a stopped
 * node adopted while this node was busy. An entry is written again only when two looks in a row found it with no
 * write under way, so an entry whose script answer is still on its way to this node is never taken for a lost
 * one. The writes are idempotent upserts: writing an entry twice changes no row.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { SeatBook } from '../bus/seat-book.js';
import type { CallHistoryWriter } from './call-history-writer.js';

/** How often the journal is looked at. */
const LOOK_EVERY_MS = 10_000;
/** The most entries written again per look. */
const PER_LOOK = 200;

export class HistoryJournalReplay {
  /** Entries the last look found with no write under way. */
  private idle = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly book: SeatBook,
    private readonly writer: CallHistoryWriter,
    private readonly log: FastifyBaseLogger,
    everyMs = LOOK_EVERY_MS,
  ) {
    this.timer = setInterval(() => void this.look(), everyMs);
    this.timer.unref();
  }

  /** Looks at the journal once: writes again what the last look found idle too. Resolves once the writes are queued. */
  async look(): Promise<void> {
    let entries;
    try {
      entries = await this.book.journal(PER_LOOK);
    } catch (err) {
      this.log.debug({ err }, 'could not read the history journal this time');
      return;
    }
    const idle = entries.filter((entry) => !this.writer.isWriting(entry.id));
    const seenIdle = this.idle;
    this.idle = new Set();
    for (const entry of idle) {
      if (!seenIdle.has(entry.id)) this.idle.add(entry.id);
      else {
        this.log.info({ entry: entry.id, kind: entry.event.kind }, 'writing call history again from the journal');
        this.writer.replay(entry);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
