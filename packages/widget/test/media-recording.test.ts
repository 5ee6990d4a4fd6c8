/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { CallRecorder, recordingMimeType, type Recording } from '../src/media/recording/index.js';
import { colourAt, fakeCamera, solidTrack, stopSources, type Rgb } from './media-sources.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A tone as a track, the second participant's "voice". */
function toneTrack(): { track: MediaStreamTrack; close: () => void } {
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const destination = context.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  return { track: destination.stream.getAudioTracks()[0]!, close: () => void context.close() };
}

/**
 * The recording's length as a player finds it. Chrome's MediaRecorder writes WebM without a duration, so a
 * <video> first says Infinity; seeking far past the end makes it read the file through, after which
 * `duration` is the real one.
 */
async function playableDuration(video: HTMLVideoElement): Promise<number> {
  if (video.readyState < HTMLMediaElement.HAVE_METADATA)
    await new Promise((r) => video.addEventListener('loadedmetadata', r, { once: true }));
  if (Number.isFinite(video.duration)) return video.duration;
  const known = new Promise((r) => video.addEventListener('durationchange', r));
  video.currentTime = 1e9;
  while (!Number.isFinite(video.duration)) await Promise.race([known, sleep(100)]);
  return video.duration;
}

/**
 * A muted <video> of `blob`, on screen: Chromium stops presenting (and may stop decoding) the pictures of a
 * muted video that is out of the page or out of view, which would leave the player on an old frame.
 */
function videoOf(blob: Blob): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.style.cssText = 'position: fixed; top: 0; left: 0; width: 320px; height: 180px; z-index: 1';
  video.src = URL.createObjectURL(blob);
  document.body.append(video);
  closers.push(() => {
    video.remove();
    URL.revokeObjectURL(video.src);
  });
  return video;
}

/** The colours at `points` of the picture the video shows now. */
function coloursShown(video: HTMLVideoElement, points: Array<[number, number]>): Rgb[] {
  const context = new OffscreenCanvas(1280, 720).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(video, 0, 0, 1280, 720);
  const image = context.getImageData(0, 0, 1280, 720);
  return points.map(([x, y]) => colourAt(image, x, y, 16));
}

/** Plays the video to its end (muted); resolves with the frames the player decoded. */
async function playThrough(video: HTMLVideoElement): Promise<number> {
  await video.play();
  const deadline = performance.now() + 10_000;
  while (!video.ended && performance.now() < deadline) await sleep(100);
  expect(video.ended, 'played to the end').to.equal(true);
  return video.getVideoPlaybackQuality().totalVideoFrames;
}

/** The WebM's codec ids, read from its EBML header bytes (CodecID elements hold e.g. V_VP8, A_OPUS). */
async function codecIds(blob: Blob): Promise<string[]> {
  const text = new TextDecoder('latin1').decode(await blob.slice(0, 4096).arrayBuffer());
  return [...new Set(text.match(/[AV]_[A-Z0-9]{3,8}/g) ?? [])];
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
  stopSources();
});

describe('CallRecorder', () => {
  it('picks a WebM with VP8 or VP9 and Opus in Chromium', () => {
    expect(recordingMimeType()).to.match(/^video\/webm;codecs=vp[89],opus$/);
  });

  it('records two participants, the second joining after a second, as one playable WebM with both tiles and audio', async () => {
    const camera = await fakeCamera(true); // the local participant: fake camera and microphone
    const tone = toneTrack();
    closers.push(tone.close);
    const blue = new MediaStream([solidTrack([0, 0, 255]), tone.track]); // a remote: a blue picture and a tone

    const recorder = new CallRecorder();
    const started = performance.now();
    await recorder.start([camera]);
    await sleep(1000);
    recorder.setStreams([camera, blue]);
    await sleep(2000);
    const recording: Recording = await recorder.stop();
    const elapsed = performance.now() - started;

    expect(recording.mimeType).to.match(/^video\/webm/);
    expect(recording.blob.size).to.be.above(20_000);
    expect(recording.durationMs).to.be.within(2900, elapsed + 50);
    const codecs = await codecIds(recording.blob);
    expect(
      codecs.some((c) => c === 'V_VP8' || c === 'V_VP9'),
      codecs.join(),
    ).to.equal(true);
    expect(codecs, 'an audio track').to.include('A_OPUS');

    const video = videoOf(recording.blob);
    const duration = await playableDuration(video);
    expect(duration, 'seconds, as a player reads them').to.be.within(2.5, 3.6);
    expect([video.videoWidth, video.videoHeight]).to.deep.equal([1280, 720]);

    // Left and right of the middle: the camera alone (full width) first, two tiles side by side at the end.
    // (Read from the first and last pictures as played: seeking into the middle of a WebM without cues is
    // only as precise as its keyframes.)
    const isBlue = ([r, g, b]: Rgb): boolean => b > 180 && r < 60 && g < 60;
    const first = videoOf(recording.blob);
    await new Promise((r) => first.addEventListener('loadeddata', r, { once: true }));
    const [earlyLeft, earlyRight] = coloursShown(first, [
      [320, 360],
      [960, 360],
    ]);
    expect(isBlue(earlyLeft!) || isBlue(earlyRight!), 'only the camera at first').to.equal(false);
    // A moving picture, not a still: how many frames depends on the CPU left for the encoder (2 shared cores in CI).
    expect(await playThrough(first), 'frames decoded playing it').to.be.above(4);
    // At 'ended' a player under load may not have presented the last frame yet: give it a moment.
    let late = coloursShown(first, [
      [320, 360],
      [960, 360],
    ]);
    for (
      const deadline = performance.now() + 3000;
      !isBlue(late[1]!) && performance.now() < deadline;
      await sleep(100)
    ) {
      late = coloursShown(first, [
        [320, 360],
        [960, 360],
      ]);
    }
    expect(
      isBlue(late[1]!),
      `the blue participant on the right after joining (${late[1]!.map(Math.round).join()})`,
    ).to.equal(true);
    expect(isBlue(late[0]!), 'the camera on the left').to.equal(false);

    // The audio decodes to about the same length, and is not silence.
    const audio = await new AudioContext().decodeAudioData(await recording.blob.arrayBuffer());
    expect(audio.duration).to.be.within(2.5, 3.6);
    const samples = audio.getChannelData(0);
    const loudest = samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(loudest, 'peak amplitude').to.be.above(0.05);
  });

  it('frees what it made when stopped, and leaves the participants’ tracks running', async () => {
    const camera = await fakeCamera(true);
    const recorder = new CallRecorder({ width: 640, height: 360 });
    await recorder.start([camera]);
    await sleep(500);
    const { blob } = await recorder.stop();
    expect(blob.size).to.be.above(0);
    expect(recorder.recording).to.equal(false);
    expect(camera.getTracks().map((t) => t.readyState)).to.deep.equal(['live', 'live']);
  });
});
