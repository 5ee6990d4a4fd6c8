/**
 * The `effects` setting on the camera. The effect pipeline is a lazy chunk, loaded the first time an effect
 * other than `none` is asked for; with `none` nothing runs and the camera track is sent as it is.
 */
import type { EffectName } from '../media/effects/effect-name.js';
import type { CameraEffects } from '../media/effects/camera-effects.js';

export class CameraEffect {
  /** As set (the `effects` attribute); kept across calls, applied to every camera opened. */
  effect: EffectName = 'none';
  /** The processed camera while an effect runs (null otherwise), and a stream holding it for the self-view. */
  track: MediaStreamTrack | null = null;
  stream: MediaStream | null = null;
  /** The camera track the running effect reads. */
  private source: MediaStreamTrack | null = null;
  private pipeline: CameraEffects | null = null;
  /** The camera and effect that last failed to start: not tried again on that camera (reported once). */
  private refused: { camera: MediaStreamTrack; effect: EffectName } | null = null;
  /** Changes apply one after another, so quick changes end in the last one's state. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `assetsBaseUrl`: where background-blur's model files are served (the service's `/models/…/`). */
  constructor(private readonly assetsBaseUrl: string) {}

  /** Whether `camera` is not what the wanted effect runs on (a new camera, or the effect is not running). */
  stale(camera: MediaStreamTrack | null): boolean {
    const refused = this.refused?.camera === camera && this.refused.effect === this.effect;
    return this.effect !== 'none' && camera !== null && camera !== this.source && !refused;
  }

  /**
   * Applies `effect` (the current one by default) to `camera`; resolves with whether the track to send
   * changed. Rejects (keeping what ran before) when the effect cannot run here.
   */
  apply(camera: MediaStreamTrack | null, effect = this.effect): Promise<boolean> {
    this.effect = effect;
    const result = this.queue.then(() => this.run(camera, effect));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the processing (the call ended); the setting stays for the next camera. */
  stop(): void {
    this.pipeline?.stop();
    this.use(null, null);
  }

  private async run(camera: MediaStreamTrack | null, effect: EffectName): Promise<boolean> {
    const before = this.track;
    if (effect === 'none' || !camera) {
      this.stop();
    } else {
      if (!this.pipeline) {
        const { CameraEffects } = await import('../media/effects/camera-effects.js');
        this.pipeline ??= new CameraEffects({ assetsBaseUrl: this.assetsBaseUrl });
      }
      const out = await this.pipeline.apply(camera, effect).catch((error: unknown) => {
        this.refused = { camera, effect };
        throw error;
      });
      this.use(out === camera ? null : out, camera);
    }
    return this.track !== before;
  }

  private use(track: MediaStreamTrack | null, source: MediaStreamTrack | null): void {
    if (track !== this.track) this.stream = track ? new MediaStream([track]) : null;
    this.track = track;
    this.source = source;
  }
}
