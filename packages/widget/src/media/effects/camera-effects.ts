/**
 * The local camera's effect as the element sees it: one call per change of effect or camera, answering
 * which track to show and send. `none` runs no pipeline at all: the camera track itself is the answer.
 */
import type { EffectName } from './effect-name.js';
import { VideoEffects, type VideoEffectsOptions } from './video-effects.js';

export class CameraEffects {
  #pipeline: VideoEffects | null = null;
  #source: MediaStreamTrack | null = null;
  #options: VideoEffectsOptions;
  /** Calls run one after another, so quick changes (the attribute set twice) end in the last one's state. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Counts stop() calls: a call made before a stop() must not start a pipeline after it. */
  #epoch = 0;

  constructor(options: VideoEffectsOptions = {}) {
    this.#options = options;
  }

  /**
   * Applies `effect` to `camera` and resolves with the track to send and show: `camera` itself for `none`,
   * else the pipeline's output. Senders need `replaceTrack` only when that track changes (the pipeline starts,
   * stops, or the camera changes); switching between two effects keeps the same track. Rejects with an
   * EffectError (and leaves the previous state) if the effect cannot run.
   */
  apply(camera: MediaStreamTrack, effect: EffectName): Promise<MediaStreamTrack> {
    const epoch = this.#epoch;
    const result = this.#queue.then(() => this.#apply(camera, epoch === this.#epoch ? effect : 'none'));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #apply(camera: MediaStreamTrack, effect: EffectName): Promise<MediaStreamTrack> {
    if (effect === 'none') {
      this.#end();
      return camera;
    }
    const pipeline = this.#pipeline;
    if (pipeline && !pipeline.stopped && this.#source === camera) {
      await pipeline.setEffect(effect);
      return pipeline.track;
    }
    const epoch = this.#epoch;
    const started = await VideoEffects.start(camera, effect, this.#options);
    if (epoch !== this.#epoch) {
      // stop() was called while the effect loaded: nothing may keep running.
      started.stop();
      return camera;
    }
    this.#end();
    this.#pipeline = started;
    this.#source = camera;
    return started.track;
  }

  /** The running pipeline's output track, or null when none runs. */
  get track(): MediaStreamTrack | null {
    return this.#pipeline && !this.#pipeline.stopped ? this.#pipeline.track : null;
  }

  /**
   * Stops the pipeline, if any, including one still loading for an earlier apply() (which then resolves with
   * the camera track). The camera track is the caller's and keeps running.
   */
  stop(): void {
    this.#epoch++;
    this.#end();
  }

  #end(): void {
    this.#pipeline?.stop();
    this.#pipeline = null;
    this.#source = null;
  }
}
