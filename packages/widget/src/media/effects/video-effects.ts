/**
 * The effect pipeline: camera track → frames → current effect → one output track. Switching the effect swaps
 * the per-frame function between two frames; the output track stays the same object, so senders keep it.
 */
import { EffectError } from './effect-error.js';
import type { ProcessedEffect } from './effect-name.js';
import { PixelEffect, type FrameEffect } from './frame-effect.js';
import { insertableStreams, type TrackGenerator } from './insertable-streams.js';

export interface VideoEffectsOptions {
  /**
   * Directory URL the segmentation model is served from (background-blur only), e.g.
   * `${server}/models/selfie-segmentation/`. Without it, background-blur fails with an EffectError.
   */
  assetsBaseUrl?: string;
  /** Called with the milliseconds each frame took to process (for benchmarks and diagnostics). */
  onFrameProcessed?: (ms: number) => void;
}

/** Prepares an effect before it is swapped in, so a failure (model missing) leaves the old effect running. */
async function prepare(effect: ProcessedEffect, options: VideoEffectsOptions): Promise<FrameEffect> {
  if (effect !== 'background-blur') return new PixelEffect(effect);
  const { BackgroundBlur } = await import('./background-blur.js');
  return BackgroundBlur.load(options.assetsBaseUrl);
}

export class VideoEffects {
  /** The processed video: put it in senders and the self-view once; it lives until `stop()` or the source ends. */
  readonly track: MediaStreamTrack;
  #effect: ProcessedEffect;
  #current: FrameEffect;
  #abort = new AbortController();
  #options: VideoEffectsOptions;
  #stopped = false;
  /** Latest `setEffect` call: an earlier one that finishes loading later must not win. */
  #request = 0;

  private constructor(source: MediaStreamTrack, effect: ProcessedEffect, first: FrameEffect, options: VideoEffectsOptions) {
    const streams = insertableStreams();
    if (!streams) throw new EffectError('Video effects need MediaStreamTrackProcessor (Chromium-based browsers).');
    this.#effect = effect;
    this.#current = first;
    this.#options = options;
    const generator: TrackGenerator = new streams.Generator({ kind: 'video' });
    this.track = generator;
    // A small queue: when processing falls behind, the processor drops old frames instead of adding delay.
    const { readable } = new streams.Processor({ track: source, maxBufferSize: 2 });
    const transform = new TransformStream<VideoFrame, VideoFrame>({ transform: (frame, controller) => this.#process(frame, controller) });
    readable
      .pipeThrough(transform, { signal: this.#abort.signal })
      .pipeTo(generator.writable, { signal: this.#abort.signal })
      .catch(() => undefined) // aborted by stop(), or the source failed: either way, clean up
      .finally(() => this.stop()); // also when the source track ends
  }

  /** Starts processing `source` with `effect`; rejects (EffectError) if the effect cannot run here. */
  static async start(source: MediaStreamTrack, effect: ProcessedEffect, options: VideoEffectsOptions = {}): Promise<VideoEffects> {
    if (!insertableStreams()) throw new EffectError('Video effects need MediaStreamTrackProcessor (Chromium-based browsers).');
    const first = await prepare(effect, options);
    try {
      return new VideoEffects(source, effect, first, options);
    } catch (error) {
      first.close();
      throw error;
    }
  }

  /** The effect now applied to new frames. */
  get effect(): ProcessedEffect {
    return this.#effect;
  }

  /** Whether the pipeline has ended (stopped, or its source ended). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Switches live: resolves once new frames get `effect`; rejects and keeps the old one if it cannot load. */
  async setEffect(effect: ProcessedEffect): Promise<void> {
    const request = ++this.#request;
    if (effect === this.#effect || this.#stopped) return;
    const next = await prepare(effect, this.#options);
    if (this.#stopped || request !== this.#request) return next.close();
    const previous = this.#current;
    this.#current = next;
    this.#effect = effect;
    // Safe mid-frame: effects hold no state a running apply() still needs after close() (buffers are dropped
    // by reference, the segmenter ignores late results).
    previous.close();
  }

  /** Ends the output track and releases the frames, buffers and model. Does not stop the source track. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    this.track.stop();
    this.#current.close();
  }

  async #process(frame: VideoFrame, controller: TransformStreamDefaultController<VideoFrame>): Promise<void> {
    if (this.#stopped) return frame.close();
    const started = performance.now();
    let out = frame;
    const effect = this.#current;
    try {
      out = await effect.apply(frame);
    } catch {
      // A frame that could not be processed goes out as it is rather than ending the video, unless the
      // effect hides something: then it does not go out at all.
      if (effect.failClosed) return frame.close();
    }
    if (out !== frame) frame.close();
    if (this.#stopped) return out.close();
    this.#options.onFrameProcessed?.(performance.now() - started);
    controller.enqueue(out);
  }
}
