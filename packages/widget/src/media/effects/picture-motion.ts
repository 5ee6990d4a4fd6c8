/**
 * How much the picture has changed since the frame the person mask was last made from, measured on a thumbnail
 * of its luma (64×36 cells, each the mean of four samples, so that a camera's noise does not count as motion).
 * The segmenter uses it to refresh the mask at its full rate while the picture moves, and only now and then
 * while it is still: a mask costs as much CPU as a dozen composited frames, and a still picture's mask does
 * not change.
 */
import type { FramePixels } from './frame-pixels.js';

const COLUMNS = 64;
const ROWS = 36;
/** A cell counts as changed when its mean luma moved by more than this many levels (of 255). */
const CHANGED_LEVELS = 12;

export class PictureMotion {
  /** The thumbnail of the frame the last mask was made from (null before the first). */
  #reference: Uint8Array | null = null;
  #current: Uint8Array = new Uint8Array(COLUMNS * ROWS);
  /** The byte each cell's four samples read, for the frame geometry `#key`. */
  #indices = new Int32Array(COLUMNS * ROWS * 4);
  #key = '';

  /**
   * The share of thumbnail cells (0–1) that changed in `pixels` since the frame `keep()` last kept; 1 before
   * any was kept.
   */
  changedSince(pixels: FramePixels): number {
    const current = this.#thumbnail(pixels, this.#current);
    const reference = this.#reference;
    if (!reference) return 1;
    let changed = 0;
    for (let i = 0; i < current.length; i++) {
      const d = current[i]! - reference[i]!;
      if (d > CHANGED_LEVELS || d < -CHANGED_LEVELS) changed++;
    }
    return changed / current.length;
  }

  /** Keeps the frame `changedSince` last measured as the one the next measures compare with. */
  keep(): void {
    const kept = this.#current;
    this.#current = this.#reference ?? new Uint8Array(COLUMNS * ROWS);
    this.#reference = kept;
  }

  #thumbnail(pixels: FramePixels, out: Uint8Array): Uint8Array {
    const { data } = pixels;
    const at = this.#sample(pixels);
    for (let i = 0, k = 0; i < out.length; i++, k += 4)
      out[i] = (data[at[k]!]! + data[at[k + 1]!]! + data[at[k + 2]!]! + data[at[k + 3]!]! + 2) >> 2;
    return out;
  }

  /** Four samples per cell, at a quarter and three quarters of its width and height, of the luma (or green). */
  #sample({ planes, model, width, height }: FramePixels): Int32Array {
    const plane = model === 'yuv' ? planes[0] : planes[1];
    const key = `${width}x${height}/${plane.offset}/${plane.stride}/${plane.step}`;
    if (key === this.#key) return this.#indices;
    this.#key = key;
    const { offset, stride, step } = plane;
    for (let y = 0, k = 0; y < ROWS; y++)
      for (let x = 0; x < COLUMNS; x++)
        for (const [fx, fy] of [
          [0.25, 0.25],
          [0.75, 0.25],
          [0.25, 0.75],
          [0.75, 0.75],
        ] as const) {
          const sx = Math.min(width - 1, Math.floor(((x + fx) * width) / COLUMNS));
          const sy = Math.min(height - 1, Math.floor(((y + fy) * height) / ROWS));
          this.#indices[k++] = offset + sy * stride + sx * step;
        }
    return this.#indices;
  }
}
