// End to end, two browsers in a call: Ada records with the record button once Grace allowed it. The file is a
// WebM a player plays, with video and sound, as long as the time recorded; both saw the indicator meanwhile.
// A decline cancels the recording before anything was recorded, and nobody ever sees the indicator. Someone who
// agreed may leave themselves out while it runs: the file goes on without their picture.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

/**
 * In the page: notes when the recording indicator first appears in the widget and when it goes again, from
 * every node added (so even a flash between two polls counts).
 */
function watchIndicator() {
  const root = document.querySelector('video-chat-widget').shadowRoot;
  const selector = '[part="recording-indicator"]';
  const watch = (window.indicator = { shownAt: root.querySelector(selector) ? Date.now() : null, goneAt: null });
  new MutationObserver((records) => {
    const added = records.some((r) =>
      [...r.addedNodes].some((n) => n instanceof Element && (n.matches(selector) || n.querySelector(selector))),
    );
    if (added && watch.shownAt === null) watch.shownAt = Date.now();
    if (watch.shownAt !== null && watch.goneAt === null && !root.querySelector(selector)) watch.goneAt = Date.now();
  }).observe(root, { childList: true, subtree: true });
}

/**
 * In the page: the recording of the last `vc-recording-ready`, as a player finds it. Chrome's MediaRecorder writes
 * WebM without a duration, so a <video> first says Infinity; seeking far past the end makes it read the file
 * through, after which `duration` is the real one. Then it plays a second of it, and decodes the sound.
 */
async function playRecording() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const { blob, mimeType, durationMs } = window.vcEvents.findLast((e) => e.type === 'vc-recording-ready').detail;
  const video = document.createElement('video');
  video.muted = true;
  // On screen: Chromium may stop decoding a muted video that is out of view.
  video.style.cssText = 'position: fixed; top: 0; left: 0; width: 320px; height: 180px; z-index: 10';
  video.src = URL.createObjectURL(blob);
  document.body.append(video);
  await new Promise((resolve, reject) => {
    video.addEventListener('loadedmetadata', resolve, { once: true });
    video.addEventListener('error', () => reject(new Error(`not playable: ${video.error?.message}`)), { once: true });
  });
  if (!Number.isFinite(video.duration)) {
    const known = new Promise((r) => video.addEventListener('durationchange', r));
    video.currentTime = 1e9;
    while (!Number.isFinite(video.duration)) await Promise.race([known, sleep(100)]);
  }
  const duration = video.duration;
  video.currentTime = 0;
  await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
  await video.play();
  await sleep(1000);
  const frames = video.getVideoPlaybackQuality().totalVideoFrames;
  video.pause();
  const audio = await new AudioContext().decodeAudioData(await blob.arrayBuffer());
  const samples = audio.getChannelData(0);
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  const header = new TextDecoder('latin1').decode(await blob.slice(0, 4096).arrayBuffer());
  return {
    mimeType,
    type: blob.type,
    size: blob.size,
    durationMs,
    duration,
    width: video.videoWidth,
    height: video.videoHeight,
    frames,
    audioDuration: audio.duration,
    peak,
    codecs: [...new Set(header.match(/[AV]_[A-Z0-9]{3,8}/g) ?? [])],
  };
}

/**
 * In the page: how much of the top of the last recording's picture is the dark background, at `times` (in
 * seconds from its start). Two participants side by side leave dark bands above and below their pictures; one
 * alone fills the frame.
 */
async function darkTopAt(times) {
  const { blob } = window.vcEvents.findLast((e) => e.type === 'vc-recording-ready').detail;
  const video = document.createElement('video');
  video.muted = true;
  video.src = URL.createObjectURL(blob);
  await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
  if (!Number.isFinite(video.duration)) {
    video.currentTime = 1e9;
    while (!Number.isFinite(video.duration)) await new Promise((r) => setTimeout(r, 100));
  }
  const context = new OffscreenCanvas(160, 90).getContext('2d', { willReadFrequently: true });
  const shares = [];
  for (const t of times) {
    video.currentTime = t < 0 ? video.duration + t : t;
    await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
    context.drawImage(video, 0, 0, 160, 90);
    const { data } = context.getImageData(0, 0, 160, 12); // the top eighth
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 90) dark++;
    shares.push(dark / (data.length / 4));
  }
  return shares;
}

const indicator = (p) => p.page.evaluate(() => window.indicator);

/**
 * Waits until `recorder`'s page has the answer `answerer` last gave on screen (the recorder follows an answer as it
 * arrives), with ordering barriers: the answer went out on the answerer's connection before its marker, so the
 * service relayed it to the recorder before answering that marker, and so before the recorder's own marker.
 * Resolves with the recorder's page time then: from there on, the recording has the change.
 */
async function followedByRecorder(answerer, recorder) {
  await answerer.barrier();
  await recorder.barrier();
  return recorder.pageTime();
}

describe('recording a call between two browsers', () => {
  const suite = suiteStack();

  it('records once the other allowed it: a playable WebM with video and sound, as long as the time recorded', async () => {
    const [ada, grace] = await Participant.inCall(suite.stack, 'recorded', ['Ada', 'Grace'], {}, suite.opened);
    for (const p of [ada, grace]) await p.page.evaluate(watchIndicator);

    await ada.button('record-button').click();
    await grace.part('[part="recording-consent"]').waitFor({ timeout: 5000 });
    assert.match(await grace.part('[part="recording-consent"] p').innerText(), /Ada wants to record this call/);
    assert.equal((await indicator(ada)).shownAt, null, 'no indicator before Grace agreed');
    await grace.button('recording-allow-button').click();
    await ada.part('[part="recording-indicator"]').waitFor({ timeout: 5000 });
    await grace.part('[part="recording-indicator"]').waitFor({ timeout: 5000 });
    assert.match(await grace.part('[part="recording-indicator"]').innerText(), /Recording/);

    await new Promise((r) => setTimeout(r, 4000));
    await ada.button('record-button').click();
    const ready = await ada.waitForEvent('vc-recording-ready');
    await grace.part('[part="recording-indicator"]').waitFor({ state: 'detached', timeout: 5000 });
    // The time recorded, as Ada saw it: while her indicator was on.
    const { shownAt, goneAt } = await indicator(ada);
    const recordedSeconds = (goneAt - shownAt) / 1000;
    assert.ok(recordedSeconds > 4, `recorded for ${recordedSeconds} s`);

    const file = await ada.page.evaluate(playRecording);
    assert.match(file.mimeType, /^video\/webm/);
    assert.equal(file.type, file.mimeType);
    assert.ok(file.size > 50_000, `${file.size} bytes`);
    assert.ok(
      file.codecs.some((c) => c === 'V_VP8' || c === 'V_VP9'),
      file.codecs.join(),
    );
    assert.ok(file.codecs.includes('A_OPUS'), file.codecs.join());
    assert.deepEqual([file.width, file.height], [1280, 720]);
    assert.ok(file.frames >= 10, `${file.frames} frames decoded in a second of playing`);
    assert.ok(
      Math.abs(file.duration - recordedSeconds) < 1,
      `plays ${file.duration} s; recorded for ${recordedSeconds} s`,
    );
    assert.ok(
      Math.abs(file.duration - file.durationMs / 1000) < 0.6,
      `plays ${file.duration} s; durationMs ${file.durationMs}`,
    );
    assert.ok(Math.abs(file.audioDuration - file.duration) < 0.6, `sound ${file.audioDuration} s`);
    assert.ok(file.peak > 0.01, `the sound is not silence (peak ${file.peak})`);
    assert.ok(ready.at >= goneAt);

    assert.match(await ada.part('[part="recording-download"]').getAttribute('href'), /^blob:/);
    assert.deepEqual(await grace.events('vc-recording-ready'), [], 'only the recorder gets the file');
    for (const p of [ada, grace]) {
      assert.deepEqual(await p.events('vc-error'), []);
      assert.deepEqual(p.pageErrors, []);
    }
  });

  it('a decline cancels it: Ada is told, and nobody ever sees the indicator', async () => {
    const [ada, grace] = await Participant.inCall(suite.stack, 'declined', ['Ada', 'Grace'], {}, suite.opened);
    for (const p of [ada, grace]) await p.page.evaluate(watchIndicator);

    await ada.button('record-button').click();
    await ada.part('[part="recording-pending"]').waitFor({ timeout: 5000 });
    await grace.button('recording-decline-button').click();
    const refused = await ada.waitForEvent('vc-error', (d) => d.code === 'recording_declined');
    assert.equal(refused.detail.fatal, false);
    await ada.part('[part="recording-pending"]').waitFor({ state: 'detached', timeout: 5000 });
    await grace.part('[part="recording-consent"]').waitFor({ state: 'detached', timeout: 5000 });
    // Grace's decline reached Ada, so whatever the service sent either of them about it came before a marker now.
    for (const p of [ada, grace]) await p.barrier();
    for (const p of [ada, grace]) {
      assert.deepEqual(await indicator(p), { shownAt: null, goneAt: null }, `${p.name} never saw the indicator`);
      assert.deepEqual(await p.events('vc-recording-ready'), []);
    }
    assert.equal(await ada.button('record-button').isEnabled(), true, 'Ada may ask again');
  });
  it('someone who agreed leaves themselves out mid-recording: it goes on without their picture, until they come back', async () => {
    const [ada, grace] = await Participant.inCall(suite.stack, 'change-of-mind', ['Ada', 'Grace'], {}, suite.opened);
    await ada.page.evaluate(watchIndicator);
    await ada.button('record-button').click();
    await grace.button('recording-allow-button').click();
    await grace.part('[part="recording-indicator"]').waitFor({ timeout: 5000 });
    // Recorded time in each state. Each change is timed from when Ada's recorder followed it, not from Grace's
    // click: on a loaded machine the answer reaches Ada's page seconds after the click.
    const pause = () => new Promise((r) => setTimeout(r, 2500));
    await pause();

    await grace.button('recording-leave-out-button').click();
    await grace.part('[part="recording-left-out"]').waitFor({ timeout: 5000 });
    assert.match(await grace.part('[part="recording-indicator"]').innerText(), /Recording/, 'the recording goes on');
    const leftAt = await followedByRecorder(grace, ada);
    await pause();
    const beforeBack = await ada.pageTime();
    await grace.button('recording-include-button').click();
    await grace.part('[part="recording-leave-out-button"]').waitFor({ timeout: 5000 });
    await followedByRecorder(grace, ada);
    await pause();
    await ada.button('record-button').click();
    await ada.waitForEvent('vc-recording-ready');

    // Side by side, there are dark bands above both pictures; Ada alone fills the frame.
    const start = (await indicator(ada)).shownAt;
    const [before, without, after] = await ada.page.evaluate(darkTopAt, [
      1,
      (leftAt + beforeBack) / 2000 - start / 1000,
      -0.5,
    ]);
    console.log(
      `# recording while Grace left herself out: share of the top that is background ${before.toFixed(2)} -> ${without.toFixed(2)} -> ${after.toFixed(2)}`,
    );
    assert.ok(before > 0.9, `both side by side at first: ${before} of the top is background`);
    assert.ok(without < 0.1, `Ada alone while Grace was left out: ${without} of the top is background`);
    assert.ok(after > 0.9, `both again once Grace came back: ${after} of the top is background`);
    await grace.part('[part="recording-indicator"]').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(
      await grace.part('[part="recording-leave-out-button"]').count(),
      0,
      'nothing left to choose once it stopped',
    );
    for (const p of [ada, grace]) assert.deepEqual(await p.events('vc-error'), []);
  });
});
