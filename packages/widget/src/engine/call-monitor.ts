/**
 * Samples every connected link's statistics four times a second, for the active speaker; once a second it
 * also rates each link (the tile's network indicator), feeds `quality="auto"`, and, only while someone
 * watches (the stats panel is open), builds the stats panel's rows; and it tells the service how the
 * network fares (the worst settled link, and whether any goes through a relay) for the call summary.
 */
import { SpeakerDetector } from './active-speaker.js';
import {
  healthBetween,
  networkQuality,
  worseQuality,
  type LinkHealth,
  type NetworkQuality,
} from './network-quality.js';
import { NetworkReporter, type NetworkReportChannel } from './network-reporter.js';
import type { OutgoingMedia } from './outgoing-media.js';
import type { PeerMesh } from './peer-mesh.js';
import { peerStats, type PeerStats } from './peer-stats.js';
import { WARM_UP_MS } from './send-quality.js';
import { StallWatch } from './stall-watch.js';
import { readReport, type LinkReport } from './stats-report.js';
import { TypedEmitter } from './typed-emitter.js';

const SAMPLE_MS = 250;
const SAMPLES_PER_SECOND = 1000 / SAMPLE_MS;

type CallMonitorEvents = {
  /** The stats panel's rows, once a second while watched. */
  stats: [PeerStats[]];
  /** This participant started or stopped speaking. */
  'self-speaking': [boolean];
  /** A once-a-second round found every participant's link connected since the round before (or nobody there). */
  steady: [];
};

export class CallMonitor extends TypedEmitter<CallMonitorEvents> {
  selfSpeaking = false;
  /** How many once-a-second rounds (the links rated, and the panel's rows if watched) have run so far. */
  rounds = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private tick = 0;
  private sampling = false;
  private watched = false;
  private readonly speakers = new SpeakerDetector();
  private readonly stalls = new StallWatch();
  /** Per peer: the report of a second ago, and since when the link is connected. */
  private readonly history = new Map<string, { report?: LinkReport; connectedAt: number }>();
  private readonly network = new NetworkReporter();

  constructor(
    private readonly mesh: PeerMesh,
    private readonly outgoing: OutgoingMedia,
    private readonly microphoneOn: () => boolean,
  ) {
    super();
  }

  /** Starts sampling; network reports go to `service` (the call's signaling connection). */
  start(service: NetworkReportChannel | null = null): void {
    this.network.reportTo(service);
    this.timer ??= setInterval(() => void this.sample(), SAMPLE_MS);
  }

  stop(): void {
    // What was seen since the last report goes out before the call's end does.
    this.network.flush();
    this.network.reportTo(null);
    clearInterval(this.timer);
    this.timer = undefined;
    this.history.clear();
    this.setSelfSpeaking(false);
  }

  /** The stats panel opened (`true`) or closed: rows are only built while it is open. */
  watch(on: boolean): void {
    this.watched = on;
  }

  private async sample(): Promise<void> {
    if (this.sampling) return; // a slow getStats must not pile up
    this.sampling = true;
    try {
      const now = performance.now();
      const connected = this.mesh.entries.filter(({ participant }) => participant.connectionState === 'connected');
      const reports = await Promise.all(
        connected.map(async ({ participant, link }) => ({
          participant,
          link,
          report: readReport(await link.connection.getStats(), now),
        })),
      );
      this.stalls.keepOnly(new Set(reports.map((r) => r.participant.peerId)));
      for (const { participant, link, report } of reports) {
        const flow = this.stalls.sample(participant.peerId, report.bytesIn, now);
        if (flow === 'stalled') link.restartIce();
        else if (flow === 'flowing') link.mediaArrived();
        this.speakers.hear(participant.peerId, report.audioLevel, now);
        this.speakers.hear('self', report.selfAudioLevel, now);
      }
      const active = this.speakers.loudest(
        reports.map((r) => r.participant.peerId),
        now,
      );
      for (const { participant } of this.mesh.entries)
        this.mesh.update(participant.peerId, { speaking: participant.peerId === active });
      this.setSelfSpeaking(this.microphoneOn() && this.speakers.isSpeaking('self', now));
      if (this.tick++ % SAMPLES_PER_SECOND === 0) this.everySecond(reports, now);
    } catch {
      // a link closed while being sampled: the next sample goes without it
    } finally {
      this.sampling = false;
    }
  }

  private everySecond(
    reports: Array<{ participant: { peerId: string; displayName: string }; report: LinkReport }>,
    now: number,
  ): void {
    const settled: LinkHealth[] = [];
    const rows: PeerStats[] = [];
    let worst: NetworkQuality = 'unknown';
    let steady = reports.length === this.mesh.participants.length;
    for (const { participant, report } of reports) {
      const { peerId, displayName } = participant;
      steady &&= this.history.has(peerId);
      const past = this.history.get(peerId) ?? { connectedAt: now };
      const health = healthBetween(past.report, report);
      const quality = networkQuality(health);
      this.mesh.update(peerId, { quality });
      if (now - past.connectedAt >= WARM_UP_MS) {
        settled.push(health);
        worst = worseQuality(worst, quality);
      }
      if (this.watched) rows.push(peerStats(peerId, displayName, past.report, report));
      this.history.set(peerId, { report, connectedAt: past.connectedAt });
    }
    // A link that is down (or gone) is measured afresh, and warmed up again, once it is back.
    const measured = new Set(reports.map((r) => r.participant.peerId));
    for (const peerId of this.history.keys()) if (!measured.has(peerId)) this.history.delete(peerId);
    for (const { participant } of this.mesh.entries)
      if (!measured.has(participant.peerId)) this.mesh.update(participant.peerId, { quality: 'unknown' });
    this.outgoing.observe(worstOf(settled));
    if (worst !== 'unknown')
      this.network.observe({ quality: worst, relay: reports.some((r) => r.report.path === 'relay') });
    if (this.watched) this.emit('stats', this.withUnconnected(rows));
    this.rounds++;
    if (steady) this.emit('steady');
  }

  /** Participants without a connected link still get a row, with nothing measured. */
  private withUnconnected(rows: PeerStats[]): PeerStats[] {
    return this.mesh.participants.map(
      (p) =>
        rows.find((r) => r.peerId === p.peerId) ?? {
          peerId: p.peerId,
          displayName: p.displayName,
          bitrateInKbps: null,
          bitrateOutKbps: null,
          frameRate: null,
          width: null,
          height: null,
          roundTripMs: null,
          packetLossPercent: null,
          path: 'unknown',
        },
    );
  }

  private setSelfSpeaking(speaking: boolean): void {
    if (speaking === this.selfSpeaking) return;
    this.selfSpeaking = speaking;
    this.emit('self-speaking', speaking);
  }
}

/** One capture feeds every link, so the worst link decides: highest loss and round trip, least bandwidth. */
function worstOf(healths: LinkHealth[]): LinkHealth | null {
  if (healths.length === 0) return null;
  const most = (values: Array<number | null>) =>
    values.reduce<number | null>((a, b) => (b === null ? a : Math.max(a ?? b, b)), null);
  const least = (values: Array<number | null>) =>
    values.reduce<number | null>((a, b) => (b === null ? a : Math.min(a ?? b, b)), null);
  return {
    rttMs: most(healths.map((h) => h.rttMs)),
    lossPercent: most(healths.map((h) => h.lossPercent)),
    availableOutgoingKbps: least(healths.map((h) => h.availableOutgoingKbps)),
    videoTargetKbps: least(healths.map((h) => h.videoTargetKbps)),
  };
}
