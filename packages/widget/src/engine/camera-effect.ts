/**
 * The `effects` setting on the local camera, and the effect running on it. The effect itself (a worker fed the
 * camera's frames, media/effects/video-effects.ts) is a lazy chunk, loaded the first time an effect other than
 * `none` is asked for; with `none` nothing runs and the camera track is sent as it is. Changes apply one after
 * another, in one queue, so quick changes (the attribute set twice) end in the last one's state.
 */
import type { EffectName } from '../media/effects/effect-name.js';
import type { VideoEffects } from '../media/effects/video-effects.js';

export class CameraEffect {
  /** As set (the `effects` attribute); kept across calls, applied to every camera opened. */
  effect: EffectName = 'none';
  /** The processed camera while an effect runs (null otherwise), and a stream holding it for the self-view. */
  track: MediaStreamTrack | null = null;
  stream: MediaStream | null = null;
  /** The running effect, and the camera track it reads. */
  private running: VideoEffects | null = null;
  private source: MediaStreamTrack | null = null;
  /** The camera and effect that last failed to start: not tried again on that camera (reported once). */
  private refused: { camera: MediaStreamTrack; effect: EffectName } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Counts stops: an effect that finishes loading after a stop must not run. */
  private stops = 0;

  /** `assetsBaseUrl`: where background-blur's model files are served (the service's `/models/…/`). */
  constructor(private readonly assetsBaseUrl: string) {}

  /** Whether `camera` is not what the wanted effect runs on (a new camera, or the effect is not running). */
  stale(camera: MediaStreamTrack | null): boolean {
    const refused = this.refused?.camera === camera && this.refused.effect === this.effect;
    return this.effect !== 'none' && camera !== null && camera !== this.source && !refused;
  }

  /**
   * Applies `effect` (the current one by default) to `camera`; resolves with whether the track to send
   * changed (the effect started, stopped, or moved to another camera; switching between two effects keeps the
   * same track). Rejects with an EffectError, keeping what ran before, when the effect cannot run here.
   */
  apply(camera: MediaStreamTrack | null, effect = this.effect): Promise<boolean> {
    this.effect = effect;
    const result = this.queue.then(() => this.run(camera, effect));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Stops the processing (the call ended), including an effect still loading for an earlier change; the setting
   * stays for the next camera. The camera track is the media manager's and keeps running.
   */
  stop(): void {
    this.stops++;
    this.running?.stop();
    this.running = null;
    this.use(null, null);
  }

  private async run(camera: MediaStreamTrack | null, effect: EffectName): Promise<boolean> {
    const before = this.track;
    if (effect === 'none' || !camera) {
      this.stop();
      return this.track !== before;
    }
    const refuse = (error: unknown) => {
      this.refused = { camera, effect };
      throw error;
    };
    const running = this.running;
    if (running && !running.stopped && this.source === camera) {
      await running.setEffect(effect).catch(refuse);
      this.use(running.track, camera);
      return this.track !== before;
    }
    const stops = this.stops;
    const { VideoEffects } = await import('../media/effects/video-effects.js');
    const started = await VideoEffects.start(camera, effect, { assetsBaseUrl: this.assetsBaseUrl }).catch(refuse);
    if (stops !== this.stops) {
      // stop() was called while the effect loaded: nothing may keep running.
      started.stop();
      this.use(null, camera);
    } else {
      this.running?.stop();
      this.running = started;
      this.use(started.track, camera);
    }
    return this.track !== before;
  }

  private use(track: MediaStreamTrack | null, source: MediaStreamTrack | null): void {
    if (track !== this.track) this.stream = track ? new MediaStream([track]) : null;
    this.track = track;
    this.source = source;
  }
}
