// What background-blur counts as motion (when its person mask is remade at the full rate) on pictures made here:
// camera noise is not motion, a hand-sized thing moving is.
import { expect } from '@esm-bundle/chai';
import type { FramePixels } from '../src/media/effects/frame-pixels.js';
import { PictureMotion } from '../src/media/effects/picture-motion.js';

const W = 640;
const H = 360;

/** A 640×360 I420 frame: a gradient with a bright 60×60 square at (x, y), luma plus `noise(i)`. */
function frame(x: number, y: number, noise: (i: number) => number = () => 0): FramePixels {
  const data = new Uint8Array((W * H * 3) / 2).fill(128);
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const inSquare = i >= x && i < x + 60 && j >= y && j < y + 60;
      data[j * W + i] = Math.max(0, Math.min(255, (inSquare ? 230 : 40 + (i >> 4)) + noise(j * W + i)));
    }
  const planes: FramePixels['planes'] = [
    { offset: 0, stride: W, step: 1, width: W, height: H, subX: 1, subY: 1 },
    { offset: W * H, stride: W / 2, step: 1, width: W / 2, height: H / 2, subX: 2, subY: 2 },
    { offset: (W * H * 5) / 4, stride: W / 2, step: 1, width: W / 2, height: H / 2, subX: 2, subY: 2 },
  ];
  const layout = planes.map(({ offset, stride }) => ({ offset, stride }));
  return { model: 'yuv', data, planes, width: W, height: H, fullRange: false, bt709: false, format: 'I420', layout };
}

/** Noise of up to ±8 levels, different for every sample and every call. */
const noisy = (seed: number) => (i: number) => ((Math.imul(i + seed * 7919, 2654435761) >>> 24) % 17) - 8;

describe('background-blur: picture motion', () => {
  it('counts everything as changed before it has kept a frame', () => {
    const motion = new PictureMotion();
    expect(motion.changedSince(frame(100, 100))).to.equal(1);
    expect(motion.changedSince(frame(100, 100))).to.equal(1);
  });

  it('sees no motion in the same picture with camera noise on it', () => {
    const motion = new PictureMotion();
    motion.changedSince(frame(100, 100, noisy(1)));
    motion.keep();
    expect(motion.changedSince(frame(100, 100))).to.equal(0);
    expect(motion.changedSince(frame(100, 100, noisy(2)))).to.equal(0);
  });

  it('sees a square a tenth of the picture high move by a quarter of its size, against the frame it kept', () => {
    const motion = new PictureMotion();
    motion.changedSince(frame(100, 100));
    motion.keep();
    const moved = motion.changedSince(frame(115, 100, noisy(3)));
    // The segmenter remakes its mask at the full rate from 0.5 % of the cells changed (person-segmenter.ts).
    expect(moved).to.be.above(0.005);
    expect(moved).to.be.below(0.05);
    // Compared with the kept frame, not the last one measured: a slow drift adds up.
    expect(motion.changedSince(frame(104, 100))).to.be.below(motion.changedSince(frame(130, 100)));
    motion.changedSince(frame(130, 100));
    motion.keep();
    expect(motion.changedSince(frame(130, 100))).to.equal(0);
  });
});
