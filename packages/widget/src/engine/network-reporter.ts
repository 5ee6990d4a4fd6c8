/**
 * Tells the service how this participant's network fares, for the call summary partners get: the worst of
 * its settled links' qualities and whether any link goes through a TURN relay (`call:quality`). Sent when
 * it changes, at most once per interval; what happens in between is kept (the worst of it, and any relay)
 * and sent when the interval is over, or when the call ends.
 */
import type { CallQualityRequest } from '@vcw/shared';
import { worseQuality } from './network-quality.js';

export type NetworkReport = CallQualityRequest;

/** Where reports go: the signaling connection of the call. */
export interface NetworkReportChannel {
  sendCallQuality(report: NetworkReport): Promise<void>;
}

export const REPORT_INTERVAL_MS = 5_000;

export class NetworkReporter {
  private channel: NetworkReportChannel | null = null;
  private sent: NetworkReport | null = null;
  private sentAt = -Infinity;
  /** What was seen since the last report. */
  private pending: NetworkReport | null = null;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = REPORT_INTERVAL_MS,
  ) {}

  /** Reports go to `channel` from now on (null: the call is over); starts afresh. */
  reportTo(channel: NetworkReportChannel | null): void {
    this.channel = channel;
    [this.sent, this.sentAt, this.pending] = [null, -Infinity, null];
  }

  /** This second's rating; sent now if it changes what the service knows and the interval allows. */
  observe(report: NetworkReport): void {
    if (!this.channel) return;
    this.pending = this.pending ? worseOf(this.pending, report) : report;
    if (this.now() - this.sentAt >= this.intervalMs) this.flush();
  }

  /** Sends what was seen since the last report, if anything new (before leaving, whatever the interval). */
  flush(): void {
    const report = this.pending;
    this.pending = null;
    if (
      !this.channel ||
      !report ||
      (this.sent && this.sent.quality === report.quality && this.sent.relay === report.relay)
    )
      return;
    [this.sent, this.sentAt] = [report, this.now()];
    // A lost report only makes the summary less precise; it is never worth an error.
    this.channel.sendCallQuality(report).catch(() => undefined);
  }
}

function worseOf(a: NetworkReport, b: NetworkReport): NetworkReport {
  return { quality: worseQuality(a.quality, b.quality), relay: a.relay || b.relay };
}
