/**
 * `background-blur`: the person sharp, the rest blurred. The segmenter runs beside the video at its own pace
 * (tens of ms per mask on a CPU); every frame is composited at once with the latest mask, so the frame rate
 * does not fall to the model's. Reached only by `import()`: it pulls in the model loader.
 */
import { BackgroundComposite } from './background-composite.js';
import { BlurredBackground } from './blurred-background.js';
import { BlurScratch } from './box-blur.js';
import { EffectError } from './effect-error.js';
import { blurRadius, type FrameEffect } from './frame-effect.js';
import { readPixels, toFrame } from './frame-pixels.js';
import { PersonSegmenter } from './person-segmenter.js';

export class BackgroundBlur implements FrameEffect {
  readonly failClosed = true;
  #segmenter: PersonSegmenter;
  #buffer: Uint8Array | null = null;
  #scratch = new BlurScratch();
  #blurred = new BlurredBackground();
  #composite = new BackgroundComposite();

  private constructor(segmenter: PersonSegmenter) {
    this.#segmenter = segmenter;
  }

  /** Loads the model from `assetsBaseUrl`; rejects with an EffectError when it is missing or fails. */
  static async load(assetsBaseUrl: string | undefined): Promise<BackgroundBlur> {
    if (!assetsBaseUrl)
      throw new EffectError('background-blur needs the URL its segmentation model is served from (assetsBaseUrl).');
    return new BackgroundBlur(await PersonSegmenter.load(assetsBaseUrl));
  }

  async apply(frame: VideoFrame): Promise<VideoFrame> {
    const pixels = await readPixels(frame, this.#buffer);
    if (!pixels) throw new EffectError(`background-blur cannot read ${frame.format ?? 'these'} frames`); // dropped: see failClosed
    this.#buffer = pixels.data;
    // Before the composite changes the pixels: the segmenter reads them at once.
    this.#segmenter.submit(pixels);
    // Stronger than `blur`: the background should be unreadable, not just soft. Until the first mask
    // arrives everything stays blurred: better than showing the room for a moment.
    this.#blurred.update(pixels, frame.timestamp, blurRadius(pixels.width, 64), this.#scratch);
    this.#composite.apply(pixels, this.#segmenter.mask, this.#blurred.data);
    return toFrame(pixels, frame);
  }

  close(): void {
    this.#segmenter.close();
    this.#buffer = null;
  }
}
