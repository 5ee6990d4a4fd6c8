/** One row of the stats panel: what explains a bad call with one participant, over the last second. */
import type { LinkReport, MediaPath } from './stats-report.js';

export interface PeerStats {
  peerId: string;
  displayName: string;
  bitrateInKbps: number | null;
  bitrateOutKbps: number | null;
  frameRate: number | null;
  width: number | null;
  height: number | null;
  roundTripMs: number | null;
  /** Inbound packets lost, percent over the last sample. */
  packetLossPercent: number | null;
  path: MediaPath;
}

export function peerStats(
  peerId: string,
  displayName: string,
  before: LinkReport | undefined,
  now: LinkReport,
): PeerStats {
  const elapsedMs = before ? now.at - before.at : 0;
  // bytes × 8 / ms = kilobits per second
  const rate = (bytes: number) => (elapsedMs > 0 ? Math.max(0, Math.round((bytes * 8) / elapsedMs)) : null);
  const received = before ? now.packetsIn - before.packetsIn : 0;
  const lost = before ? now.packetsLostIn - before.packetsLostIn : 0;
  return {
    peerId,
    displayName,
    bitrateInKbps: before ? rate(now.bytesIn - before.bytesIn) : null,
    bitrateOutKbps: before ? rate(now.bytesOut - before.bytesOut) : null,
    frameRate: now.frameRate === null ? null : Math.round(now.frameRate),
    width: now.width,
    height: now.height,
    roundTripMs: now.rttMs,
    packetLossPercent: received + lost > 0 ? Math.round((1000 * lost) / (received + lost)) / 10 : before ? 0 : null,
    path: now.path,
  };
}
