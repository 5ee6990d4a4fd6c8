/**
 * A video effect running on a camera track, as the page sees it: camera track → effects worker → one output
 * track. The engine's CameraEffect (engine/camera-effect.ts) starts, switches and stops it, one change at a
 * time. The page only hands the camera's frame stream and the output's sink to a dedicated worker (transferred
 * streams); reading
 * frames, the effect, segmentation and writing all happen there, so the host page's main thread does no
 * per-frame work. Switching the effect swaps it inside the worker; the output track stays the same object,
 * so senders keep it.
 */
import { EffectError } from './effect-error.js';
import type { ProcessedEffect } from './effect-name.js';
import type { FromWorker } from './effects-messages.js';
import { insertableStreams, type TrackGenerator } from './insertable-streams.js';
import { startEffectsWorker, type EffectsWorker } from './worker-bootstrap.js';

export interface VideoEffectsOptions {
  /**
   * Directory URL the segmentation model is served from (background-blur only), e.g.
   * `${server}/models/selfie-segmentation/`. Without it, background-blur fails with an EffectError.
   */
  assetsBaseUrl?: string;
  /** Called with the milliseconds each frame took to process (for benchmarks and diagnostics). */
  onFrameProcessed?: (ms: number) => void;
}

const UNSUPPORTED = 'Video effects need MediaStreamTrackProcessor (Chromium-based browsers).';

export class VideoEffects {
  /** The processed video: put it in senders and the self-view once; it lives until `stop()` or the source ends. */
  readonly track: MediaStreamTrack;
  #effect: ProcessedEffect;
  #worker: EffectsWorker;
  #stopped = false;
  /** Answers awaited from the worker, by request id (0 is the start). */
  #waiting = new Map<number, { resolve: (urls: string[]) => void; reject: (error: EffectError) => void }>();
  #nextId = 1;

  private constructor(
    track: TrackGenerator,
    worker: EffectsWorker,
    effect: ProcessedEffect,
    options: VideoEffectsOptions,
  ) {
    this.track = track;
    this.#worker = worker;
    this.#effect = effect;
    worker.onmessage = (message) => this.#receive(message, options);
  }

  /** Starts processing `source` with `effect`; rejects (EffectError) if the effect cannot run here. */
  static async start(
    source: MediaStreamTrack,
    effect: ProcessedEffect,
    options: VideoEffectsOptions = {},
  ): Promise<VideoEffects> {
    const streams = insertableStreams();
    if (!streams || typeof Worker !== 'function') throw new EffectError(UNSUPPORTED);
    const worker = startEffectsWorker();
    const generator: TrackGenerator = new streams.Generator({ kind: 'video' });
    // A small queue: when processing falls behind, the processor drops old frames instead of adding delay.
    const { readable } = new streams.Processor({ track: source, maxBufferSize: 2 });
    const pipeline = new VideoEffects(generator, worker, effect, options);
    // The worker has no document to resolve a relative URL against.
    const assetsBaseUrl =
      options.assetsBaseUrl === undefined ? undefined : new URL(options.assetsBaseUrl, document.baseURI).href;
    const started = pipeline.#ask(0);
    pipeline.#worker.post(
      {
        type: 'start',
        frames: readable,
        output: generator.writable,
        effect,
        assetsBaseUrl,
        reportFrames: Boolean(options.onFrameProcessed),
      },
      [readable, generator.writable],
    );
    try {
      await started;
    } catch (error) {
      pipeline.stop();
      throw error;
    }
    return pipeline;
  }

  /** The effect now applied to new frames. */
  get effect(): ProcessedEffect {
    return this.#effect;
  }

  /** Whether the pipeline has ended (stopped, or its source ended). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Switches live: resolves once new frames get `effect`; rejects and keeps the old one if it cannot load. One
   * switch at a time: the engine's CameraEffect queues them (its queue is the only one).
   */
  async setEffect(effect: ProcessedEffect): Promise<void> {
    if (effect === this.#effect || this.#stopped) return;
    const id = this.#nextId++;
    const answered = this.#ask(id);
    this.#worker.post({ type: 'effect', id, effect });
    await answered;
    if (!this.#stopped) this.#effect = effect;
  }

  /** The URLs the worker has fetched (its model files): the page's own resource timing does not list them. */
  async fetched(): Promise<string[]> {
    const id = this.#nextId++;
    const answered = this.#ask(id);
    this.#worker.post({ type: 'fetched', id });
    return answered;
  }

  /** Ends the output track and the worker (frames, buffers and model with it). Does not stop the source track. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#worker.post({ type: 'stop' });
    this.#worker.terminate();
    this.track.stop();
    // Whoever waits sees `stopped` (a switch after stop() does nothing, as before).
    for (const { resolve } of this.#waiting.values()) resolve([]);
    this.#waiting.clear();
  }

  #ask(id: number): Promise<string[]> {
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }

  #receive(message: FromWorker, options: VideoEffectsOptions): void {
    if (message.type === 'frame') return options.onFrameProcessed?.(message.ms);
    if (message.type === 'ended') return this.stop();
    if (message.type === 'failed') {
      const waiting = [...this.#waiting.values()];
      this.#waiting.clear();
      for (const { reject } of waiting) reject(new EffectError(message.error));
      return this.stop();
    }
    const waiting = this.#waiting.get(message.id);
    this.#waiting.delete(message.id);
    if (message.error === undefined) waiting?.resolve(message.urls ?? []);
    else waiting?.reject(new EffectError(message.error));
  }
}
