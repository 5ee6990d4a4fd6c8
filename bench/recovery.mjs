#!/usr/bin/env node
// bench/recovery: how fast a call comes back. (1) The service process is SIGKILLed mid-call and started
// again on the same store: time from its restart until every widget is `connected` again. (2) coturn is
// restarted under a relay-only call: time until pictures flow again on both sides. Prints median and worst
// over N runs each (default 10). Target: median <= 3 s, worst <= 10 s.
// Usage (inside the loopback-only namespace, as `npm run bench` does):
//   node scripts/in-loopback-netns.mjs node bench/recovery.mjs [runs]
import { coturnAvailable, startCoturn } from '../scripts/coturn.mjs';
import { Participant } from '../e2e/support/participant.mjs';
import { startProcessStack, startStack } from '../e2e/support/stack.mjs';

const runs = Number(process.argv[2] ?? 10) || 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stateOf = (p) => p.page.evaluate(() => document.querySelector('video-chat-widget').state);
const framesOf = (p) =>
  p.page.evaluate(
    () =>
      document
        .querySelector('video-chat-widget')
        .shadowRoot.querySelector('video[part="remote-video"]')
        ?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
  );

function summary(label, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const worst = sorted.at(-1);
  const ok = median <= 3000 && worst <= 10_000;
  console.log(
    `${label.padEnd(34)} median ${(median / 1000).toFixed(2)} s   worst ${(worst / 1000).toFixed(2)} s   runs ${times.length}   target (<= 3 s, <= 10 s): ${ok ? 'met' : 'NOT met'}`,
  );
}

async function serviceRestarts() {
  const stack = await startProcessStack();
  const times = [];
  try {
    const people = await Participant.inCall(stack, 'recovery', ['Ada', 'Grace']);
    for (let i = 0; i < runs; i++) {
      const joins = await Promise.all(people.map(async (p) => (await p.events('vc-join')).length));
      await stack.killService('SIGKILL');
      await sleep(1000);
      await stack.startService();
      const restarted = Date.now();
      for (const [n, p] of people.entries()) {
        while ((await stateOf(p)) !== 'connected' || (await p.events('vc-join')).length === joins[n]) {
          if (Date.now() - restarted > 30_000) throw new Error(`${p.name} did not reconnect within 30 s`);
          await sleep(50);
        }
      }
      times.push(Date.now() - restarted);
      for (const p of people) await p.seesRemoteVideos(1);
    }
  } finally {
    await stack.stop();
  }
  return times;
}

async function coturnRestarts() {
  const secret = 'bench-turn-secret-0123456789';
  const turn = await startCoturn({ secret });
  const stack = await startStack({ env: { TURN_URLS: turn.url, TURN_SECRET: secret, ICE_TRANSPORT_POLICY: 'relay' } });
  const times = [];
  try {
    const people = await Participant.inCall(stack, 'relayed', ['Ada', 'Grace']);
    for (let i = 0; i < runs; i++) {
      await turn.restart();
      const restarted = Date.now();
      let last = await Promise.all(people.map(framesOf));
      for (let still = 0; still < 5 && Date.now() - restarted < 8000;) {
        await sleep(200);
        const now = await Promise.all(people.map(framesOf));
        still = now.every((f, k) => f === last[k]) ? still + 1 : 0;
        last = now;
      }
      for (;;) {
        const now = await Promise.all(people.map(framesOf));
        if (now.every((f, k) => f > last[k] + 5)) break;
        if (Date.now() - restarted > 30_000) throw new Error('media did not come back within 30 s');
        await sleep(100);
      }
      times.push(Date.now() - restarted);
      await sleep(2000);
    }
  } finally {
    await stack.stop();
    await turn.stop();
  }
  return times;
}

console.log(`\nbench/recovery: ${runs} runs each, two widgets in a call, Chromium and service on loopback`);
summary('service SIGKILL -> widgets connected', await serviceRestarts());
if (coturnAvailable()) summary('coturn restart -> media flowing', await coturnRestarts());
else console.log('coturn restart: skipped (no turnserver; apt-get install coturn)');
