/**
 * The colour effects, as CSS filter functions define them (grayscale(1), sepia(1), invert(1), brightness(k)),
 * applied in place to a frame's pixels. On YUV frames they are lookup tables on the planes, computed once
 * per frame from 256-entry tables, which is what keeps them within a few milliseconds at 720p on a CPU.
 */
import { lumaWeights, ycbcrRange, type FramePixels, type Plane } from './frame-pixels.js';

export type ColourEffect = 'grayscale' | 'sepia' | 'invert' | 'brightness';

/** How much `brightness` multiplies light by: enough to help a dim room, not so much that faces clip. */
export const BRIGHTNESS_GAIN = 1.4;

/** CSS sepia(1): each output channel as a mix of the input R, G and B (Filter Effects spec). */
const SEPIA = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
] as const;

/** CSS grayscale(1): every channel becomes this luminance (Filter Effects spec). */
const GRAY = [0.2126, 0.7152, 0.0722] as const;

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

export function applyColour(effect: ColourEffect, pixels: FramePixels): void {
  if (pixels.model === 'rgb') applyRgb(effect, pixels);
  else applyYuv(effect, pixels);
}

/** Replaces every sample of `plane` by `table[sample]`. */
function mapPlane(data: Uint8Array, plane: Plane, table: Uint8Array): void {
  const { offset, stride, step, width, height } = plane;
  // Planar rows on 4-byte boundaries (what copyTo lays out for even sizes): four samples per 32-bit word
  // halves the loads and stores, the loop's main cost.
  const words =
    step === 1 && data.byteOffset % 4 === 0 && offset % 4 === 0 && stride % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2)
      : null;
  for (let y = 0; y < height; y++) {
    const row = offset + y * stride;
    let i = row;
    if (words) {
      for (let w = row >> 2, end = (row + width) >> 2; w < end; w++, i += 4) {
        const v = words[w]!;
        words[w] =
          table[v & 255]! |
          (table[(v >>> 8) & 255]! << 8) |
          (table[(v >>> 16) & 255]! << 16) |
          (table[v >>> 24]! << 24);
      }
    }
    for (const end = row + width * step; i < end; i += step) data[i] = table[data[i]!]!;
  }
}

const table = (f: (v: number) => number): Uint8Array => Uint8Array.from({ length: 256 }, (_, v) => clamp8(f(v)));

function applyRgb(effect: ColourEffect, { data, planes: [r, g, b] }: FramePixels): void {
  if (effect === 'invert' || effect === 'brightness') {
    const t = effect === 'invert' ? table((v) => 255 - v) : table((v) => v * BRIGHTNESS_GAIN);
    for (const plane of [r, g, b]) mapPlane(data, plane, t);
    return;
  }
  const m = effect === 'sepia' ? SEPIA : [GRAY, GRAY, GRAY];
  // The three channels interleave with one stride: walk pixels once, the R, G, B bytes at fixed offsets.
  const { stride, step, width, height } = r;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0, end = width * step; x < end; x += step) {
      const ri = r.offset + row + x;
      const gi = g.offset + row + x;
      const bi = b.offset + row + x;
      const R = data[ri]!;
      const G = data[gi]!;
      const B = data[bi]!;
      data[ri] = clamp8(m[0][0] * R + m[0][1] * G + m[0][2] * B);
      data[gi] = clamp8(m[1][0] * R + m[1][1] * G + m[1][2] * B);
      data[bi] = clamp8(m[2][0] * R + m[2][1] * G + m[2][2] * B);
    }
  }
}

function applyYuv(effect: ColourEffect, pixels: FramePixels): void {
  const { data, planes } = pixels;
  const [luma, u, v] = planes;
  const { y0, ys } = ycbcrRange(pixels);
  if (effect === 'grayscale') {
    // R = G = B exactly when both colour differences are zero; luma stays as it is.
    const neutral = table(() => 128);
    mapPlane(data, u, neutral);
    mapPlane(data, v, neutral);
  } else if (effect === 'invert') {
    // 1 - R, 1 - G, 1 - B: light becomes 1 - light, both colour differences change sign.
    mapPlane(
      data,
      luma,
      table((s) => y0 + ys - (s - y0)),
    );
    const flip = table((s) => 256 - s);
    mapPlane(data, u, flip);
    mapPlane(data, v, flip);
  } else if (effect === 'brightness') {
    // k·R, k·G, k·B scales light and both colour differences alike.
    mapPlane(
      data,
      luma,
      table((s) => y0 + Math.min(ys, (s - y0) * BRIGHTNESS_GAIN)),
    );
    const scale = table((s) => 128 + (s - 128) * BRIGHTNESS_GAIN);
    mapPlane(data, u, scale);
    mapPlane(data, v, scale);
  } else {
    sepiaYuv(pixels);
  }
}

/**
 * sepia(1) on YUV. Each row of the sepia matrix is close to a multiple of the luma weights, so the output
 * is a function of luma alone: (1.351, 1.203, 0.937) × light, clipped. The chroma samples take the tone of
 * the luma sample they sit on.
 */
function sepiaYuv(pixels: FramePixels): void {
  const {
    data,
    planes: [luma, u, v],
  } = pixels;
  const { y0, ys, cs } = ycbcrRange(pixels);
  const { kr, kb } = lumaWeights(pixels);
  const tone = SEPIA.map((row) => row[0] + row[1] + row[2]);
  const ty = new Uint8Array(256);
  const tu = new Uint8Array(256);
  const tv = new Uint8Array(256);
  for (let s = 0; s < 256; s++) {
    const light = Math.max(0, Math.min(1, (s - y0) / ys));
    const [R, G, B] = tone.map((t) => Math.min(1, t * light)) as [number, number, number];
    const Y = kr * R + (1 - kr - kb) * G + kb * B;
    ty[s] = clamp8(y0 + ys * Y);
    tu[s] = clamp8(128 + (cs * (B - Y)) / (2 * (1 - kb)));
    tv[s] = clamp8(128 + (cs * (R - Y)) / (2 * (1 - kr)));
  }
  // Chroma first: it reads the luma before the luma table changes it. A chroma sample at (x, y) sits on the
  // luma sample (x·subX, y·subY), always inside the picture since the chroma size is the luma size rounded up.
  const { subX, subY, step } = u;
  for (let y = 0; y < u.height; y++) {
    const lumaRow = luma.offset + y * subY * luma.stride;
    const ur = u.offset + y * u.stride;
    const vr = v.offset + y * v.stride;
    for (let x = 0; x < u.width; x++) {
      const s = data[lumaRow + x * subX]!;
      data[ur + x * step] = tu[s]!;
      data[vr + x * step] = tv[s]!;
    }
  }
  mapPlane(data, luma, ty);
}
