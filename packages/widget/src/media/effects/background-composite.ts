/**
 * One frame of background-blur, composited plane by plane in one pass: the blurred picture (made on a
 * coarse grid, see box-blur.ts) is scaled up into the background only, the person's samples are not touched,
 * and the two are blended sample by sample only along the outline, where the model is unsure. Which is
 * which is decided per cell of the mask (the frame pixels between four mask pixels), once per mask, so most
 * of the frame costs one memory copy per row or nothing at all.
 */
import { blendRow, blurSmall, taps, widen, type BlurScratch, type Dense, type Taps } from './box-blur.js';
import type { FramePixels, Plane } from './frame-pixels.js';
import type { PersonMask } from './person-segmenter.js';

/** What a mask cell covers: all background, some of each (the outline), all person. */
const BACKGROUND = 0;
const OUTLINE = 1;
const PERSON = 2;

/** The mask's cells as runs of one kind per mask row: `start`, `end` (columns) and `kind`, row by row. */
interface MaskRuns {
  version: number;
  /** Index of each mask row's first run in `runs` (mask height + 1 entries). */
  rowStart: Int32Array;
  /** start, end, kind of each run, three numbers a run. */
  runs: Int32Array;
}

/** Where a plane's samples fall on the mask and on the coarse blur grid; computed once per frame size. */
interface PlaneGeometry {
  key: string;
  maskX: Taps;
  maskY: Taps;
  /** For each mask column c, the first plane column whose left mask tap is c or more (mask width + 1 entries). */
  spanStart: Int32Array;
  blurX: Taps;
  blurY: Taps;
}

export class BackgroundComposite {
  #geometry: PlaneGeometry[] = [];
  #runs: MaskRuns | null = null;

  /**
   * Blurs the background of `pixels` in place with a blur of `radius` frame pixels, keeping the person
   * `mask` shows sharp; with no mask yet, all of the frame is blurred.
   */
  apply(pixels: FramePixels, mask: PersonMask | null, radius: number, scratch: BlurScratch): void {
    const runs = mask ? this.#runsOf(mask) : null;
    pixels.planes.forEach((plane, i) => {
      // Sparse: a blur this strong (a 64th of the width) smooths over the rows the shrink skips.
      const blurred = blurSmall(pixels.data, plane, radius / plane.subX, scratch, true);
      if (!blurred) return;
      const geometry = this.#geometryOf(i, plane, blurred.small, blurred.factor, mask);
      compositePlane(pixels.data, plane, blurred.small, geometry, mask, runs, scratch);
    });
  }

  #geometryOf(i: number, plane: Plane, small: Dense, factor: number, mask: PersonMask | null): PlaneGeometry {
    const [mw, mh] = mask ? [mask.width, mask.height] : [1, 1];
    const { width, height } = plane;
    const key = `${width}x${height}/${mw}x${mh}/${small.width}x${small.height}/${factor}`;
    const known = this.#geometry[i];
    if (known?.key === key) return known;
    const maskX = taps(width, width / mw, mw);
    const spanStart = new Int32Array(mw + 1);
    for (let c = 0, x = 0; c <= mw; c++) {
      while (x < width && maskX.lo[x]! < c) x++; // the taps never go left
      spanStart[c] = x;
    }
    const geometry: PlaneGeometry = {
      key,
      maskX,
      maskY: taps(height, height / mh, mh),
      spanStart,
      blurX: taps(width, factor, small.width),
      blurY: taps(height, factor, small.height),
    };
    this.#geometry[i] = geometry;
    return geometry;
  }

  /** The mask's cells, classified and run-length coded per mask row: once per new mask. */
  #runsOf(mask: PersonMask): MaskRuns {
    if (this.#runs?.version === mask.version) return this.#runs;
    const { data, width: mw, height: mh } = mask;
    const rowStart = new Int32Array(mh + 1);
    const runs: number[] = [];
    for (let r = 0; r < mh; r++) {
      rowStart[r] = runs.length / 3;
      const top = r * mw;
      const bottom = Math.min(r + 1, mh - 1) * mw;
      for (let c = 0; c < mw; c++) {
        const right = Math.min(c + 1, mw - 1);
        const a = data[top + c]!;
        const b = data[top + right]!;
        const d = data[bottom + c]!;
        const e = data[bottom + right]!;
        const kind = Math.max(a, b, d, e) === 0 ? BACKGROUND : Math.min(a, b, d, e) === 255 ? PERSON : OUTLINE;
        const last = runs.length - 3;
        if (c > 0 && runs[last + 2] === kind) runs[last + 1] = c + 1;
        else runs.push(c, c + 1, kind);
      }
    }
    rowStart[mh] = runs.length / 3;
    this.#runs = { version: mask.version, rowStart, runs: Int32Array.from(runs) };
    return this.#runs;
  }
}

// The loops below take everything as parameters: V8 keeps parameters in registers, while variables a
// closure captures are reloaded from its context on every iteration.

function compositePlane(
  data: Uint8Array,
  plane: Plane,
  small: Dense,
  g: PlaneGeometry,
  mask: PersonMask | null,
  runs: MaskRuns | null,
  scratch: BlurScratch,
): void {
  const { offset, stride, step, width, height } = plane;
  // Two widened rows of the coarse grid, and the blurred plane row blended from them.
  const rows = scratch.take(2, width * 2);
  const line = scratch.take(3, width);
  const lanes = width % 4 === 0 ? new Int32Array(rows.buffer, rows.byteOffset, (width * 2) >> 2) : null;
  const lineWords = new Int32Array(line.buffer, line.byteOffset, line.byteLength >> 2);
  // A plane exactly four times as wide as its grid is widened a word (four samples) at a time.
  const quads = small.width * 4 === width && g.blurX.w[0] === 0;
  let top = -1;
  /** The plane row pair `line` was made for: one blurred row serves two plane rows (see below). */
  let lineFor = -1;
  for (let y = 0; y < height; y++) {
    const row = offset + y * stride;
    const r = runs ? g.maskY.lo[y]! : 0;
    const first = runs ? runs.rowStart[r]! : 0;
    const last = runs ? runs.rowStart[r + 1]! : 1;
    for (let k = first; k < last; k++) {
      const kind = runs ? runs.runs[k * 3 + 2]! : BACKGROUND;
      if (kind === PERSON) continue;
      const x0 = runs ? g.spanStart[runs.runs[k * 3]!]! : 0;
      const x1 = runs ? g.spanStart[runs.runs[k * 3 + 1]!]! : width;
      if (x1 <= x0) continue;
      // Two plane rows share one blurred row: the blur is tens of rows wide, so neighbouring blurred rows
      // differ by about a level at most, and this halves the work of making them.
      if (lineFor !== y >> 1) {
        // The coarse rows this plane row falls between, widened once as the rows go down.
        const lo = g.blurY.lo[y]!;
        if (lo !== top) {
          if (lo === top + 1 && top >= 0) rows.copyWithin(0, width, width * 2);
          else if (lanes && quads) widenFourfold(small.data, lo * small.width, small.width, lanes, 0);
          else widen(small.data, lo * small.width, g.blurX, rows, 0, width);
          const hi = g.blurY.hi[y]! * small.width;
          if (lanes && quads) widenFourfold(small.data, hi, small.width, lanes, width >> 2);
          else widen(small.data, hi, g.blurX, rows, width, width);
          top = lo;
        }
        blendRow(rows, lanes, width, g.blurY.w[y]!, line, 0, 1, lineWords);
        lineFor = y >> 1;
      }
      if (kind === BACKGROUND) copySpan(line, x0, x1, data, row, step);
      else blendSpan(line, x0, x1, data, row, step, mask!, g.maskX, r, g.maskY.hi[y]!, g.maskY.w[y]!);
    }
  }
}

/**
 * Row `row` of the grid scaled up fourfold into the words of `out` from word `into`: the bilinear taps of
 * `widen` for a factor of 4, which are the same in every block (sample i feeds plane samples 4i−2 … 4i+5
 * with weights 1/8, 3/8, 5/8, 7/8), so one word is made per grid sample instead of four bytes through tables.
 */
function widenFourfold(src: Uint8Array, row: number, n: number, out: Int32Array, into: number): void {
  const last = row + n - 1;
  let p = src[row]!;
  let c = p;
  for (let i = 0; i < n; i++) {
    const at = row + i;
    const next = src[at < last ? at + 1 : last]!;
    const b0 = (p * 96 + c * 160 + 128) >> 8;
    const b1 = (p * 32 + c * 224 + 128) >> 8;
    const b2 = (c * 224 + next * 32 + 128) >> 8;
    const b3 = (c * 160 + next * 96 + 128) >> 8;
    out[into + i] = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    p = c;
    c = next;
  }
}

/** The blurred samples x0..x1 of `line` into the plane row at `row`. */
function copySpan(line: Uint8Array, x0: number, x1: number, data: Uint8Array, row: number, step: number): void {
  if (step === 1) data.set(line.subarray(x0, x1), row + x0);
  else for (let x = x0; x < x1; x++) data[row + x * step] = line[x]!;
}

/**
 * Along the outline: out = (m·sharp + (255 − m)·blurred) / 255 per sample, m the mask scaled bilinearly to
 * the sample (mask rows r0 and r1, weight wy/256 for r1).
 */
function blendSpan(
  line: Uint8Array,
  x0: number,
  x1: number,
  data: Uint8Array,
  row: number,
  step: number,
  mask: PersonMask,
  { lo, hi, w }: Taps,
  r0: number,
  r1: number,
  wy: number,
): void {
  const m = mask.data;
  const top = r0 * mask.width;
  const bottom = r1 * mask.width;
  for (let x = x0; x < x1; x++) {
    const a = lo[x]!;
    const b = hi[x]!;
    const wx = w[x]!;
    const up = m[top + a]! * (256 - wx) + m[top + b]! * wx;
    const down = m[bottom + a]! * (256 - wx) + m[bottom + b]! * wx;
    const p = (up * (256 - wy) + down * wy + 32768) >> 16;
    const i = row + x * step;
    // Division by 255, rounded, in integers: (t + (t >> 8)) >> 8 equals round(t / 255) for these t.
    const t = p * data[i]! + (255 - p) * line[x]! + 128;
    data[i] = (t + (t >> 8)) >> 8;
  }
}
