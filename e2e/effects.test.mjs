// End to end, two browsers in a call: an effect set on one widget is what the other decodes — grayscale
// frames have R ≈ G ≈ B, sepia has its warm ratios, invert turns the picture over, background-blur keeps a
// person sharp and blurs what is behind them — and switching effects mid-call keeps the same peer connection,
// with no new offer. The effects run in a worker started from the host page (another origin than the service).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { Participant, closeAll } from './support/participant.mjs';
import { FRAME, REGIONS, personCameraFile } from './support/person-camera.mjs';
import { recordPeerConnections } from './support/peer-connections.mjs';
import { suiteStack } from './support/stack.mjs';

/**
 * In the page: the mean colour of a video of the widget (`part`: remote-video or local-video) over a grid of
 * pixels (ignoring near-black ones), how far they are from grey on average, and the share of warm ones.
 */
function colourOf(part) {
  const video = document.querySelector('video-chat-widget').shadowRoot.querySelector(`video[part="${part}"]`);
  const canvas = new OffscreenCanvas(160, 120);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0, 160, 120);
  const { data } = context.getImageData(0, 0, 160, 120);
  let r = 0,
    g = 0,
    b = 0,
    chroma = 0,
    warm = 0,
    n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [pr, pg, pb] = [data[i], data[i + 1], data[i + 2]];
    if (pr + pg + pb < 60) continue;
    r += pr;
    g += pg;
    b += pb;
    n++;
    chroma += Math.max(pr, pg, pb) - Math.min(pr, pg, pb);
    if (pr >= pg - 3 && pg >= pb - 3 && pr - pb > 6) warm++;
  }
  return { r: r / n, g: g / n, b: b / n, chroma: chroma / n, warm: warm / n, pixels: n };
}

/** Waits until the picture `viewer` shows in `part` satisfies `check`; returns its colours. */
const sees = (viewer, check, what, { part = 'remote-video', timeoutMs = 10_000 } = {}) =>
  viewer.until(colourOf, part, check, what, timeoutMs);

/**
 * In the page: the remote video drawn back at the source image's scale, and the mean step between neighbouring
 * pixels (their detail) in each of `regions` (rectangles of the source image, see person-camera.mjs).
 */
function detailOf({ regions, frame }) {
  const video = document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]');
  const [width, height] = [frame.width / frame.scale, frame.height / frame.scale];
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  const luma = (x, y) => data[(y * width + x) * 4 + 1];
  const detail = {};
  for (const [name, [x0, y0, x1, y1]] of Object.entries(regions)) {
    let steps = 0,
      n = 0;
    for (let y = Math.max(0, y0 - frame.top); y < Math.min(height - 1, y1 - frame.top); y++) {
      for (let x = x0; x < Math.min(width - 1, x1); x++, n++) {
        steps += Math.abs(luma(x, y) - luma(x + 1, y)) + Math.abs(luma(x, y) - luma(x, y + 1));
      }
    }
    detail[name] = steps / (2 * n);
  }
  return detail;
}

/** Waits until the detail of the regions `viewer` shows satisfies `check`; returns it. */
const detailIn = (viewer, check, what, timeoutMs = 10_000) =>
  viewer.until(detailOf, { regions: REGIONS, frame: FRAME }, check, what, timeoutMs);

const setEffect = (p, value) =>
  p.page.evaluate((v) => document.querySelector('video-chat-widget').setAttribute('effects', v), value);
// The connections that carry a call (a remote description applied; not one made ahead for a newcomer yet to come).
const calls = (p) => p.page.evaluate(() => window.peerConnections.filter((pc) => pc.remoteDescription).length);
const negotiations = (p) =>
  p.page.evaluate(() => window.peerConnections.filter((pc) => pc.remoteDescription).map((pc) => pc.states.length));

describe('video effects between two browsers', () => {
  const suite = suiteStack();

  it('grayscale, sepia and invert are what the other side decodes; switching keeps the same connection', async () => {
    const [ada, grace] = await Participant.inCall(
      suite.stack,
      'effects',
      ['Ada', 'Grace'],
      { initScript: recordPeerConnections },
      suite.opened,
    );
    const original = await sees(grace, (c) => c.pixels > 1000 && c.chroma > 20 && c.warm < 0.5, 'the camera in colour');
    console.log(`# the camera as Grace sees it: ${JSON.stringify(original)}`);
    const connections = await calls(ada);
    const before = await negotiations(ada);

    await setEffect(ada, 'grayscale');
    const grey = await sees(grace, (c) => c.chroma < 6, 'grayscale: R ≈ G ≈ B');
    assert.ok(Math.abs(grey.r - grey.g) < 4 && Math.abs(grey.g - grey.b) < 4, JSON.stringify(grey));

    await setEffect(ada, 'sepia');
    // Sepia maps every colour onto one warm hue: each pixel has R ≥ G ≥ B (bright ones clip at 255).
    await sees(grace, (c) => c.warm > 0.9 && c.r > c.g && c.g > c.b, 'sepia: every pixel warm, R ≥ G ≥ B');

    await setEffect(ada, 'invert');
    const inverted = await sees(
      grace,
      (c) => Math.abs(c.g - (255 - original.g)) < 40,
      'invert: the picture turned over',
    );
    assert.ok(
      Math.abs(inverted.r + original.r - 255) < 45 && Math.abs(inverted.b + original.b - 255) < 45,
      `${JSON.stringify(inverted)} vs ${JSON.stringify(original)}`,
    );

    await setEffect(ada, 'none');
    await sees(grace, (c) => c.chroma > 20, 'back in colour');
    assert.equal(await calls(ada), connections, 'no new peer connection');
    assert.deepEqual(await negotiations(ada), before, 'no new offer or answer on any connection');
    assert.deepEqual(
      (await ada.events('vc-error')).map((e) => e.detail.code),
      [],
    );

    // The self-view shows what the others get.
    await setEffect(ada, 'grayscale');
    await sees(ada, (c) => c.chroma < 6, 'the self-view in grayscale', { part: 'local-video' });
  });

  it('background-blur keeps the person sharp and blurs the rest, with the model the service serves', async () => {
    // Ada's camera shows a person: the cameraman test image (e2e/support/person-camera.mjs).
    const personBrowser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs({ cameraFile: personCameraFile() }),
    });
    try {
      const ada = await Participant.open(suite.stack, {
        room: 'background',
        name: 'Ada',
        quality: 'low',
        browser: personBrowser,
      });
      suite.opened.push(ada);
      await ada.join();
      await ada.waitForEvent('vc-join');
      const grace = await Participant.open(suite.stack, { room: 'background', name: 'Grace' });
      suite.opened.push(grace);
      await grace.join();
      for (const p of [ada, grace]) await p.seesRemoteVideos(1);
      const fetched = [];
      ada.page.on('request', (request) => fetched.push(request.url()));
      const sharp = await detailIn(grace, (d) => d.person > 4 && d.background > 2, 'the person and the field in focus');
      // The model itself is fetched once the segmenter first runs, which may be after the first blurred frames.
      const model = ada.page.waitForRequest((request) => request.url().endsWith('.tflite'), { timeout: 45_000 });
      await setEffect(ada, 'background-blur');
      await detailIn(grace, (d) => d.background < sharp.background * 0.5, 'the background blurred', 45_000);
      // Until the model's first mask, the whole picture is blurred; then the person comes back into focus.
      const blurred = await detailIn(
        grace,
        (d) => d.person > sharp.person * 0.75 && d.background < sharp.background * 0.5,
        'the person sharp, the background blurred',
        45_000,
      );
      // And stays so, frame after frame.
      for (let i = 0; i < 5; i++) {
        const now = await detailIn(grace, () => true, 'a frame');
        assert.ok(
          now.background < sharp.background * 0.6,
          `the background stays blurred: ${JSON.stringify({ sharp, now })}`,
        );
        assert.ok(now.person > sharp.person * 0.75, `the person stays sharp: ${JSON.stringify({ sharp, now })}`);
        await new Promise((r) => setTimeout(r, 300));
      }
      console.log(
        `# background-blur: detail (mean neighbour step) of the person ${sharp.person.toFixed(1)} -> ${blurred.person.toFixed(1)}, of the background ${sharp.background.toFixed(1)} -> ${blurred.background.toFixed(1)}`,
      );
      await model;
      const models = fetched.filter((url) => /selfie_segmentation/.test(url));
      assert.ok(
        models.some((url) => url.endsWith('.tflite')),
        `the model was fetched: ${models.join(', ')}`,
      );
      for (const url of models)
        assert.ok(url.startsWith(`${suite.stack.serviceUrl}/models/selfie-segmentation/`), `from the service: ${url}`);
      // The model runs in the effects worker (a blob worker of the host page, importing its code from the
      // service): the page's own resource timing lists none of the model's files.
      assert.ok(
        ada.page.workers().some((worker) => worker.url().startsWith('blob:')),
        'an effects worker runs',
      );
      const onPage = await ada.page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((name) => /selfie_segmentation/.test(name)),
      );
      assert.deepEqual(onPage, [], 'the page itself loaded nothing of the model');
      assert.deepEqual(
        (await ada.events('vc-error')).map((e) => e.detail.code),
        [],
      );
    } finally {
      await closeAll(suite.opened);
      await personBrowser.close();
    }
  });
});
