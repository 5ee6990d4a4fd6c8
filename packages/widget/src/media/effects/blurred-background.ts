/**
 * The blurred picture background-blur shows behind the person, kept at full size in the frame's own layout
 * and remade from the camera at most every REFRESH_MS. It is blurred tens of pixels wide, so it changes
 * slowly: remaking it on every other frame of a 30 fps camera halves its cost, and each frame in between
 * only copies it (see background-composite.ts).
 */
import { blendRow, blurSmall, taps, widen, type BlurScratch, type Dense, type Taps } from './box-blur.js';
import type { FramePixels, Plane } from './frame-pixels.js';

/** The least time, in frame-timestamp microseconds, between two remakes: 50 ms, every other frame at 30 fps. */
const REFRESH_US = 50_000;

/** Where a plane's samples fall on its coarse blur grid; computed once per frame size. */
interface Upscale {
  key: string;
  across: Taps;
  down: Taps;
}

export class BlurredBackground {
  /** The blurred planes, at the same offsets and strides as the frame buffer they were made from. */
  data = new Uint8Array(0);
  #madeAt = -Infinity;
  #layout = '';
  #upscales: Upscale[] = [];

  /** Remakes the blurred planes from `pixels` (frame `timestamp`, µs) when they are due or the layout changed. */
  update(pixels: FramePixels, timestamp: number, radius: number, scratch: BlurScratch): void {
    const layout = JSON.stringify([pixels.format, pixels.width, pixels.height, pixels.layout, radius]);
    const age = timestamp - this.#madeAt;
    if (layout === this.#layout && age >= 0 && age < REFRESH_US) return;
    this.#layout = layout;
    this.#madeAt = timestamp;
    if (this.data.length < pixels.data.length) this.data = new Uint8Array(pixels.data.length);
    pixels.planes.forEach((plane, i) => {
      // Sparse: a blur this wide smooths over the rows the shrink skips.
      const blurred = blurSmall(pixels.data, plane, radius / plane.subX, scratch, true);
      if (!blurred) return copyPlane(pixels.data, plane, this.data);
      upscale(blurred.small, this.#upscaleOf(i, plane, blurred.small, blurred.factor), this.data, plane, scratch);
    });
  }

  #upscaleOf(i: number, plane: Plane, small: Dense, factor: number): Upscale {
    const key = `${plane.width}x${plane.height}/${small.width}x${small.height}/${factor}`;
    const known = this.#upscales[i];
    if (known?.key === key) return known;
    const made = {
      key,
      across: taps(plane.width, factor, small.width),
      down: taps(plane.height, factor, small.height),
    };
    this.#upscales[i] = made;
    return made;
  }
}

/** A plane too small to blur, as it is. */
function copyPlane(data: Uint8Array, { offset, stride, step, width, height }: Plane, out: Uint8Array): void {
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) out[offset + y * stride + x * step] = data[offset + y * stride + x * step]!;
}

// The loops below take everything as parameters: V8 keeps parameters in registers, while variables a
// closure captures are reloaded from its context on every iteration.

/** Bilinear scale-up of `small` into `plane` of `out`: each grid row widened once, then rows blended. */
function upscale(small: Dense, { across, down }: Upscale, out: Uint8Array, plane: Plane, scratch: BlurScratch): void {
  const { offset, stride, step, width, height } = plane;
  const rows = scratch.take(2, width * 2);
  const lanes = width % 4 === 0 ? new Int32Array(rows.buffer, rows.byteOffset, (width * 2) >> 2) : null;
  const words = new Int32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  // A plane exactly four times as wide as its grid is widened a word (four samples) at a time.
  const fourfold = lanes !== null && small.width * 4 === width;
  let top = -1;
  for (let y = 0; y < height; y++) {
    const row = offset + y * stride;
    // Two plane rows share one blurred row: the blur is tens of rows wide, so neighbouring rows differ by
    // about a level at most, and copying the row above halves the work.
    if (y & 1 && step === 1) {
      out.copyWithin(row, row - stride, row - stride + width);
      continue;
    }
    const lo = down.lo[y]!;
    if (lo !== top) {
      // Moving down one grid row, the old bottom row is the new top: move it rather than widen it again.
      if (lo === top + 1 && top >= 0) rows.copyWithin(0, width, width * 2);
      else if (fourfold && lanes) widenFourfold(small.data, lo * small.width, small.width, lanes, 0);
      else widen(small.data, lo * small.width, across, rows, 0, width);
      const hi = down.hi[y]! * small.width;
      if (fourfold && lanes) widenFourfold(small.data, hi, small.width, lanes, width >> 2);
      else widen(small.data, hi, across, rows, width, width);
      top = lo;
    }
    blendRow(rows, lanes, width, down.w[y]!, out, row, step, words);
  }
}

/**
 * Row `row` of the grid scaled up fourfold into the words of `out` from word `into`: the bilinear taps of
 * `widen` for a factor of 4 are the same in every block (weights 1/8, 3/8, 5/8, 7/8 between neighbours),
 * so one word is made per grid sample instead of four bytes through the tap tables.
 */
function widenFourfold(src: Uint8Array, row: number, n: number, out: Int32Array, into: number): void {
  const last = row + n - 1;
  let previous = src[row]!;
  let current = previous;
  for (let i = 0; i < n; i++) {
    const at = row + i;
    const next = src[at < last ? at + 1 : last]!;
    const b0 = (previous * 96 + current * 160 + 128) >> 8;
    const b1 = (previous * 32 + current * 224 + 128) >> 8;
    const b2 = (current * 224 + next * 32 + 128) >> 8;
    const b3 = (current * 160 + next * 96 + 128) >> 8;
    out[into + i] = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    previous = current;
    current = next;
  }
}
