/**
 * One frame of background-blur, composited plane by plane in one pass: the blurred picture (see
 * blurred-background.ts) is copied into the background only, the person's samples are not touched, and the
 * two are blended sample by sample only along the outline, where the model is unsure. Which is which is
 * decided per cell of the mask (the frame pixels between four mask pixels), once per mask, so most of the
 * frame costs one memory copy per row or nothing at all. The outline's blend weights (the mask scaled up to
 * the plane) are also worked out once per mask, not once per frame: a mask serves six frames or more.
 */
import { taps, type Taps } from './box-blur.js';
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

/** Where a plane's samples fall on the mask; computed once per frame and mask size. */
interface PlaneGeometry {
  key: string;
  maskX: Taps;
  maskY: Taps;
  /** For each mask column c, the first plane column whose left mask tap is c or more (mask width + 1 entries). */
  spanStart: Int32Array;
  /** The mask scaled up to the plane (0–255, dense rows of the plane's width), written on the outline only. */
  weights: Uint8Array;
  /** The mask version `weights` and the spans below are for. */
  version: number;
  /** The blurred buffer `copies` are views of. */
  blurred: Uint8Array | null;
  /** The background's spans of a planar plane, as views of the blurred buffer (neighbours merged). */
  copies: Uint8Array[];
  /** Where each of `copies` goes in the frame buffer. */
  copyAt: number[];
  /** The other spans, four numbers each: kind (BACKGROUND of a plane with gaps, or OUTLINE), row, x0, x1. */
  spans: number[];
}

export class BackgroundComposite {
  #geometry: PlaneGeometry[] = [];
  #runs: MaskRuns | null = null;

  /**
   * Puts `blurred` (planes laid out as `pixels`' buffer) into the background of `pixels`, keeping the
   * person `mask` shows sharp; with no mask yet, all of the frame is blurred.
   */
  apply(pixels: FramePixels, mask: PersonMask | null, blurred: Uint8Array): void {
    const { data } = pixels;
    if (!mask) return data.set(blurred.subarray(0, data.length));
    const runs = this.#runsOf(mask);
    pixels.planes.forEach((plane, i) => {
      const geometry = this.#geometryOf(i, plane, mask);
      if (geometry.version !== mask.version || geometry.blurred !== blurred) {
        planSpans(plane, geometry, mask, runs, blurred);
        geometry.version = mask.version;
      }
      compositePlane(data, plane, blurred, geometry);
    });
  }

  #geometryOf(i: number, plane: Plane, mask: PersonMask): PlaneGeometry {
    const { width: mw, height: mh } = mask;
    const { width, height } = plane;
    const key = `${width}x${height}/${mw}x${mh}`;
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
      weights: new Uint8Array(width * height),
      version: -1,
      blurred: null,
      copies: [],
      copyAt: [],
      spans: [],
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

function compositePlane(data: Uint8Array, plane: Plane, blurred: Uint8Array, g: PlaneGeometry): void {
  const { offset, stride, step, width } = plane;
  const { copies, copyAt, spans, weights } = g;
  for (let k = 0; k < copies.length; k++) data.set(copies[k]!, copyAt[k]!);
  for (let k = 0; k < spans.length; k += 4) {
    const y = spans[k + 1]!;
    const row = offset + y * stride;
    if (spans[k] === BACKGROUND) copySpan(blurred, spans[k + 2]!, spans[k + 3]!, data, row, step);
    else blendSpan(blurred, spans[k + 2]!, spans[k + 3]!, data, row, step, weights, y * width);
  }
}

/**
 * For a new mask (or a new blurred buffer): the plane's spans to copy and to blend, and the blend weights of
 * the outline. The background of a planar plane becomes views of the blurred buffer, one per run of adjacent
 * bytes (whole rows of background follow one another in memory), so each frame copies them with few calls
 * and makes no garbage.
 */
function planSpans(plane: Plane, g: PlaneGeometry, mask: PersonMask, runs: MaskRuns, blurred: Uint8Array): void {
  const { offset, stride, step, height } = plane;
  const copies: Uint8Array[] = [];
  const copyAt: number[] = [];
  const spans: number[] = [];
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (end <= start) return;
    copies.push(blurred.subarray(start, end));
    copyAt.push(start);
  };
  for (let y = 0; y < height; y++) {
    const row = offset + y * stride;
    const r = g.maskY.lo[y]!;
    for (let k = runs.rowStart[r]!, last = runs.rowStart[r + 1]!; k < last; k++) {
      const kind = runs.runs[k * 3 + 2]!;
      if (kind === PERSON) continue;
      const x0 = g.spanStart[runs.runs[k * 3]!]!;
      const x1 = g.spanStart[runs.runs[k * 3 + 1]!]!;
      if (x1 <= x0) continue;
      if (kind === OUTLINE) {
        spans.push(OUTLINE, y, x0, x1);
        scaleMaskRow(mask, g.maskX, r, g.maskY.hi[y]!, g.maskY.w[y]!, x0, x1, g.weights, y * plane.width);
      } else if (step !== 1) spans.push(BACKGROUND, y, x0, x1);
      else if (row + x0 === end) end = row + x1;
      else {
        flush();
        start = row + x0;
        end = row + x1;
      }
    }
  }
  flush();
  Object.assign(g, { copies, copyAt, spans, blurred });
}

/** Samples x0..x1 of the plane row at `row`, from the blurred planes. */
function copySpan(blurred: Uint8Array, x0: number, x1: number, data: Uint8Array, row: number, step: number): void {
  if (step === 1) data.set(blurred.subarray(row + x0, row + x1), row + x0);
  else for (let i = row + x0 * step, end = row + x1 * step; i < end; i += step) data[i] = blurred[i]!;
}

/** Along the outline: out = (m·sharp + (255 − m)·blurred) / 255 per sample, m from `weights` (row at `at`). */
function blendSpan(
  blurred: Uint8Array,
  x0: number,
  x1: number,
  data: Uint8Array,
  row: number,
  step: number,
  weights: Uint8Array,
  at: number,
): void {
  for (let x = x0, i = row + x0 * step; x < x1; x++, i += step) {
    const m = weights[at + x]!;
    // Division by 255, rounded, in integers: (t + (t >> 8)) >> 8 equals round(t / 255) for these t.
    const t = m * data[i]! + (255 - m) * blurred[i]! + 128;
    data[i] = (t + (t >> 8)) >> 8;
  }
}

/** Columns x0..x1 of the mask scaled up bilinearly, between mask rows r0 and r1 (weight wy/256 for r1). */
function scaleMaskRow(
  mask: PersonMask,
  { lo, hi, w }: Taps,
  r0: number,
  r1: number,
  wy: number,
  x0: number,
  x1: number,
  out: Uint8Array,
  at: number,
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
    out[at + x] = (up * (256 - wy) + down * wy + 32768) >> 16;
  }
}
