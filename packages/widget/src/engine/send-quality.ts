/**
 * What the `quality` attribute means: a capture size and a cap on the video bitrate per level, and the
 * policy `auto` follows to move between levels as the network changes.
 */
import { POOR, type LinkHealth } from './network-quality.js';

export type QualityLevel = 'low' | 'medium' | 'high';
export type QualitySetting = QualityLevel | 'auto';
export type QualityChangeReason = 'packet-loss' | 'round-trip-time' | 'bandwidth' | 'recovered' | 'attribute';

export interface QualityChange {
  from: QualityLevel;
  to: QualityLevel;
  reason: QualityChangeReason;
}

export const QUALITY_SETTINGS: readonly QualitySetting[] = ['low', 'medium', 'high', 'auto'];
const LEVELS: readonly QualityLevel[] = ['low', 'medium', 'high'];

export const QUALITY_PRESETS: Record<QualityLevel, { width: number; height: number; maxBitrate: number }> = {
  low: { width: 640, height: 480, maxBitrate: 500_000 },
  medium: { width: 1280, height: 720, maxBitrate: 1_500_000 },
  high: { width: 1920, height: 1080, maxBitrate: 3_000_000 },
};

/** `auto` starts here and never climbs above it: 1080p is only sent when asked for. */
export const AUTO_START: QualityLevel = 'medium';

/**
 * What one link may send of the video: a bitrate cap, and the largest picture (null: any size, for a shared
 * screen, whose text must stay readable). The size is enforced on the sender (`scaleResolutionDownBy`), so a
 * camera that gives more than asked (Firefox keeps the size it opened at) is still sent at the chosen level.
 */
export interface SendLimit {
  maxBitrate: number;
  width: number | null;
  height: number | null;
}

/** How much the sender scales `track` down to fit `limit` (1: as it is). */
export function scaleDownFor(track: MediaStreamTrack | null, limit: SendLimit): number {
  const { width = 0, height = 0 } = track?.getSettings() ?? {};
  if (!limit.width || !limit.height || !width || !height) return 1;
  // Either side may be the long one (a portrait camera): fit the picture into the box either way round.
  const [long, short] = [Math.max(width, height), Math.min(width, height)];
  return Math.max(1, long / Math.max(limit.width, limit.height), short / Math.min(limit.width, limit.height));
}

export function captureConstraints(level: QualityLevel): MediaTrackConstraints {
  const { width, height } = QUALITY_PRESETS[level];
  return { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } };
}

/** Seconds of bad samples in a row before stepping down, and of good ones before stepping back up. */
const BAD_SAMPLES_TO_STEP_DOWN = 3;
const GOOD_SAMPLES_TO_STEP_UP = 15;
/** A step back up that fails this soon doubles the wait before the next one (up to the longest). */
const FAILED_RECOVERY_SAMPLES = 30;
const LONGEST_WAIT_TO_STEP_UP = 240;
/** A link's first seconds are skipped: the bandwidth estimate starts low and ramps up. */
export const WARM_UP_MS = 5_000;
/**
 * Below this share of the level's cap, the bandwidth is too little for it: the estimated outgoing bandwidth,
 * or the encoder's target bitrate (which also follows congestion and any cap put on the sender).
 */
const BANDWIDTH_SHARE = 0.5;

/**
 * Decides, one sample a second (the worst link's health), whether `auto` should change level. A tiny policy
 * object: it holds only its counters, and the caller applies what it returns.
 */
export class AutoQualityPolicy {
  private bad = 0;
  private good = 0;
  private waitToStepUp = GOOD_SAMPLES_TO_STEP_UP;
  /** Samples since the last step back up (Infinity: none yet). */
  private sinceRecovery = Infinity;

  next(level: QualityLevel, health: LinkHealth | null): { to: QualityLevel; reason: QualityChangeReason } | null {
    this.sinceRecovery++;
    const problem = health ? this.problemOf(level, health) : null;
    if (!health || problem === null) {
      this.bad = 0;
      if (health) this.good++;
      const up = LEVELS[LEVELS.indexOf(level) + 1];
      if (this.good < this.waitToStepUp || !up || LEVELS.indexOf(up) > LEVELS.indexOf(AUTO_START)) return null;
      this.sinceRecovery = 0;
      return this.moved({ to: up, reason: 'recovered' });
    }
    this.good = 0;
    this.bad++;
    const down = LEVELS[LEVELS.indexOf(level) - 1];
    if (this.bad < BAD_SAMPLES_TO_STEP_DOWN || !down) return null;
    // Bouncing between two levels is worse than staying low: wait longer before the next try.
    this.waitToStepUp =
      this.sinceRecovery < FAILED_RECOVERY_SAMPLES
        ? Math.min(this.waitToStepUp * 2, LONGEST_WAIT_TO_STEP_UP)
        : GOOD_SAMPLES_TO_STEP_UP;
    return this.moved({ to: down, reason: problem });
  }

  /** Forgets the counters (a new setting, or a new call); the back-off is forgotten too. */
  reset(): void {
    this.moved(null);
    this.waitToStepUp = GOOD_SAMPLES_TO_STEP_UP;
    this.sinceRecovery = Infinity;
  }

  private moved<T>(change: T): T {
    this.bad = 0;
    this.good = 0;
    return change;
  }

  private problemOf(level: QualityLevel, health: LinkHealth): QualityChangeReason | null {
    if ((health.lossPercent ?? 0) > POOR.lossPercent) return 'packet-loss';
    // Bandwidth before round-trip time: a link too narrow for the level is the cause to name, and a
    // congested one usually shows a longer round trip too (queues fill), which is the symptom.
    const neededKbps = (QUALITY_PRESETS[level].maxBitrate / 1000) * BANDWIDTH_SHARE;
    const short = (kbps: number | null) => kbps !== null && kbps < neededKbps;
    if (level !== 'low' && (short(health.availableOutgoingKbps) || short(health.videoTargetKbps))) return 'bandwidth';
    if ((health.rttMs ?? 0) > POOR.rttMs) return 'round-trip-time';
    return null;
  }
}
