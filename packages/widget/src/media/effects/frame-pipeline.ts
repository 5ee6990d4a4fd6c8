/**
 * The per-frame loop, run inside the effects worker: camera frames in, the current effect, frames out.
 * Switching the effect swaps the per-frame function between two frames; the streams stay the same, so the
 * output track the page holds never changes.
 */
import type { ProcessedEffect } from './effect-name.js';
import { PixelEffect, type FrameEffect } from './frame-effect.js';

/** Prepares an effect before it is swapped in, so a failure (model missing) leaves the old effect running. */
export async function prepareEffect(effect: ProcessedEffect, assetsBaseUrl: string | undefined): Promise<FrameEffect> {
  if (effect !== 'background-blur') return new PixelEffect(effect);
  const { BackgroundBlur } = await import('./background-blur.js');
  return BackgroundBlur.load(assetsBaseUrl);
}

export class FramePipeline {
  #current: FrameEffect;
  #abort = new AbortController();
  #stopped = false;

  /**
   * Pipes `frames` through `first` (and later effects) into `output`. `onFrame` gets the milliseconds each
   * frame took; `onEnd` is called once when the loop ends (stopped, or the camera ended).
   */
  constructor(
    frames: ReadableStream<VideoFrame>,
    output: WritableStream<VideoFrame>,
    first: FrameEffect,
    private readonly onFrame: ((ms: number) => void) | null,
    onEnd: () => void,
  ) {
    this.#current = first;
    const transform = new TransformStream<VideoFrame, VideoFrame>({
      transform: (frame, controller) => this.#process(frame, controller),
    });
    frames
      .pipeThrough(transform, { signal: this.#abort.signal })
      .pipeTo(output, { signal: this.#abort.signal })
      .catch(() => undefined) // aborted by stop(), or the source failed: either way, clean up
      .finally(() => {
        this.stop();
        onEnd();
      });
  }

  /** Swaps in a prepared effect; the one it replaces is closed. */
  use(next: FrameEffect): void {
    if (this.#stopped) return next.close();
    const previous = this.#current;
    this.#current = next;
    // Safe mid-frame: effects hold no state a running apply() still needs after close() (buffers are dropped
    // by reference, the segmenter ignores late results).
    previous.close();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
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
    this.onFrame?.(performance.now() - started);
    controller.enqueue(out);
  }
}
