/**
 * The segmentation model's input picture, made from the frame's pixels the effect has already read: one RGB
 * pixel per block of the frame, converted here. Drawing the camera frame onto a canvas instead converts
 * every one of its pixels to RGB in software before scaling it down: about 5 ms per mask at 720p, against a
 * fraction of a millisecond for these few thousand samples.
 */
import { lumaWeights, ycbcrRange, type FramePixels, type Plane } from './frame-pixels.js';

export class ModelInput {
  /** The picture handed to the model, rewritten by `fill`. */
  readonly image: ImageData;
  /** Per plane, the byte each model pixel reads; for the frame geometry `#key`. */
  #indices: Int32Array[] = [];
  #key = '';

  constructor(width: number, height: number) {
    this.image = new ImageData(width, height);
  }

  /** Rewrites `image` with `pixels` scaled to the model's size (the sample nearest each block's centre). */
  fill(pixels: FramePixels): ImageData {
    const { data } = pixels;
    const [a, b, c] = this.#sample(pixels) as [Int32Array, Int32Array, Int32Array];
    const rgba = this.image.data;
    const n = this.image.width * this.image.height;
    if (pixels.model === 'rgb') {
      for (let i = 0; i < n; i++) {
        rgba[i * 4] = data[a[i]!]!;
        rgba[i * 4 + 1] = data[b[i]!]!;
        rgba[i * 4 + 2] = data[c[i]!]!;
        rgba[i * 4 + 3] = 255;
      }
      return this.image;
    }
    // Y'CbCr to R'G'B' with the frame's own matrix and range, in 1/1024 steps.
    const { kr, kb } = lumaWeights(pixels);
    const { y0, ys, cs } = ycbcrRange(pixels);
    const gain = Math.round((1024 * 255) / ys);
    const crR = Math.round((1024 * 255 * 2 * (1 - kr)) / cs);
    const cbB = Math.round((1024 * 255 * 2 * (1 - kb)) / cs);
    const crG = Math.round((crR * kr) / (1 - kr - kb));
    const cbG = Math.round((cbB * kb) / (1 - kr - kb));
    for (let i = 0; i < n; i++) {
      const l = (data[a[i]!]! - y0) * gain + 512;
      const cb = data[b[i]!]! - 128;
      const cr = data[c[i]!]! - 128;
      // A Uint8ClampedArray clamps to 0–255 itself.
      rgba[i * 4] = (l + cr * crR) >> 10;
      rgba[i * 4 + 1] = (l - cr * crG - cb * cbG) >> 10;
      rgba[i * 4 + 2] = (l + cb * cbB) >> 10;
      rgba[i * 4 + 3] = 255;
    }
    return this.image;
  }

  /** Per plane, the byte each model pixel reads (the sample nearest its block's centre), for this geometry. */
  #sample({ planes, width, height }: FramePixels): Int32Array[] {
    const key = JSON.stringify([width, height, planes]);
    if (key !== this.#key) {
      this.#key = key;
      this.#indices = planes.map((plane) => indices(plane, width, height, this.image.width, this.image.height));
    }
    return this.#indices;
  }
}

function indices(plane: Plane, width: number, height: number, mw: number, mh: number): Int32Array {
  const { offset, stride, step, subX, subY } = plane;
  const out = new Int32Array(mw * mh);
  for (let y = 0; y < mh; y++) {
    const row = offset + Math.floor(Math.floor(((y + 0.5) * height) / mh) / subY) * stride;
    for (let x = 0; x < mw; x++) out[y * mw + x] = row + Math.floor(Math.floor(((x + 0.5) * width) / mw) / subX) * step;
  }
  return out;
}
