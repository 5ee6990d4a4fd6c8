#!/usr/bin/env node
// bench/call-setup: how long from the second participant's Join click until *both* sides show a decoded
// remote frame, against the lower bound of two RTCPeerConnections connected inside one page (createOffer to
// first frames both ways). Prints median and p90 of each and their ratio. Target: ratio <= 1.3.
// Run inside a loopback-only namespace: `npm run bench` (or node scripts/in-loopback-netns.mjs node bench/call-setup.mjs [trials]).
import { Participant } from '../e2e/support/participant.mjs';
import { startStack } from '../e2e/support/stack.mjs';

const TRIALS = Math.max(20, Number(process.argv[2] ?? 20) || 20);

/** Resolves in the page with the time (ms, shared clock) of the first frame presented by `video`. */
const FIRST_FRAME = `(video) => new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.timeOrigin + performance.now())))`;

/** Starts watching, in a participant's page, for the first decoded remote frame; `firstRemoteFrame` reads it. */
async function watchFirstRemoteFrame(page) {
  await page.evaluate((firstFrame) => {
    const watch = eval(firstFrame);
    window.firstRemoteFrame = new Promise((resolve) => {
      const poll = () => {
        const video = document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]');
        if (video) watch(video).then(resolve);
        else setTimeout(poll, 2);
      };
      poll();
    });
  }, FIRST_FRAME);
}

const firstRemoteFrame = (page) => page.evaluate(() => window.firstRemoteFrame);

async function widgetTrial(stack, trial) {
  const room = `bench-${trial}`;
  const a = await Participant.open(stack, { room, name: 'A' });
  const b = await Participant.open(stack, { room, name: 'B' });
  try {
    await a.join();
    await a.waitForEvent('vc-join');
    // Both pre-join screens are ready (camera open, socket connected), as a user who is about to click sees them
    // after checking their camera (nothing opens before the visitor asks: "Check camera").
    await b.button('check-camera-button').click();
    await b.page.waitForFunction(() => document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="local-video"]')?.videoWidth > 0);
    await b.page.waitForFunction(() => document.querySelector('video-chat-widget').state === 'prejoin');
    await new Promise((r) => setTimeout(r, 500)); // the user looks at their preview before clicking
    await watchFirstRemoteFrame(a.page);
    await watchFirstRemoteFrame(b.page);
    const clickedAt = await b.page.evaluate(() => {
      const at = performance.timeOrigin + performance.now();
      document.querySelector('video-chat-widget').shadowRoot.querySelector('[part="join-button"]').click();
      return at;
    });
    const [ta, tb] = await Promise.all([firstRemoteFrame(a.page), firstRemoteFrame(b.page)]);
    return Math.max(ta, tb) - clickedAt;
  } finally {
    await a.close();
    await b.close();
  }
}

/** Two RTCPeerConnections in one page with the same camera constraints as the widget: the floor. */
async function loopbackTrial(stack) {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${stack.siteOrigin}/call.html`); // any page of the site: a secure-enough origin for getUserMedia
    return await page.evaluate(async (firstFrame) => {
      const watch = eval(firstFrame);
      const constraints = { audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } };
      const [streamA, streamB] = await Promise.all([navigator.mediaDevices.getUserMedia(constraints), navigator.mediaDevices.getUserMedia(constraints)]);
      const a = new RTCPeerConnection();
      const b = new RTCPeerConnection();
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      const frames = [a, b].map(
        (pc) =>
          new Promise((resolve) => {
            pc.ontrack = ({ track, streams }) => {
              if (track.kind !== 'video') return;
              const video = document.createElement('video');
              video.muted = true;
              video.autoplay = true;
              video.playsInline = true;
              video.srcObject = streams[0] ?? new MediaStream([track]);
              document.body.append(video);
              watch(video).then(resolve);
            };
          }),
      );
      const start = performance.timeOrigin + performance.now();
      for (const t of streamA.getTracks()) a.addTrack(t, streamA);
      const offer = await a.createOffer();
      await a.setLocalDescription(offer);
      await b.setRemoteDescription(offer);
      for (const t of streamB.getTracks()) b.addTrack(t, streamB);
      const answer = await b.createAnswer();
      await b.setLocalDescription(answer);
      await a.setRemoteDescription(answer);
      const [fa, fb] = await Promise.all(frames);
      const elapsed = Math.max(fa, fb) - start;
      for (const pc of [a, b]) pc.close();
      for (const t of [...streamA.getTracks(), ...streamB.getTracks()]) t.stop();
      return elapsed;
    }, FIRST_FRAME);
  } finally {
    await context.close();
  }
}

function quantile(sorted, q) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

// Every trial opens two connections from 127.0.0.1; the per-address handshake limit is not what is measured.
const stack = await startStack({ env: { RATE_LIMIT_HANDSHAKES_PER_MINUTE: '0' } });
try {
  const widget = [];
  const loopback = [];
  await widgetTrial(stack, 'warmup');
  await loopbackTrial(stack);
  for (let i = 0; i < TRIALS; i++) {
    // Interleaved, so drift in machine load touches both series alike.
    widget.push(await widgetTrial(stack, i));
    loopback.push(await loopbackTrial(stack));
    process.stderr.write(`trial ${i + 1}/${TRIALS}: widget ${widget.at(-1).toFixed(0)} ms, in-page ${loopback.at(-1).toFixed(0)} ms\n`);
  }
  const w = [...widget].sort((x, y) => x - y);
  const l = [...loopback].sort((x, y) => x - y);
  const row = (name, s) => `${name.padEnd(44)} median ${quantile(s, 0.5).toFixed(0).padStart(5)} ms   p90 ${quantile(s, 0.9).toFixed(0).padStart(5)} ms`;
  console.log(`\ncall-setup over ${TRIALS} trials (Chromium ${stack.browser.version()}, loopback-only network)`);
  console.log(row('widget: Join click -> remote frame, both sides', w));
  console.log(row('lower bound: in-page RTCPeerConnection pair', l));
  console.log(`ratio (widget / lower bound)                 median ${(quantile(w, 0.5) / quantile(l, 0.5)).toFixed(2)}        p90 ${(quantile(w, 0.9) / quantile(l, 0.9)).toFixed(2)}   (target <= 1.3)`);
} finally {
  await stack.stop();
}
