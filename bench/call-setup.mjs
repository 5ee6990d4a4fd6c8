#!/usr/bin/env node
// bench/call-setup: how long from the second participant's Join click until *both* sides show a decoded
// remote frame, against the floor: two RTCPeerConnections connected inside one page (createOffer to first
// frames both ways) with what the widget sends — the same capture (1280x720 at 30 fps, the `medium` quality)
// and the same sender settings (max bitrate 1.5 Mbps, degradationPreference `maintain-resolution`). Prints
// median and p90 of each, their ratio, and the size of the first remote frame on each side (the same capture
// size on both, or the comparison says so). Target: ratio <= 1.15, quiet and with one core kept busy.
// Run inside a loopback-only namespace: `npm run bench` (or node scripts/in-loopback-netns.mjs node
// bench/call-setup.mjs [trials] [--busy]); `--busy` keeps one core busy (a spinning process) throughout.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { Participant } from '../e2e/support/participant.mjs';
import { startStack } from '../e2e/support/stack.mjs';

const args = process.argv.slice(2);
const BUSY = args.includes('--busy');
const TRIALS = Math.max(5, Number(args.find((a) => /^\d+$/.test(a)) ?? 20) || 20);
/** The widget's `medium` quality: its capture size and its video sender's settings (send-quality.ts, peer-link.ts). */
const WIDGET_MAX_BITRATE = 1_500_000;

/** Resolves in the page with the time (ms, shared clock) and width of the first frame presented by `video`. */
const FIRST_FRAME = `(video) => new Promise((resolve) => video.requestVideoFrameCallback((_now, frame) => resolve({ at: performance.timeOrigin + performance.now(), width: frame.width, height: frame.height })))`;

/** Starts watching, in a participant's page, for the first decoded remote frame; `firstRemoteFrame` reads it. */
async function watchFirstRemoteFrame(page) {
  await page.evaluate((firstFrame) => {
    const watch = eval(firstFrame);
    window.firstRemoteFrame = new Promise((resolve) => {
      const poll = () => {
        const video = document
          .querySelector('video-chat-widget')
          .shadowRoot.querySelector('video[part="remote-video"]');
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
    await b.page.waitForFunction(
      () =>
        document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="local-video"]')?.videoWidth >
        0,
    );
    await b.page.waitForFunction(() => document.querySelector('video-chat-widget').state === 'prejoin');
    // The pointer comes over Join from elsewhere on its way to clicking it, as a visitor's does (keyboard focus
    // does the same): the widget fetches the call's code from then, while the user clicks.
    await b.page.mouse.move(0, 0);
    await b.button('join-button').hover();
    await new Promise((r) => setTimeout(r, 500)); // the user looks at their preview before clicking
    await watchFirstRemoteFrame(a.page);
    await watchFirstRemoteFrame(b.page);
    const clickedAt = await b.page.evaluate(() => {
      const at = performance.timeOrigin + performance.now();
      document.querySelector('video-chat-widget').shadowRoot.querySelector('[part="join-button"]').click();
      return at;
    });
    const [fa, fb] = await Promise.all([firstRemoteFrame(a.page), firstRemoteFrame(b.page)]);
    return { ms: Math.max(fa.at, fb.at) - clickedAt, sizes: [fa, fb].map((f) => `${f.width}x${f.height}`) };
  } finally {
    await a.close();
    await b.close();
  }
}

/** Two RTCPeerConnections in one page with the widget's capture constraints and sender settings: the floor. */
async function loopbackTrial(stack) {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${stack.siteOrigin}/call.html`); // any page of the site: a secure-enough origin for getUserMedia
    return await page.evaluate(
      async ([firstFrame, maxBitrate]) => {
        const watch = eval(firstFrame);
        // As the widget's peer link does: a bitrate cap, and the capture size kept (frames dropped instead).
        const senderSettings = async (pc) => {
          for (const sender of pc.getSenders()) {
            if (sender.track?.kind !== 'video') continue;
            const parameters = sender.getParameters();
            if (parameters.encodings?.[0]) parameters.encodings[0].maxBitrate = maxBitrate;
            parameters.degradationPreference = 'maintain-resolution';
            await sender.setParameters(parameters).catch(() => undefined);
          }
        };
        const constraints = {
          audio: true,
          video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
        };
        const [streamA, streamB] = await Promise.all([
          navigator.mediaDevices.getUserMedia(constraints),
          navigator.mediaDevices.getUserMedia(constraints),
        ]);
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
        await senderSettings(a);
        const offer = await a.createOffer();
        await a.setLocalDescription(offer);
        await b.setRemoteDescription(offer);
        for (const t of streamB.getTracks()) b.addTrack(t, streamB);
        await senderSettings(b);
        const answer = await b.createAnswer();
        await b.setLocalDescription(answer);
        await a.setRemoteDescription(answer);
        // Applied again once negotiated, as the widget does (a no-op when they held).
        await Promise.all([senderSettings(a), senderSettings(b)]);
        const [fa, fb] = await Promise.all(frames);
        const elapsed = Math.max(fa.at, fb.at) - start;
        for (const pc of [a, b]) pc.close();
        for (const t of [...streamA.getTracks(), ...streamB.getTracks()]) t.stop();
        return { ms: elapsed, sizes: [fa, fb].map((f) => `${f.width}x${f.height}`) };
      },
      [FIRST_FRAME, WIDGET_MAX_BITRATE],
    );
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
const busy = BUSY ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : null;
try {
  const widget = [];
  const loopback = [];
  const sizes = new Set();
  await widgetTrial(stack, 'warmup');
  await loopbackTrial(stack);
  for (let i = 0; i < TRIALS; i++) {
    // Interleaved, so drift in machine load touches both series alike.
    const ours = await widgetTrial(stack, i);
    const floor = await loopbackTrial(stack);
    widget.push(ours.ms);
    loopback.push(floor.ms);
    for (const size of [...ours.sizes, ...floor.sizes]) sizes.add(size);
    process.stderr.write(
      `trial ${i + 1}/${TRIALS}: widget ${ours.ms.toFixed(0)} ms (${ours.sizes.join(', ')}), floor ${floor.ms.toFixed(0)} ms (${floor.sizes.join(', ')})\n`,
    );
  }
  const w = [...widget].sort((x, y) => x - y);
  const l = [...loopback].sort((x, y) => x - y);
  const row = (name, s) =>
    `${name.padEnd(44)} median ${quantile(s, 0.5).toFixed(0).padStart(5)} ms   p90 ${quantile(s, 0.9).toFixed(0).padStart(5)} ms`;
  const ratio = quantile(w, 0.5) / quantile(l, 0.5);
  console.log(
    `\ncall-setup over ${TRIALS} trials (Chromium ${stack.browser.version()}, loopback-only network${BUSY ? ', one core kept busy' : ''}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
  console.log(row('widget: Join click -> remote frame, both sides', w));
  console.log(row('floor: in-page pair, same capture and sender', l));
  console.log(
    `ratio (widget / floor)                       median ${ratio.toFixed(2)}        p90 ${(quantile(w, 0.9) / quantile(l, 0.9)).toFixed(2)}   goal <= 1.15: ${ratio <= 1.15 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `first remote frame sizes seen: ${[...sizes].join(', ')}${sizes.size > 1 ? '  (NOT the same capture size on both: the comparison is off)' : ''}`,
  );
} finally {
  busy?.kill();
  await stack.stop();
}
