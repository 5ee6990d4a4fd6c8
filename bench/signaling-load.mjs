#!/usr/bin/env node
// bench/signaling-load: the signaling service against a bare Socket.io relay (bench/support/bare-relay.mjs),
// in the same run, each a process of its own, driven by the same clients from this process: N WebSocket
// connections in rooms of two, then 1 KB signals from each peer to the other.
//   - RSS at start (1 s after listening, and at rest: after 20 s idle, once V8 let go of what starting allocated);
//     memory per connection ((RSS 1 s after N joined - RSS 1 s after listening) / N); connects per second and
//     server CPU per connect (N connections, 100 at a time, until each is ready to join);
//   - p50/p99 of a signal's trip (sent by one client, received by the other) at 1,000 signals/s;
//   - a ramp (1,000, 2,000, 4,000… signals/s, each step `step` seconds) up to the first step whose p99 is
//     100 ms or more, or whose signals do not all arrive: the highest step within it is the max rate;
//   - RSS before the ramp, and after it: at the end of the max rate's step (the ramp *to* the max rate, which is
//     what the goal is about), and after the step past it (overload: the backlog of a server that cannot keep up,
//     printed for information).
// Ours runs with authentication (a publishable key and an allowed origin), validation and the per-connection
// signal limit on; only the per-address handshake rate and connection cap (every client comes from 127.0.0.1) and the
// ad-hoc room caps (a project opens no 5,000 rooms an hour) are off.
// Goals (issue 16): memory per connection <= 20 KB and <= 1.3x the relay's; connects/s >= 0.8x the relay's;
// max rate >= the relay's; RSS after the ramp <= 1.2x RSS before; RSS at start <= 80 MB.
// Usage: node bench/signaling-load.mjs [connections (1000)] [step seconds (3)] [max steps (6)]
// (loopback only; the goal's figures: 10000 connections and 20 s steps, so that the ramp to a max rate of 4,000/s
// lasts 60 s, on a quiet machine). SERVICE_NODE_OPTIONS
// goes to the service's process only (e.g. --import of a profiler).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@vcw/shared';
import { startServiceProcess } from '../scripts/service-process.mjs';

const CONNECTIONS = Math.max(2, 2 * Math.floor((Number(process.argv[2]) || 1000) / 2));
const STEP_SECONDS = Math.max(1, Number(process.argv[3]) || 3);
const MAX_STEPS = Math.max(1, Number(process.argv[4]) || 6);
const ORIGIN = 'https://bench.example';
const PAYLOAD = 'x'.repeat(1000);
const CONCURRENCY = 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** How long a server idles after starting before its memory is read "at rest" (V8 shrinks its heap after ~10 s idle). */
const REST_MS = 20_000;
const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
/** CPU time (user + system) the process used so far, in ms. */
const cpuOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
};
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** The two servers, each with how a client connects, joins a room of two, and sends a signal. */
async function startOurs() {
  const service = await startServiceProcess({
    env: {
      RATE_LIMIT_HANDSHAKES_PER_MINUTE: '0',
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      // The rooms of 10,000 connections are more ad-hoc rooms than a project may open by default.
      MAX_AD_HOC_ROOMS_PER_HOUR: '0',
      MAX_AD_HOC_ROOMS_ALIVE: '0',
      LOG_LEVEL: 'warn',
      ...(process.env.SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS } : {}),
    },
    origins: [ORIGIN],
    name: 'signaling load',
  });
  return {
    name: 'ours',
    pid: service.pid(),
    stop: () => service.stop(),
    open: () =>
      new Promise((resolve, reject) => {
        const socket = connect(service.url, {
          path: '/signal',
          transports: ['websocket'],
          reconnection: false,
          auth: { protocol: PROTOCOL_VERSION, apiKey: service.publishableKey },
          extraHeaders: { origin: ORIGIN },
        });
        socket.once('session', ({ peerId }) => resolve({ socket, peerId }));
        socket.once('connect_error', reject);
      }),
    join: async (client, room) => {
      const reply = await client.socket.timeout(30_000).emitWithAck('room:join', { room });
      if (!reply.ok) throw new Error(`join refused: ${reply.error.code}`);
    },
    // As the widget sends it: without an acknowledgement (a refusal would come as `signal:failed`), and with the
    // offset of the last event received (signaling-client.ts), which lets the service let go of what it kept.
    send: (client, to, sdp) => {
      const seen = client.socket._lastOffset;
      client.socket.emit(
        'signal',
        seen ? { to, description: { type: 'offer', sdp }, seen } : { to, description: { type: 'offer', sdp } },
      );
    },
  };
}

async function startRelay() {
  const child = spawn(process.execPath, [new URL('./support/bare-relay.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /listening (\d+)/.exec(String(chunk));
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error('the relay exited before listening')));
  });
  return {
    name: 'bare relay',
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
    open: () =>
      new Promise((resolve, reject) => {
        const socket = connect(`http://127.0.0.1:${port}`, {
          path: '/signal',
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: { origin: ORIGIN },
        });
        socket.once('connect', () => resolve({ socket, peerId: socket.id }));
        socket.once('connect_error', reject);
      }),
    join: (client, room) => client.socket.timeout(30_000).emitWithAck('join', room),
    send: (client, to, sdp) => client.socket.emit('signal', { to, description: { type: 'offer', sdp } }),
  };
}

/** Sends `rate` signals/s for `seconds` across the pairs; resolves with the trips of those that arrived. */
async function signalAt(server, pairs, rate, seconds) {
  const trips = [];
  const onSignal = (signal) => {
    const sentAt = Number(signal.description.sdp.slice(0, signal.description.sdp.indexOf('|')));
    trips.push(performance.now() - sentAt);
  };
  const receivers = pairs.flatMap(([a, b]) => [a, b]);
  for (const client of receivers) client.socket.on('signal', onSignal);
  const total = Math.round(rate * seconds);
  const began = performance.now();
  let sent = 0;
  let next = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * rate));
    for (; sent < due; sent++) {
      const [a, b] = pairs[next++ % pairs.length];
      const [from, to] = next % 2 ? [a, b] : [b, a];
      server.send(from, to.peerId, `${performance.now()}|${PAYLOAD}`);
    }
    await sleep(5);
  }
  // What has not arrived within 2 s of the last send counts as lost.
  const deadline = performance.now() + 2000;
  while (trips.length < total && performance.now() < deadline) await sleep(20);
  for (const client of receivers) client.socket.off('signal', onSignal);
  const sorted = trips.sort((x, y) => x - y);
  return { sent: total, received: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function measure(start) {
  const server = await start();
  const clients = [];
  try {
    await sleep(1000);
    const rssStart = rssOf(server.pid);
    // What starting allocated is let go by V8 once the process has been idle a while (its memory reducer).
    await sleep(REST_MS - 1000);
    const rssAtRest = rssOf(server.pid);
    const cpuBefore = cpuOf(server.pid);
    const began = performance.now();
    let opened = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (opened < CONNECTIONS) {
          opened++;
          clients.push(await server.open());
        }
      }),
    );
    const connectSeconds = (performance.now() - began) / 1000;
    const cpuPerConnect = (cpuOf(server.pid) - cpuBefore) / CONNECTIONS;
    const pairs = [];
    for (let i = 0; i + 1 < clients.length; i += 2) pairs.push([clients[i], clients[i + 1]]);
    for (let i = 0; i < pairs.length; i += CONCURRENCY) {
      await Promise.all(
        pairs
          .slice(i, i + CONCURRENCY)
          .flatMap(([a, b], k) => [server.join(a, `load-${i + k}`).then(() => server.join(b, `load-${i + k}`))]),
      );
    }
    await sleep(1000);
    const rssJoined = rssOf(server.pid);
    const cpuBeforeSignals = cpuOf(server.pid);
    const at1000 = await signalAt(server, pairs, 1000, STEP_SECONDS);
    const cpuPerSignal = (cpuOf(server.pid) - cpuBeforeSignals) / at1000.sent;
    const rssBeforeRamp = rssOf(server.pid);
    const steps = [];
    let maxRate = 0;
    let rssAfterRamp = rssBeforeRamp;
    for (let rate = 1000, n = 0; n < MAX_STEPS; rate *= 2, n++) {
      const step = await signalAt(server, pairs, rate, STEP_SECONDS);
      steps.push({ rate, ...step });
      if (step.received < step.sent || !(step.p99 < 100)) break;
      maxRate = rate;
      rssAfterRamp = rssOf(server.pid);
    }
    const rssAfterOverload = rssOf(server.pid);
    return {
      name: server.name,
      rssStart,
      rssAtRest,
      perConnection: (rssJoined - rssStart) / CONNECTIONS,
      connectsPerSecond: CONNECTIONS / connectSeconds,
      cpuPerConnect,
      at1000,
      cpuPerSignal,
      steps,
      maxRate,
      rssBeforeRamp,
      rssAfterRamp,
      rssAfterOverload,
    };
  } finally {
    for (const client of clients) client.socket.disconnect();
    await server.stop();
  }
}

const meets = (ok) => (ok ? 'met' : 'NOT met');
console.log(
  `bench/signaling-load: ${CONNECTIONS} connections in rooms of two, 1 KB signals, ${STEP_SECONDS} s steps; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${cpus().length} CPUs`,
);
const relay = await measure(startRelay);
const ours = await measure(startOurs);
for (const r of [relay, ours]) {
  console.log(`\n${r.name}:`);
  console.log(
    `  RSS at start ${mb(r.rssStart)}, at rest ${mb(r.rssAtRest)}; memory per connection ${kb(r.perConnection)}; ${r.connectsPerSecond.toFixed(0)} connects/s; server CPU ${r.cpuPerConnect.toFixed(2)} ms per connect`,
  );
  console.log(
    `  at 1,000 signals/s: p50 ${r.at1000.p50.toFixed(1)} ms, p99 ${r.at1000.p99.toFixed(1)} ms, ${r.at1000.received}/${r.at1000.sent} arrived; server CPU ${(r.cpuPerSignal * 1000).toFixed(0)} µs per signal`,
  );
  for (const s of r.steps)
    console.log(
      `  ramp ${String(s.rate).padStart(6)}/s: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ${s.received}/${s.sent} arrived`,
    );
  console.log(
    `  max rate with p99 < 100 ms: ${r.maxRate}/s; RSS before the ramp ${mb(r.rssBeforeRamp)}, after the ramp to the max rate ${mb(r.rssAfterRamp)} (${(r.rssAfterRamp / r.rssBeforeRamp).toFixed(2)}x), after the step past it ${mb(r.rssAfterOverload)} (${(r.rssAfterOverload / r.rssBeforeRamp).toFixed(2)}x)`,
  );
}
console.log('\ngoals (ours, beside the relay of this run):');
console.log(
  `  memory per connection ${kb(ours.perConnection)} (relay ${kb(relay.perConnection)}, ${(ours.perConnection / relay.perConnection).toFixed(2)}x)   goal <= 20 KB and <= 1.3x: ${meets(ours.perConnection <= 20 * 1024 && ours.perConnection <= 1.3 * relay.perConnection)}`,
);
console.log(
  `  server CPU per connect ${ours.cpuPerConnect.toFixed(2)} ms (relay ${relay.cpuPerConnect.toFixed(2)} ms, ${(ours.cpuPerConnect / relay.cpuPerConnect).toFixed(2)}x), per signal ${(ours.cpuPerSignal * 1000).toFixed(0)} µs (relay ${(relay.cpuPerSignal * 1000).toFixed(0)} µs, ${(ours.cpuPerSignal / relay.cpuPerSignal).toFixed(2)}x)   (no goal: the CPU a load average cannot distort)`,
);
console.log(
  `  connects/s ${ours.connectsPerSecond.toFixed(0)} (relay ${relay.connectsPerSecond.toFixed(0)}, ${(ours.connectsPerSecond / relay.connectsPerSecond).toFixed(2)}x)   goal >= 0.8x: ${meets(ours.connectsPerSecond >= 0.8 * relay.connectsPerSecond)}`,
);
console.log(
  `  max signals/s with p99 < 100 ms ${ours.maxRate} (relay ${relay.maxRate})   goal >= the relay's: ${meets(ours.maxRate >= relay.maxRate)}`,
);
console.log(
  `  RSS after the ${ours.steps.filter((step) => step.rate <= ours.maxRate).length * STEP_SECONDS} s ramp to the max rate ${(ours.rssAfterRamp / ours.rssBeforeRamp).toFixed(2)}x before (relay ${(relay.rssAfterRamp / relay.rssBeforeRamp).toFixed(2)}x)   goal <= 1.2x: ${meets(ours.maxRate > 0 && ours.rssAfterRamp <= 1.2 * ours.rssBeforeRamp)}`,
);
console.log(
  `  RSS at rest after starting ${mb(ours.rssAtRest)} (relay ${mb(relay.rssAtRest)}; 1 s after listening ${mb(ours.rssStart)}, relay ${mb(relay.rssStart)})   goal <= 80 MB: ${meets(ours.rssAtRest <= 80 * 1048576)}`,
);
console.log(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
