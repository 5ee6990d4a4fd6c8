/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { CameraEffect } from '../src/engine/camera-effect.js';
import { EFFECTS, EffectError, parseEffect, VideoEffects, type ProcessedEffect } from '../src/media/effects/index.js';
import {
  canvasTrack,
  colourAt,
  fakeCamera,
  latestPixels,
  sharpness,
  solidI420Track,
  solidTrack,
  stopSources,
  type Rgb,
} from './media-sources.js';

type ColourEffect = 'grayscale' | 'sepia' | 'invert' | 'brightness';

/** What CSS filter functions make of a colour (Filter Effects spec): the reference for the pixel maths. */
const CSS: Record<ColourEffect, (c: Rgb) => Rgb> = {
  grayscale: ([r, g, b]) => {
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return [y, y, y];
  },
  sepia: ([r, g, b]) => [
    Math.min(255, 0.393 * r + 0.769 * g + 0.189 * b),
    Math.min(255, 0.349 * r + 0.686 * g + 0.168 * b),
    Math.min(255, 0.272 * r + 0.534 * g + 0.131 * b),
  ],
  invert: ([r, g, b]) => [255 - r, 255 - g, 255 - b],
  brightness: ([r, g, b]) => [Math.min(255, r * 1.4), Math.min(255, g * 1.4), Math.min(255, b * 1.4)],
};

const pipelines: VideoEffects[] = [];
async function start(source: MediaStreamTrack, effect: ProcessedEffect, options = {}): Promise<VideoEffects> {
  const pipeline = await VideoEffects.start(source, effect, options);
  pipelines.push(pipeline);
  return pipeline;
}

/** The centre colour of what `track` shows now. */
const centre = async (track: MediaStreamTrack): Promise<Rgb> => {
  const image = await latestPixels(track);
  return colourAt(image, image.width >> 1, image.height >> 1);
};

function expectClose(actual: Rgb, expected: Rgb, tolerance: number, what: string): void {
  const off = actual.map((v, i) => Math.abs(v - expected[i]!));
  expect(
    Math.max(...off),
    `${what}: got ${actual.map(Math.round).join(',')}, want ${expected.map(Math.round).join(',')}`,
  ).to.be.at.most(tolerance);
}

/** Where the effects' files are in the test server (the widget's dev server serves node_modules). */
const ASSETS = '/node_modules/@mediapipe/selfie_segmentation/';

afterEach(() => {
  for (const p of pipelines.splice(0)) p.stop();
  stopSources();
});

describe('video effects: pixel maths on sources of known colour', () => {
  // Canvas frames are BGRA (processed as RGB, exactly the CSS maths); camera frames are I420 (processed as
  // YUV tables, where sepia is taken from luma alone and rounding goes through two conversions).
  const sources = [
    { name: 'an RGB source', make: () => solidTrack([200, 100, 50]), tolerance: 3 },
    { name: 'an I420 source (as cameras give)', make: () => solidI420Track([120, 110, 150]), tolerance: 8 },
  ];
  for (const { name, make, tolerance } of sources) {
    for (const effect of ['grayscale', 'sepia', 'invert', 'brightness'] as const) {
      it(`${effect} on ${name} gives what the CSS ${effect} filter gives`, async () => {
        const source = make();
        const original = await centre(source);
        const out = await centre((await start(source, effect)).track);
        expectClose(out, CSS[effect](original), tolerance, effect);
        if (effect === 'grayscale') expect(Math.max(...out) - Math.min(...out), 'R ≈ G ≈ B').to.be.at.most(3);
        if (effect === 'sepia') {
          expect(out[0]).to.be.above(out[1]);
          expect(out[1]).to.be.above(out[2]);
        }
        if (effect === 'brightness') expect(out[1]).to.be.above(original[1] + 10);
      });
    }
  }

  it('blur turns a hard black/white edge into a ramp and leaves flat areas alone', async () => {
    const source = canvasTrack((context, width, height) => {
      context.fillStyle = '#000';
      context.fillRect(0, 0, width / 2, height);
      context.fillStyle = '#fff';
      context.fillRect(width / 2, 0, width / 2, height);
    });
    const raw = await latestPixels(source);
    const image = await latestPixels((await start(source, 'blur')).track);
    const [nearEdge] = colourAt(image, 158, 120, 2);
    expect(colourAt(raw, 158, 120, 2)[0]).to.equal(0);
    expect(nearEdge, 'just left of the edge').to.be.within(20, 200);
    expect(colourAt(image, 20, 120)[0], 'far left').to.be.below(5);
    expect(colourAt(image, 300, 120)[0], 'far right').to.be.above(250);
    expect(sharpness(image)).to.be.below(sharpness(raw) * 0.5);
  });

  it('blur on a 720p I420 picture (blurred at a quarter size) ramps the edge and keeps flat colours', async () => {
    // Dark grey left, light orange right, in Y, U, V.
    const source = solidI420Track([40, 128, 128], 1280, 720, [180, 90, 170]);
    const raw = await latestPixels(source);
    const image = await latestPixels((await start(source, 'blur')).track);
    expectClose(colourAt(image, 200, 360), colourAt(raw, 200, 360), 3, 'flat left');
    expectClose(colourAt(image, 1080, 360), colourAt(raw, 1080, 360), 3, 'flat right');
    const [left] = colourAt(raw, 200, 360);
    const [right] = colourAt(raw, 1080, 360);
    const [nearEdge] = colourAt(image, 636, 360, 2);
    expect(nearEdge, 'just left of the edge').to.be.within(left + 15, right - 15);
    expect(sharpness(image)).to.be.below(sharpness(raw) * 0.5);
  });
});

describe('video effects: the pipeline', () => {
  it('switches effects live on the same output track', async () => {
    const source = solidTrack([200, 100, 50]);
    const pipeline = await start(source, 'grayscale');
    const track = pipeline.track;
    expectClose(await centre(track), CSS.grayscale([200, 100, 50]), 3, 'grayscale');
    await pipeline.setEffect('invert');
    expect(pipeline.track).to.equal(track);
    expect(pipeline.effect).to.equal('invert');
    expectClose(await centre(track), [55, 155, 205], 3, 'invert');
    await pipeline.setEffect('sepia');
    expect(pipeline.track).to.equal(track);
    expectClose(await centre(track), CSS.sepia([200, 100, 50]), 3, 'sepia');
    expect(track.readyState).to.equal('live');
  });

  it('runs every effect on the fake camera at 720p, frames flowing', async () => {
    const [camera] = (await fakeCamera()).getVideoTracks();
    const pipeline = await start(camera!, 'grayscale');
    for (const effect of ['blur', 'grayscale', 'sepia', 'invert', 'brightness'] as const) {
      await pipeline.setEffect(effect);
      const image = await latestPixels(pipeline.track, 3);
      expect([image.width, image.height], effect).to.deep.equal([1280, 720]);
    }
  });

  it('with `none`, the camera effect sends the camera track itself and runs nothing', async () => {
    const [camera] = (await fakeCamera()).getVideoTracks();
    const effect = new CameraEffect('');
    expect(await effect.apply(camera!, 'none'), 'nothing to replace').to.equal(false);
    expect(effect.track).to.equal(null);

    expect(await effect.apply(camera!, 'grayscale'), 'the processed track replaces the camera').to.equal(true);
    const processed = effect.track!;
    expect(processed).to.not.equal(camera);
    expect(await effect.apply(camera!, 'sepia'), 'a switch keeps the track').to.equal(false);
    expect(effect.track).to.equal(processed);

    expect(await effect.apply(camera!, 'none'), 'the camera is sent again').to.equal(true);
    expect(effect.track).to.equal(null);
    expect(processed.readyState, 'the effect ended with `none`').to.equal('ended');
    expect(camera!.readyState, 'the camera is the caller’s').to.equal('live');
    effect.stop();
  });

  it('quick changes apply in order and end in the last one', async () => {
    const source = solidTrack([200, 100, 50]);
    const effect = new CameraEffect('');
    const changes = [effect.apply(source, 'grayscale'), effect.apply(source, 'invert'), effect.apply(source, 'sepia')];
    expect(await Promise.all(changes)).to.deep.equal([true, false, false]);
    expect(effect.effect).to.equal('sepia');
    expectClose(await centre(effect.track!), CSS.sepia([200, 100, 50]), 3, 'the last change');
    effect.stop();
  });

  it('CameraEffect.stop() during a slow start (model loading) leaves nothing running', async () => {
    const [camera] = (await fakeCamera()).getVideoTracks();
    const effect = new CameraEffect(ASSETS);
    const applying = effect.apply(camera!, 'background-blur');
    await new Promise((r) => setTimeout(r, 100)); // the model is loading (it takes about a second)
    effect.stop();
    expect(await applying, 'the camera stays what is sent').to.equal(false);
    expect(effect.track).to.equal(null);
  });

  it('ends its output track when stopped, and by itself when the source ends', async () => {
    const first = await start(solidTrack([10, 20, 30]), 'invert');
    first.stop();
    expect(first.track.readyState).to.equal('ended');

    const source = solidTrack([10, 20, 30]);
    const second = await start(source, 'invert');
    await latestPixels(second.track, 1);
    source.stop();
    const deadline = performance.now() + 3000;
    while (!second.stopped && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(second.stopped, 'pipeline noticed its source ended').to.equal(true);
    expect(second.track.readyState).to.equal('ended');
  });

  it('reads the attribute: names, empty as none, the rest null', () => {
    expect(EFFECTS).to.deep.equal(['none', 'blur', 'grayscale', 'sepia', 'invert', 'brightness', 'background-blur']);
    expect(parseEffect(null)).to.equal('none');
    expect(parseEffect(' Sepia ')).to.equal('sepia');
    expect(parseEffect('background-blur')).to.equal('background-blur');
    expect(parseEffect('vignette')).to.equal(null);
  });
});

describe('video effects: background-blur', () => {
  it('loads its model only from the given base URL and blurs what is not a person', async () => {
    const [camera] = (await fakeCamera()).getVideoTracks();
    const raw = await latestPixels(camera!, 2);
    const pipeline = await start(camera!, 'background-blur', { assetsBaseUrl: ASSETS });
    // The fake camera shows no person: everything counts as background.
    const image = await latestPixels(pipeline.track, 6);
    expect([image.width, image.height]).to.deep.equal([1280, 720]);
    expect(sharpness(image)).to.be.below(sharpness(raw) * 0.5);
    // The model loads in the effects worker: its resource timing, not the page's, lists the files.
    expect(
      performance.getEntriesByType('resource').filter((e) => /selfie_segmentation/.test(e.name)),
      'nothing of the model on the page',
    ).to.deep.equal([]);
    const fetched = (await pipeline.fetched()).map((url) => new URL(url));
    const modelFiles = fetched.filter((u) => /selfie_segmentation/.test(u.pathname));
    expect(modelFiles.map((u) => u.pathname)).to.include.members([
      `${ASSETS}selfie_segmentation.js`,
      `${ASSETS}selfie_segmentation_landscape.tflite`,
    ]);
    for (const url of modelFiles)
      expect(url.origin + url.pathname, 'served by our server').to.equal(
        location.origin + ASSETS + url.pathname.slice(ASSETS.length),
      );
  });

  it('keeps its blurred background in step with the camera: a new picture shows within a few frames', async () => {
    // Remade every third frame and copied in between (blurred-background.ts): it must never stop following.
    // A flat colour has no person in it, so the output is that background, blurred: the same colour.
    let colour: Rgb = [200, 40, 40];
    const source = canvasTrack((context, width, height) => {
      context.fillStyle = `rgb(${colour.join(', ')})`;
      context.fillRect(0, 0, width, height);
    });
    const pipeline = await start(source, 'background-blur', { assetsBaseUrl: ASSETS });
    expectClose(colourAt(await latestPixels(pipeline.track, 8), 160, 120), colour, 12, 'the first picture');
    colour = [40, 60, 200];
    expectClose(colourAt(await latestPixels(pipeline.track, 8), 160, 120), colour, 12, 'the new picture');
  });

  it('fails with effect_unavailable without a model URL, and keeps the effect that was running', async () => {
    const source = solidTrack([200, 100, 50]);
    const pipeline = await start(source, 'grayscale');
    const error = await pipeline.setEffect('background-blur').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EffectError);
    expect((error as EffectError).code).to.equal('effect_unavailable');
    expect(pipeline.effect).to.equal('grayscale');
    expect(pipeline.track.readyState).to.equal('live');
  });

  it('fails with a message naming the URL when the model is not served there', async () => {
    const error = await VideoEffects.start(solidTrack([1, 2, 3]), 'background-blur', {
      assetsBaseUrl: '/no-such-models/',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EffectError);
    expect((error as Error).message).to.contain('/no-such-models/');
  });
});
