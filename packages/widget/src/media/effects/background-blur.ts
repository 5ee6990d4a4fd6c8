/**
 * `background-blur`: the person sharp, the rest blurred. The segmenter runs beside the video at its own pace
 * (tens of ms per mask on a CPU); every frame is composited at once with the latest mask, so the frame rate
 * does not fall to the model's. Reached only by `import()`: it pulls in the model loader.
 */
import { BlurScratch } from './box-blur.js';
import { EffectError } from './effect-error.js';
import { blurPixels, blurRadius, type FrameEffect } from './frame-effect.js';
import { readPixels, toFrame, type Plane } from './frame-pixels.js';
import { PersonSegmenter, type PersonMask } from './person-segmenter.js';

export class BackgroundBlur implements FrameEffect {
  readonly failClosed = true;
  #segmenter: PersonSegmenter;
  #buffer: Uint8Array | null = null;
  #sharp = new Uint8Array(0);
  #scratch = new BlurScratch();
  /** The latest mask scaled to the frame, 0–255 per frame pixel, and which mask version it holds. */
  #frameMask = new Uint8Array(0);
  #maskVersion = -1;

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
    this.#segmenter.submit(frame);
    const pixels = await readPixels(frame, this.#buffer);
    if (!pixels) throw new EffectError(`background-blur cannot read ${frame.format ?? 'these'} frames`); // dropped: see failClosed
    this.#buffer = pixels.data;
    const { data, width, height } = pixels;
    if (this.#sharp.length < data.length) this.#sharp = new Uint8Array(data.length);
    this.#sharp.set(data);
    // Stronger than `blur`: the background should be unreadable, not just soft.
    blurPixels(pixels, blurRadius(width, 64), this.#scratch);
    const mask = this.#segmenter.mask;
    // Until the first mask arrives everything stays blurred: better than showing the room for a moment.
    if (mask) blend(data, this.#sharp, this.#scaledMask(mask, width, height), pixels.planes, width);
    return toFrame(pixels, frame);
  }

  close(): void {
    this.#segmenter.close();
    this.#buffer = null;
  }

  /** `mask` bilinearly scaled to width × height, recomputed only when a new mask has arrived. */
  #scaledMask(mask: PersonMask, width: number, height: number): Uint8Array {
    if (this.#maskVersion === mask.version && this.#frameMask.length === width * height) return this.#frameMask;
    if (this.#frameMask.length !== width * height) this.#frameMask = new Uint8Array(width * height);
    const out = this.#frameMask;
    const { data: src, width: mw, height: mh } = mask;
    const xs = new Float32Array(width);
    for (let x = 0; x < width; x++) xs[x] = Math.max(0, Math.min(mw - 1, ((x + 0.5) * mw) / width - 0.5));
    for (let y = 0; y < height; y++) {
      const fy = Math.max(0, Math.min(mh - 1, ((y + 0.5) * mh) / height - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(mh - 1, y0 + 1);
      const wy = fy - y0;
      const r0 = y0 * mw;
      const r1 = y1 * mw;
      for (let x = 0; x < width; x++) {
        const fx = xs[x]!;
        const x0 = Math.floor(fx);
        const x1 = Math.min(mw - 1, x0 + 1);
        const wx = fx - x0;
        const top = src[r0 + x0]! + (src[r0 + x1]! - src[r0 + x0]!) * wx;
        const bottom = src[r1 + x0]! + (src[r1 + x1]! - src[r1 + x0]!) * wx;
        out[y * width + x] = top + (bottom - top) * wy;
      }
    }
    this.#maskVersion = mask.version;
    return out;
  }
}

/**
 * Puts the sharp picture back where the mask says person: out = (m·sharp + (255 − m)·blurred) / 255, per
 * sample, with m read at the sample's position in the frame (chroma samples sit on every subX-th pixel).
 */
function blend(
  data: Uint8Array,
  sharp: Uint8Array,
  weights: Uint8Array,
  planes: readonly Plane[],
  width: number,
): void {
  for (const { offset, stride, step, subX, subY, width: pw, height: ph } of planes) {
    for (let y = 0; y < ph; y++) {
      const row = offset + y * stride;
      const maskRow = y * subY * width;
      for (let x = 0; x < pw; x++) {
        const m = weights[maskRow + x * subX]!;
        if (m === 0) continue; // background: already blurred (most of the frame, so worth the branch)
        const i = row + x * step;
        // Division by 255, rounded, in integers: (t + (t >> 8)) >> 8 equals round(t / 255) for these t.
        const t = m * sharp[i]! + (255 - m) * data[i]! + 128;
        data[i] = (t + (t >> 8)) >> 8;
      }
    }
  }
}
