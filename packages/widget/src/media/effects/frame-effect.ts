/** What the pipeline runs on each frame, and the effects that need no model. */
import { BlurScratch, blurPlane } from './box-blur.js';
import { applyColour, type ColourEffect } from './colour-effects.js';
import { readPixels, toFrame, type FramePixels } from './frame-pixels.js';

/** Turns one camera frame into one output frame. The pipeline closes the input; the output is the caller's. */
export interface FrameEffect {
  /** The processed frame, or `frame` itself when it cannot be processed (a pixel format not handled). */
  apply(frame: VideoFrame): Promise<VideoFrame>;
  /** Frees what the effect holds (buffers, a model); `apply` is not called again. */
  close(): void;
  /**
   * Hides something from the others (background-blur hides the room): a frame it cannot process is dropped,
   * never sent as it is.
   */
  readonly failClosed?: boolean;
}

/** Blur radius in frame pixels: a 160th of the width (8 px at 720p), so the look is the same at any size. */
export const blurRadius = (width: number, divisor = 160): number => Math.max(1, Math.round(width / divisor));

/** Blurs every plane of `pixels` in place; chroma planes by their own (subsampled) radius. */
export function blurPixels(pixels: FramePixels, radius: number, scratch: BlurScratch): void {
  for (const plane of pixels.planes) blurPlane(pixels.data, plane, radius / plane.subX, scratch);
}

/** `blur` and the colour effects: read the pixels, change them in place, wrap them as a new frame. */
export class PixelEffect implements FrameEffect {
  #buffer: Uint8Array | null = null;
  #scratch = new BlurScratch();

  constructor(readonly effect: ColourEffect | 'blur') {}

  async apply(frame: VideoFrame): Promise<VideoFrame> {
    const pixels = await readPixels(frame, this.#buffer);
    if (!pixels) return frame;
    this.#buffer = pixels.data;
    if (this.effect === 'blur') blurPixels(pixels, blurRadius(pixels.width), this.#scratch);
    else applyColour(this.effect, pixels);
    return toFrame(pixels, frame);
  }

  close(): void {
    this.#buffer = null;
  }
}
