/**
 * The blurred picture background-blur shows behind the person, kept at full size in the frame's own layout
 * and remade from the camera at most every REFRESH_US. It is blurred tens of pixels wide, so it changes
 * slowly: remaking it on every third frame of a 30 fps camera (100 ms) cuts its cost to a third, and each
 * frame in between only copies it (see background-composite.ts). Of Y'CbCr frames, the colour (chroma)
 * planes are remade on every other remake only: blurred colour changes even more slowly than blurred light,
 * and the chroma was nearly half of a remake's cost. Both are within the mask's own lag (a mask is made at
 * most every 200 ms), which is what decides where the person's outline is.
 */
import { blurSmall, enlarge, taps, type BlurScratch, type Dense, type Enlargement } from './box-blur.js';
import type { FramePixels, Plane } from './frame-pixels.js';

/**
 * The least time, in frame-timestamp microseconds, between two remakes: 90 ms, every third frame at 30 fps
 * (frame timestamps jitter; 100 ms would sometimes wait for the fourth).
 */
const REFRESH_US = 90_000;

/** Where a plane's samples fall on its coarse blur grid; computed once per frame size. */
type Upscale = Enlargement & { key: string };

export class BlurredBackground {
  /** The blurred planes, at the same offsets and strides as the frame buffer they were made from. */
  data = new Uint8Array(0);
  #madeAt = -Infinity;
  #layout = '';
  /** Remakes since the layout last changed. */
  #remakes = 0;
  #upscales: Upscale[] = [];

  /** Remakes the blurred planes from `pixels` (frame `timestamp`, µs) when they are due or the layout changed. */
  update(pixels: FramePixels, timestamp: number, radius: number, scratch: BlurScratch): void {
    const layout = JSON.stringify([pixels.format, pixels.width, pixels.height, pixels.layout, radius]);
    const age = timestamp - this.#madeAt;
    if (layout === this.#layout && age >= 0 && age < REFRESH_US) return;
    if (layout !== this.#layout) this.#remakes = 0;
    this.#layout = layout;
    this.#madeAt = timestamp;
    const colourToo = pixels.model === 'rgb' || this.#remakes++ % 2 === 0;
    if (this.data.length < pixels.data.length) this.data = new Uint8Array(pixels.data.length);
    pixels.planes.forEach((plane, i) => {
      if (i > 0 && !colourToo) return;
      // Sparse: a blur this wide smooths over the rows the shrink skips.
      const blurred = blurSmall(pixels.data, plane, radius / plane.subX, scratch, true);
      if (!blurred) return copyPlane(pixels.data, plane, this.data);
      const rows = scratch.take(2, plane.width * 2);
      enlarge(blurred.small, this.#upscaleOf(i, plane, blurred.small, blurred.factor), this.data, plane, rows);
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
      shareRows: true,
      byWords: true,
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
