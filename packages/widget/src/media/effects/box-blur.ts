/**
 * Blur of one plane: shrunk by an integer factor (block averages), blurred there by repeated box filters
 * (twice across and down approximates a Gaussian; running sums make the cost independent of the radius),
 * then scaled back up bilinearly. A blur of radius r has no detail finer than r, so computing it on a grid
 * r/4 apart loses nothing visible and does a fraction of the work.
 */
import type { Plane } from './frame-pixels.js';

/** Dense scratch buffers for `blurPlane`, reused across frames. */
export class BlurScratch {
  #buffers: Uint8Array[] = [];
  /** Dense buffer number `i`, of at least `size` bytes. */
  take(i: number, size: number): Uint8Array {
    const buffer = this.#buffers[i];
    if (buffer && buffer.length >= size) return buffer;
    const grown = new Uint8Array(size);
    this.#buffers[i] = grown;
    return grown;
  }
}

/** A dense single-channel image. */
export interface Dense {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Blurs `plane` of `data` in place with (approximately) a Gaussian of about `radius` samples. */
export function blurPlane(data: Uint8Array, plane: Plane, radius: number, scratch: BlurScratch): void {
  const blurred = blurSmall(data, plane, radius, scratch);
  if (!blurred) return;
  const { small, factor } = blurred;
  const scaling = { across: taps(plane.width, factor, small.width), down: taps(plane.height, factor, small.height) };
  enlarge(small, scaling, data, plane, scratch.take(2, plane.width * 2));
}

/**
 * `plane` shrunk by an integer factor and blurred there: the picture a blur of `radius` samples gives, on a
 * grid `factor` samples apart (in scratch buffer 0, so valid until the next call). Null for a plane too small
 * to blur. `sparse`: see `shrink`.
 */
export function blurSmall(
  data: Uint8Array,
  plane: Plane,
  radius: number,
  scratch: BlurScratch,
  sparse = false,
): { small: Dense; factor: number } | null {
  // Quarter size from a radius of 4 on, an eighth from 16 on (a radius of at least two small samples
  // remains); blocks of 4 or 8 also have the fastest shrink (32-bit loads).
  const factor = radius >= 16 ? 8 : radius >= 4 ? 4 : radius >= 2 ? 2 : 1;
  const width = Math.ceil(plane.width / factor);
  const height = Math.ceil(plane.height / factor);
  // Two passes whose radii straddle a fractional one (2 and 3 for 2.5): together they blur as wide.
  const q = radius / factor;
  const radii = [Math.round(q - 0.25), Math.round(q + 0.25)].map((r) =>
    Math.min(Math.max(1, r), width - 1, height - 1),
  );
  if (radii[0]! < 1) return null;
  const small: Dense = { data: scratch.take(0, width * height), width, height };
  shrink(data, plane, factor, small, sparse);
  const tmp = scratch.take(1, small.width * small.height);
  for (const r of radii) {
    boxRows(small, tmp, r);
    boxColumns(tmp, small, r);
  }
  return { small, factor };
}

/**
 * Block averages of `factor` × `factor` samples of `plane` (partial blocks at the edges). `sparse`: of each
 * block only its middle half of rows is read, half the memory traffic; the blur that follows on the small
 * grid hides what that misses.
 */
function shrink(data: Uint8Array, plane: Plane, factor: number, out: Dense, sparse: boolean): void {
  const { offset, stride, step, width, height } = plane;
  const sums = new Uint32Array(out.width);
  // Blocks of 4 or 8 samples of a planar row: one or two 32-bit loads per block row.
  const words =
    (factor === 4 || factor === 8) && step === 1 && data.byteOffset % 4 === 0
      ? new Int32Array(data.buffer, data.byteOffset, data.byteLength >> 2)
      : null;
  for (let sy = 0; sy < out.height; sy++) {
    sums.fill(0);
    const skip = sparse ? factor >> 2 : 0;
    let y0 = sy * factor;
    const y1 = Math.min(height, y0 + factor - skip);
    if (y0 + skip < y1) y0 += skip;
    for (let y = y0; y < y1; y++) {
      const row = offset + y * stride;
      if (words && row % 4 === 0) {
        sumWords(words, row >> 2, width >> 2, sums, factor >> 3);
        // The last few samples, if the width is not a multiple of 4.
        for (let x = width & ~3; x < width; x++) sums[(x / factor) | 0]! += data[row + x]!;
        continue;
      }
      for (let sx = 0, x = 0; sx < out.width; sx++) {
        let sum = 0;
        for (const end = Math.min(width, x + factor); x < end; x++) sum += data[row + x * step]!;
        sums[sx]! += sum;
      }
    }
    const rows = y1 - y0;
    const o = sy * out.width;
    // Fixed-point reciprocal of the block size (a multiply and a shift, not a division, per block); only
    // the last block of a row may be narrower.
    const inv = Math.round(65536 / (rows * factor));
    const full = Math.floor(width / factor);
    for (let sx = 0; sx < full; sx++) out.data[o + sx] = (sums[sx]! * inv + 32768) >> 16;
    for (let sx = full; sx < out.width; sx++) {
      const cols = width - sx * factor;
      out.data[o + sx] = (sums[sx]! + ((rows * cols) >> 1)) / (rows * cols);
    }
  }
}

/** Adds the four bytes of each of `count` words from `first` into `sums` (pairwise, as 16-bit lanes), 2^shift words a sum. */
function sumWords(words: Int32Array, first: number, count: number, sums: Uint32Array, shift: number): void {
  for (let i = 0; i < count; i++) {
    const v = words[first + i]!;
    const pairs = (v & 0x00ff00ff) + ((v >> 8) & 0x00ff00ff);
    sums[i >> shift]! += (pairs & 0xffff) + (pairs >>> 16);
  }
}

/** Where plane position p falls among n small samples (sample i sits at the centre of its block); w in 1/256. */
function between(p: number, factor: number, n: number): { lo: number; hi: number; w: number } {
  const f = Math.max(0, Math.min(n - 1, (p + 0.5) / factor - 0.5));
  const lo = Math.floor(f);
  return { lo, hi: Math.min(n - 1, lo + 1), w: Math.round((f - lo) * 256) };
}

/** Positions and weights for scaling n small samples up to `size`, per output position. */
export interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  w: Int32Array;
}

export function taps(size: number, factor: number, n: number): Taps {
  const t: Taps = { lo: new Int32Array(size), hi: new Int32Array(size), w: new Int32Array(size) };
  for (let p = 0; p < size; p++) {
    const b = between(p, factor, n);
    t.lo[p] = b.lo;
    t.hi[p] = b.hi;
    t.w[p] = b.w;
  }
  return t;
}

// The loops below take everything as parameters: V8 keeps parameters in registers, while variables a
// closure captures are reloaded from its context on every iteration (several times slower here).

/** Row `sy` of `small` widened into `out` from index `into`. */
export function widen(
  src: Uint8Array,
  row: number,
  { lo, hi, w }: Taps,
  out: Uint8Array,
  into: number,
  width: number,
): void {
  for (let x = 0; x < width; x++) {
    const k = w[x]!;
    out[into + x] = (src[row + lo[x]!]! * (256 - k) + src[row + hi[x]!]! * k + 128) >> 8;
  }
}

/**
 * One plane row blended from the two widened rows in `rows` (top at 0, bottom at `width`), weight w/256.
 * Planar rows on 4-byte boundaries go four samples at a time: each 32-bit word split into its even and odd
 * bytes as two 16-bit lanes, so one multiply blends two samples (255 × 256 + 128 still fits a lane).
 */
export function blendRow(
  rows: Uint8Array,
  lanes: Int32Array | null,
  width: number,
  w: number,
  data: Uint8Array,
  row: number,
  step: number,
  words: Int32Array | null,
): void {
  const v = 256 - w;
  let x = 0;
  if (words && lanes && step === 1 && row % 4 === 0) {
    const bottom = width >> 2;
    for (let i = 0, o = row >> 2; i < bottom; i++, o++) {
      const t = lanes[i]!;
      const b = lanes[bottom + i]!;
      // imul and `| 0` keep every step in 32-bit integers (wrapping, which the lanes allow for): plain `*`
      // would leave them as doubles, several times slower.
      const even = (Math.imul(t & 0x00ff00ff, v) + Math.imul(b & 0x00ff00ff, w) + 0x00800080) | 0;
      const odd = (Math.imul((t >> 8) & 0x00ff00ff, v) + Math.imul((b >> 8) & 0x00ff00ff, w) + 0x00800080) | 0;
      words[o] = ((even >> 8) & 0x00ff00ff) | (odd & ~0x00ff00ff);
    }
    x = width;
  }
  for (; x < width; x++) data[row + x * step] = (rows[x]! * v + rows[width + x]! * w + 128) >> 8;
}

/** How `enlarge` scales a grid up: its taps across and down, and two shortcuts background-blur takes. */
export interface Enlargement {
  across: Taps;
  down: Taps;
  /**
   * Every odd row of a planar plane is a copy of the row above: a blur tens of rows wide changes by about a
   * level at most from one row to the next, and copying halves the work.
   */
  shareRows?: boolean;
  /**
   * A plane exactly four or eight times as wide as its grid is widened a word (four samples) at a time, with
   * the weights those factors have in every block instead of the tap tables.
   */
  byWords?: boolean;
}

/**
 * Bilinear scale-up of `small` into `plane` of `data`: each grid row widened once (into `rows`, two plane
 * rows long), then rows blended (integer maths).
 */
export function enlarge(
  small: Dense,
  { across, down, shareRows = false, byWords = false }: Enlargement,
  data: Uint8Array,
  plane: Plane,
  rows: Uint8Array,
): void {
  const { offset, stride, step, width, height } = plane;
  const words = data.byteOffset % 4 === 0 ? new Int32Array(data.buffer, data.byteOffset, data.byteLength >> 2) : null;
  const lanes =
    width % 4 === 0 && rows.byteOffset % 4 === 0
      ? new Int32Array(rows.buffer, rows.byteOffset, (width * 2) >> 2)
      : null;
  const factor = byWords && lanes ? width / small.width : 0;
  const wordWise = factor === 4 ? widenFourfold : factor === 8 ? widenEightfold : null;
  let top = -1;
  for (let y = 0; y < height; y++) {
    const row = offset + y * stride;
    if (shareRows && y & 1 && step === 1) {
      data.copyWithin(row, row - stride, row - stride + width);
      continue;
    }
    const lo = down.lo[y]!;
    if (lo !== top) {
      // Moving down one small row, the old bottom row is the new top: move it rather than widen it again.
      if (lo === top + 1 && top >= 0) rows.copyWithin(0, width, width * 2);
      else if (wordWise && lanes) wordWise(small.data, lo * small.width, small.width, lanes, 0);
      else widen(small.data, lo * small.width, across, rows, 0, width);
      const hi = down.hi[y]! * small.width;
      if (wordWise && lanes) wordWise(small.data, hi, small.width, lanes, width >> 2);
      else widen(small.data, hi, across, rows, width, width);
      top = lo;
    }
    blendRow(rows, lanes, width, down.w[y]!, data, row, step, words);
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

/**
 * The same for a factor of 8: two words per grid sample, weights 9/16, 11/16, 13/16, 15/16 of it against the
 * sample before, then 1/16, 3/16, 5/16, 7/16 of the sample after against it.
 */
function widenEightfold(src: Uint8Array, row: number, n: number, out: Int32Array, into: number): void {
  const last = row + n - 1;
  let previous = src[row]!;
  let current = previous;
  for (let i = 0, o = into; i < n; i++, o += 2) {
    const at = row + i;
    const next = src[at < last ? at + 1 : last]!;
    const b0 = (previous * 112 + current * 144 + 128) >> 8;
    const b1 = (previous * 80 + current * 176 + 128) >> 8;
    const b2 = (previous * 48 + current * 208 + 128) >> 8;
    const b3 = (previous * 16 + current * 240 + 128) >> 8;
    const b4 = (current * 240 + next * 16 + 128) >> 8;
    const b5 = (current * 208 + next * 48 + 128) >> 8;
    const b6 = (current * 176 + next * 80 + 128) >> 8;
    const b7 = (current * 144 + next * 112 + 128) >> 8;
    out[o] = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    out[o + 1] = b4 | (b5 << 8) | (b6 << 16) | (b7 << 24);
    previous = current;
    current = next;
  }
}

/** Horizontal box of radius `r` over `image` into the dense `out`; edges repeat the edge sample. */
function boxRows(image: Dense, out: Uint8Array, r: number): void {
  const { data, width: w, height: h } = image;
  // Fixed-point reciprocal of the window size: one multiply and shift per sample instead of a division
  // (rounded, or every pass would darken by up to one level).
  const inv = Math.round(65536 / (2 * r + 1));
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const first = data[row]!;
    const edge = data[row + w - 1]!;
    let sum = first * (r + 1);
    for (let i = 1; i <= r; i++) sum += data[row + i]!;
    for (let x = 0; x < w; x++) {
      out[row + x] = (sum * inv + 32768) >> 16;
      const enter = x + r + 1;
      const leave = x - r;
      sum += (enter < w ? data[row + enter]! : edge) - (leave > 0 ? data[row + leave]! : first);
    }
  }
}

/** Vertical box of radius `r` from the dense `src` into `image`, row by row with running column sums. */
function boxColumns(src: Uint8Array, image: Dense, r: number): void {
  const { data, width: w, height: h } = image;
  const inv = Math.round(65536 / (2 * r + 1));
  const sums = new Int32Array(w);
  const lastRow = (h - 1) * w;
  for (let x = 0; x < w; x++) sums[x] = src[x]! * (r + 1);
  for (let i = 1; i <= r; i++) for (let x = 0; x < w; x++) sums[x]! += src[Math.min(i, h - 1) * w + x]!;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const enter = y + r + 1 < h ? (y + r + 1) * w : lastRow;
    const leave = y - r > 0 ? (y - r) * w : 0;
    for (let x = 0; x < w; x++) {
      const s = sums[x]!;
      data[row + x] = (s * inv + 32768) >> 16;
      sums[x] = s + src[enter + x]! - src[leave + x]!;
    }
  }
}
