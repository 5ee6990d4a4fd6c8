/**
 * How healthy the media path to one participant is, from two reports a second apart: what the per-tile
 * indicator shows and what `quality="auto"` acts on.
 */
import type { LinkReport } from './stats-report.js';

export type NetworkQuality = 'good' | 'fair' | 'poor' | 'unknown';

export interface LinkHealth {
  rttMs: number | null;
  /** Packets lost over the last interval, percent, worst of what we receive and what they report of ours. */
  lossPercent: number | null;
  availableOutgoingKbps: number | null;
  /** What the video encoder may send now, kbit/s (null when no video is sent). */
  videoTargetKbps: number | null;
}

/** Thresholds of "fair" and "poor" (the `auto` quality steps down at the "poor" ones). */
export const POOR = { lossPercent: 5, rttMs: 400, availableOutgoingKbps: 150 } as const;
const FAIR = { lossPercent: 2, rttMs: 200, availableOutgoingKbps: 400 } as const;

const RANK: Record<NetworkQuality, number> = { unknown: -1, good: 0, fair: 1, poor: 2 };

/** The worse of two ratings (`unknown` is no rating: any other is worse). */
export function worseQuality<Q extends NetworkQuality>(a: Q, b: Q): Q {
  return RANK[b] > RANK[a] ? b : a;
}

export function healthBetween(before: LinkReport | undefined, now: LinkReport): LinkHealth {
  const received = before ? now.packetsIn - before.packetsIn : 0;
  const lost = before ? now.packetsLostIn - before.packetsLostIn : 0;
  const inbound = received + lost > 0 ? (100 * lost) / (received + lost) : null;
  const outbound = now.remoteFractionLost === null ? null : 100 * now.remoteFractionLost;
  const lossPercent = inbound === null && outbound === null ? null : Math.max(inbound ?? 0, outbound ?? 0);
  return {
    rttMs: now.rttMs,
    lossPercent,
    availableOutgoingKbps: now.availableOutgoingKbps,
    videoTargetKbps: now.videoTargetKbps,
  };
}

export function networkQuality(health: LinkHealth): NetworkQuality {
  const { rttMs, lossPercent, availableOutgoingKbps: available } = health;
  if (rttMs === null && lossPercent === null) return 'unknown';
  const over = (limits: { lossPercent: number; rttMs: number; availableOutgoingKbps: number }) =>
    (lossPercent ?? 0) > limits.lossPercent ||
    (rttMs ?? 0) > limits.rttMs ||
    (available !== null && available < limits.availableOutgoingKbps);
  if (over(POOR)) return 'poor';
  return over(FAIR) ? 'fair' : 'good';
}
