// background-blur's per-frame maths on pictures made here: the compositor against a plain per-sample reference
// (the mask scaled bilinearly, then blended), frame after frame and mask after mask, and the blurred
// background's word-wise enlargement against the tap tables it replaces.
import { expect } from '@esm-bundle/chai';
import { BackgroundComposite } from '../src/media/effects/background-composite.js';
import { BlurScratch, enlarge, taps, type Dense } from '../src/media/effects/box-blur.js';
import type { FramePixels, Plane } from '../src/media/effects/frame-pixels.js';
import type { PersonMask } from '../src/media/effects/person-segmenter.js';

const W = 320;
const H = 180;

/** A 320×180 I420 frame whose samples follow `value(plane, x, y)`. */
function i420(value: (plane: number, x: number, y: number) => number): FramePixels {
  const planes: [Plane, Plane, Plane] = [
    { offset: 0, stride: W, step: 1, width: W, height: H, subX: 1, subY: 1 },
    { offset: W * H, stride: W / 2, step: 1, width: W / 2, height: H / 2, subX: 2, subY: 2 },
    { offset: (W * H * 5) / 4, stride: W / 2, step: 1, width: W / 2, height: H / 2, subX: 2, subY: 2 },
  ];
  const data = new Uint8Array((W * H * 3) / 2);
  planes.forEach((p, i) => {
    for (let y = 0; y < p.height; y++)
      for (let x = 0; x < p.width; x++) data[p.offset + y * p.stride + x] = value(i, x, y);
  });
  const layout = planes.map(({ offset, stride }) => ({ offset, stride }));
  return { model: 'yuv', data, planes, width: W, height: H, fullRange: false, bt709: false, format: 'I420', layout };
}

/** A 64×36 mask: a person-shaped ellipse centred at (cx, 24), probability falling from 255 to 0 over its edge. */
function ellipseMask(cx: number, version: number): PersonMask {
  const [width, height] = [64, 36];
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const d = Math.hypot((x - cx) / 12, (y - 24) / 16) - 1;
      const p = Math.round(255 / (1 + Math.exp(d * 12)));
      data[y * width + x] = p <= 8 ? 0 : p >= 247 ? 255 : p;
    }
  return { data, width, height, version };
}

/**
 * How many samples of `out` differ from the reference, and by how much at most. The reference, per sample:
 * the mask scaled bilinearly to it (m), then (m·sharp + (255 − m)·blurred) / 255, rounded.
 */
function mismatches(
  out: FramePixels,
  sharp: FramePixels,
  blurred: Uint8Array,
  mask: PersonMask,
): { count: number; worst: number } {
  let count = 0;
  let worst = 0;
  const at = (r: number, c: number): number => mask.data[r * mask.width + c]!;
  for (const plane of out.planes) {
    const mx = taps(plane.width, plane.width / mask.width, mask.width);
    const my = taps(plane.height, plane.height / mask.height, mask.height);
    for (let y = 0; y < plane.height; y++)
      for (let x = 0; x < plane.width; x++) {
        const [a, b, wx] = [mx.lo[x]!, mx.hi[x]!, mx.w[x]!];
        const up = at(my.lo[y]!, a) * (256 - wx) + at(my.lo[y]!, b) * wx;
        const down = at(my.hi[y]!, a) * (256 - wx) + at(my.hi[y]!, b) * wx;
        const m = (up * (256 - my.w[y]!) + down * my.w[y]! + 32768) >> 16;
        const i = plane.offset + y * plane.stride + x;
        const want = Math.round((m * sharp.data[i]! + (255 - m) * blurred[i]!) / 255);
        const off = Math.abs(out.data[i]! - want);
        if (off > 0) count++;
        worst = Math.max(worst, off);
      }
  }
  return { count, worst };
}

describe('background-blur: compositing', () => {
  it('keeps the person, puts the blurred picture behind them and blends the outline as the mask says, frame after frame and mask after mask', () => {
    const composite = new BackgroundComposite();
    const blurredPictures = [
      i420((p, x, y) => 100 + ((x + 2 * y + p) % 7)).data,
      i420((p, x, y) => 150 + ((3 * x + y + p) % 5)).data,
    ];
    let left = 0;
    let right = 0;
    let outline = 0;
    // Three frames with one mask (its blend weights are worked out once), the third with another blurred
    // buffer (as when the frame size changes), then the person moves: a new mask.
    const frames = [
      { mask: ellipseMask(24, 1), seed: 1, picture: 0 },
      { mask: ellipseMask(24, 1), seed: 2, picture: 0 },
      { mask: ellipseMask(24, 1), seed: 3, picture: 1 },
      { mask: ellipseMask(40, 2), seed: 4, picture: 1 },
      { mask: ellipseMask(40, 2), seed: 5, picture: 1 },
    ];
    for (const { mask, seed, picture } of frames) {
      const blurred = blurredPictures[picture]!;
      const value = (p: number, x: number, y: number): number => (x * 13 + y * 7 * seed + p * 31) % 256;
      const sharp = i420(value);
      const out = i420(value);
      composite.apply(out, mask, blurred);
      expect(mismatches(out, sharp, blurred, mask), `frame ${seed}`).to.deep.equal({ count: 0, worst: 0 });
      const luma = out.planes[0];
      // Inside the person: the camera's sample; far from them: the blurred one.
      const inside = (mask.data.indexOf(255) % mask.width) * (W / mask.width);
      left += Number(out.data[90 * luma.stride + inside] === sharp.data[90 * luma.stride + inside]);
      right += Number(out.data[20 * luma.stride + W - 5] === blurred[20 * luma.stride + W - 5]);
      outline += mask.data.filter((m) => m > 0 && m < 255).length;
    }
    expect([left, right]).to.deep.equal([frames.length, frames.length]);
    expect(outline, 'the masks have an outline to blend').to.be.above(100);
  });

  it('with no mask yet, shows the blurred picture everywhere', () => {
    const out = i420(() => 200);
    const blurred = i420((p, x) => x % 256).data;
    new BackgroundComposite().apply(out, null, blurred);
    expect([...out.data]).to.deep.equal([...blurred]);
  });
});

describe('background-blur: enlarging the blurred grid', () => {
  for (const factor of [4, 8]) {
    it(`word by word at a factor of ${factor} gives exactly what the tap tables give`, () => {
      const plane: Plane = { offset: 0, stride: W, step: 1, width: W, height: H, subX: 1, subY: 1 };
      const small: Dense = {
        data: new Uint8Array((W / factor) * Math.ceil(H / factor)),
        width: W / factor,
        height: Math.ceil(H / factor),
      };
      for (let i = 0; i < small.data.length; i++) small.data[i] = (i * 97 + (i >> 3) * 41) % 256;
      const scaling = { across: taps(W, factor, small.width), down: taps(H, factor, small.height), shareRows: true };
      const scratch = new BlurScratch();
      const byTaps = new Uint8Array(W * H);
      const byWords = new Uint8Array(W * H);
      enlarge(small, scaling, byTaps, plane, scratch.take(2, W * 2));
      enlarge(small, { ...scaling, byWords: true }, byWords, plane, scratch.take(2, W * 2));
      const differ = byTaps.reduce((n, v, i) => n + Number(v !== byWords[i]), 0);
      expect(differ).to.equal(0);
      // A picture with detail, so that being equal says something.
      expect(new Set(byWords).size).to.be.above(100);
    });
  }
});
