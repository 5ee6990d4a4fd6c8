/**
 * The figures of one peer connection's `getStats()` the widget uses. Fields differ between browsers and
 * appear only once media flows, so every one is read defensively and may be null.
 */

/** How media reaches the peer: straight (host candidates), through a NAT found by STUN, or via a TURN relay. */
export type MediaPath = 'direct' | 'stun' | 'relay' | 'unknown';

export interface LinkReport {
  /** When it was taken (`performance.now()`, ms). */
  at: number;
  /** Media bytes and packets, summed over audio and video. */
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsLostIn: number;
  /** Share of our packets the peer reports lost (RTCP receiver reports), 0–1, worst of audio and video. */
  remoteFractionLost: number | null;
  rttMs: number | null;
  availableOutgoingKbps: number | null;
  /** The bitrate the video encoder is given (what the bandwidth estimate and our cap allow), kbit/s. */
  videoTargetKbps: number | null;
  /** Of the video we receive. */
  frameRate: number | null;
  width: number | null;
  height: number | null;
  /** Level of the audio we receive from them, and of our own microphone as sent (0–1). */
  audioLevel: number | null;
  selfAudioLevel: number | null;
  path: MediaPath;
}

type Stat = Record<string, unknown> & { id: string; type: string };

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function readReport(report: RTCStatsReport, at = performance.now()): LinkReport {
  const stats = new Map<string, Stat>();
  report.forEach((stat: Stat) => stats.set(stat.id, stat));
  const out: LinkReport = {
    at,
    bytesIn: 0,
    bytesOut: 0,
    packetsIn: 0,
    packetsLostIn: 0,
    remoteFractionLost: null,
    rttMs: null,
    availableOutgoingKbps: null,
    videoTargetKbps: null,
    frameRate: null,
    width: null,
    height: null,
    audioLevel: null,
    selfAudioLevel: null,
    path: 'unknown',
  };
  let pair: Stat | undefined;
  for (const s of stats.values()) {
    if (s.type === 'inbound-rtp') {
      out.bytesIn += num(s.bytesReceived) ?? 0;
      out.packetsIn += num(s.packetsReceived) ?? 0;
      out.packetsLostIn += Math.max(0, num(s.packetsLost) ?? 0);
      if (s.kind === 'video') {
        out.frameRate = num(s.framesPerSecond);
        out.width = num(s.frameWidth);
        out.height = num(s.frameHeight);
      } else if (s.kind === 'audio') {
        out.audioLevel = num(s.audioLevel);
      }
    } else if (s.type === 'outbound-rtp') {
      out.bytesOut += num(s.bytesSent) ?? 0;
      const target = num(s.targetBitrate);
      if (s.kind === 'video' && target) out.videoTargetKbps = Math.round(target / 1000); // 0: nothing to send
    } else if (s.type === 'remote-inbound-rtp') {
      const lost = num(s.fractionLost);
      if (lost !== null) out.remoteFractionLost = Math.max(out.remoteFractionLost ?? 0, lost);
    } else if (s.type === 'media-source' && s.kind === 'audio') {
      out.selfAudioLevel = num(s.audioLevel);
    } else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      pair = stats.get(s.selectedCandidatePairId);
    }
  }
  // Without a transport entry (older browsers), the nominated pair that works is the one in use.
  pair ??= [...stats.values()].find(
    (s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded',
  );
  if (pair) {
    const rtt = num(pair.currentRoundTripTime);
    const available = num(pair.availableOutgoingBitrate);
    out.rttMs = rtt === null ? null : Math.round(rtt * 1000);
    out.availableOutgoingKbps = available === null ? null : Math.round(available / 1000);
    out.path = pathOf(stats.get(String(pair.localCandidateId)), stats.get(String(pair.remoteCandidateId)));
  }
  return out;
}

function pathOf(local: Stat | undefined, remote: Stat | undefined): MediaPath {
  const types = [local?.candidateType, remote?.candidateType];
  if (types.includes('relay')) return 'relay';
  if (types.includes('srflx') || types.includes('prflx')) return 'stun';
  return types.includes('host') ? 'direct' : 'unknown';
}
