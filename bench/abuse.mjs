#!/usr/bin/env node
// bench/abuse: what a few thousand hostile connections do to everyone else, on the real service process with
// its default limits (only the waiting caps raised, so the queues get as long as the scenario needs). The
// visitors come from many loopback addresses, as a botnet's would.
//   1. N never-pairable visitors (one visitor id) wait in one random queue, four of them cycling leave/enter,
//      while a control pair in another project pairs, joins and relays a signal, again and again.
//      Printed: enter latency at 100, N/2 and N waiting (ratio from 100 to N <= 2), the control pair's p99 (<= 50 ms).
//   2. N customers with 1,000-character messages join one support queue while an agent is online.
//      Printed: the agent's bytes received (<= 5 MB).
//   3. M silent TCP connections from one address. Printed: how many the service closed, and how fast.
//   Throughout: GET /health p99 (<= 50 ms) and the service's peak RSS.
// Usage: node bench/abuse.mjs [--small]   (--small: N = 300, M = 500; the service tests run N = 200, M = 300)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, SIGNALING_PATH } from '@vcw/shared';
import { startServiceProcess } from '../scripts/service-process.mjs';

const ORIGIN = 'https://bench.example';
const ADMIN = fileURLToPath(new URL('../packages/service/dist/src/cli/admin.js', import.meta.url));
export const GOALS = { enterRatio: 2, controlP99Ms: 50, agentBytes: 5 * 1024 * 1024, healthP99Ms: 50 };

/** Runs the three scenarios; returns the figures. */
export async function runAbuseBench({ visitors = 2000, silent = 3000, log = () => {} } = {}) {
  const service = await startServiceProcess({
    env: {
      LOG_LEVEL: 'error',
      MAX_WAITING_PER_QUEUE: String(visitors * 2),
      MAX_WAITING_PER_PROJECT: String(visitors * 3),
    },
    origins: [ORIGIN],
    name: 'bench abuse',
  });
  const sockets = [];
  const addresses = addressPool();
  const connect = (apiKey, options = {}) =>
    new Promise((resolve, reject) => {
      const client = io(service.url, {
        path: SIGNALING_PATH,
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: options.token
          ? { protocol: PROTOCOL_VERSION, token: options.token }
          : { protocol: PROTOCOL_VERSION, apiKey },
        extraHeaders: { origin: ORIGIN },
        localAddress: addresses(),
      });
      sockets.push(client);
      client.once('session', () => resolve(client));
      client.once('connect_error', (error) =>
        reject(new Error(`connect refused: ${JSON.stringify(error.data ?? error.message)}`)),
      );
    });
  const many = async (count, apiKey) => {
    const out = [];
    for (let i = 0; i < count; i += 100)
      out.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => connect(apiKey)))));
    return out;
  };
  let churnStop = null;
  let probes = null;
  try {
    const other = createProject(service.dataDir);
    // Measured in a thread of their own, so the flood's clients in this one do not slow the measurement.
    probes = await startProbes(service.url, other.publishableKey);
    // 1. The random crowd, and a control pair elsewhere.
    const crowdEntry = { mode: 'random', queue: 'crowd', visitorId: 'the-same-visitor' };
    const probe = await connect(service.publishableKey);
    const enterMs = {};
    const checkpoints = [...new Set([100, Math.round(visitors / 2), visitors])]
      .filter((n) => n >= 100)
      .sort((x, y) => x - y);
    const crowd = [];
    log('  crowd: connecting');
    let churn = null;
    for (const size of checkpoints) {
      const more = await many(size - crowd.length, service.publishableKey);
      log(`  crowd: ${more.length} more connected`);
      await Promise.all(more.map((client) => ack(client, 'queue:enter', crowdEntry)));
      crowd.push(...more);
      churn ??= churning(crowd.slice(0, 4), crowdEntry);
      churnStop = () => churn.stop();
      enterMs[size] = await enterLatency(probe, crowdEntry);
      log(`  enter with ${size} waiting: ${enterMs[size].toFixed(2)} ms`);
    }
    await churn.stop();
    churnStop = null;
    for (const client of crowd) client.disconnect();

    // 2. A support line while an agent is online.
    log('  support line: filling');
    const token = await agentToken(service);
    const agent = await connect(null, { token });
    let agentBytes = 0;
    let snapshots = 0;
    // The ack of agent:status is the snapshot; queue:changes follow (both counted).
    agent.on('queue:changes', (changes) => {
      snapshots++;
      agentBytes += Buffer.byteLength(JSON.stringify(changes));
    });
    const first = await ack(agent, 'agent:status', { status: 'online' });
    agentBytes += Buffer.byteLength(JSON.stringify(first));
    const customers = await many(visitors, service.publishableKey);
    const message = 'x'.repeat(1000);
    await Promise.all(
      customers.map((client, i) =>
        ack(client, 'queue:enter', { mode: 'support', queue: 'help', displayName: `customer ${i}`, message }),
      ),
    );
    const last = await connect(service.publishableKey);
    const position = (await ack(last, 'queue:enter', { mode: 'support', queue: 'help', message: 'a real question' }))
      .position;
    // A marker behind every snapshot: the agent's own command is answered after what was sent before it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ack(agent, 'agent:status', { status: 'online' });
    for (const client of customers) client.disconnect();

    // 3. Silent connections from one address.
    log('  silent connections: opening');
    const silentFigures = await silentConnections(service.port, silent);

    log('  stopping the probes');
    const { pairs, health: healthFigures } = await probes.stop();
    probes = null;
    return {
      visitors,
      enterMs,
      enterRatio: enterMs[visitors] / enterMs[100],
      pairs,
      agent: { bytes: agentBytes, snapshots, customerPosition: position },
      silent: silentFigures,
      health: healthFigures,
      peakRssMb: peakRssMb(service.pid()),
    };
  } finally {
    await churnStop?.().catch(() => {});
    await probes?.stop().catch(() => {});
    for (const client of sockets) client.disconnect();
    await service.stop();
  }
}

/** Starts the health probe and the control pair in a worker thread; `stop()` resolves with their figures. */
async function startProbes(url, apiKey) {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { role: 'probes', url, apiKey } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      const figures = new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage('stop');
      const result = await figures;
      await worker.terminate();
      return result;
    },
  };
}

/** The worker's side: two control visitors of the other project, and GET /health, until told to stop. */
async function runProbes({ url, apiKey }) {
  const visitor = () =>
    new Promise((resolve, reject) => {
      const client = io(url, {
        path: SIGNALING_PATH,
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { protocol: PROTOCOL_VERSION, apiKey },
        extraHeaders: { origin: ORIGIN },
        localAddress: '127.0.3.1',
      });
      client.once('session', () => resolve(client));
      client.once('connect_error', (error) =>
        reject(new Error(`control refused: ${JSON.stringify(error.data ?? error.message)}`)),
      );
    });
  const [a, b] = [await visitor(), await visitor()];
  const health = healthProbe(url);
  const control = controlPair(a, b);
  parentPort.postMessage('ready');
  parentPort.once('message', async () => {
    const pairs = await control.stop();
    const figures = await health.stop();
    a.disconnect();
    b.disconnect();
    parentPort.postMessage({ pairs, health: figures });
  });
}

/** Source addresses 127.0.1.1 … 127.0.1.250 in turn (the whole 127/8 is loopback on Linux). */
function addressPool() {
  let next = 0;
  return () => `127.0.1.${(next++ % 250) + 1}`;
}

function createProject(dataDir) {
  const created = JSON.parse(
    execFileSync(
      process.execPath,
      [ADMIN, 'projects', 'create', '--name', 'control site', '--origin', ORIGIN, '--json'],
      { env: { ...process.env, DATA_DIR: dataDir } },
    ),
  );
  return { publishableKey: created.publishableKey.plaintext };
}

async function agentToken(service) {
  const res = await fetch(`${service.url}/v1/queues/help/agent-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Bench agent' }),
  });
  if (res.status !== 201) throw new Error(`agent token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** Sends a command; resolves with its acknowledgement, rejects on an error reply. */
function ack(client, event, payload) {
  return new Promise((resolve, reject) => {
    client.timeout(30_000).emit(event, payload, (err, reply) => {
      if (err) reject(err);
      else if (!reply.ok) reject(new Error(`${event}: ${reply.error.code} ${reply.error.message}`));
      else resolve(reply);
    });
  });
}

/** The next `event` on the client; rejects after 10 s, so a lost event ends a loop instead of hanging it. */
function once(client, event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 10 s`)), 10_000);
    client.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Median of 21 enters (each followed by a leave) by a visitor nobody in the crowd may meet. */
async function enterLatency(probe, entry) {
  const samples = [];
  for (let i = 0; i < 21; i++) {
    const started = performance.now();
    await ack(probe, 'queue:enter', entry);
    samples.push(performance.now() - started);
    await ack(probe, 'queue:leave', {});
  }
  return percentile(samples, 50);
}

/** Members of the crowd leaving and entering again, 20 times a second each (under their rate limit), until stopped. */
function churning(clients, entry) {
  let running = true;
  const loops = clients.map(async (client) => {
    while (running) {
      await ack(client, 'queue:leave', {});
      await ack(client, 'queue:enter', entry);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  // A failure ends that loop; `stop` reports it.
  for (const loop of loops) loop.catch(() => {});
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * Two visitors of another project, over and over: both enter a random queue, are paired, join their room, one
 * relays a signal to the other, both leave. Each cycle's pairing (second enter → both told) and relay times.
 */
function controlPair(a, b) {
  let running = true;
  const pairing = [];
  const relay = [];
  const loop = (async () => {
    let round = 0;
    while (running) {
      round++;
      const foundA = once(a, 'match:found');
      const foundB = once(b, 'match:found');
      await ack(a, 'queue:enter', { mode: 'random', queue: 'control', visitorId: `control-a-${round}` });
      const started = performance.now();
      await ack(b, 'queue:enter', { mode: 'random', queue: 'control', visitorId: `control-b-${round}` });
      const [match] = await Promise.all([foundA, foundB]);
      pairing.push(performance.now() - started);
      await ack(a, 'room:join', { room: match.room });
      const joined = await ack(b, 'room:join', { room: match.room });
      const arrived = once(b, 'signal');
      const sent = performance.now();
      await ack(a, 'signal', { to: joined.peerId, candidate: { candidate: '' } });
      await arrived;
      relay.push(performance.now() - sent);
      // One hangs up; random mode puts the other back in line (told `match:ended`), from where it leaves too.
      const ended = once(b, 'match:ended');
      await ack(a, 'room:leave', {});
      await ended;
      await ack(b, 'queue:leave', {});
      // A visitor's pace, under the per-connection message limit.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  let failure = null;
  loop.catch((error) => (failure = error)); // reported by `stop`
  return {
    async stop() {
      running = false;
      await loop.catch(() => {});
      return {
        cycles: pairing.length,
        pairingP99Ms: percentile(pairing, 99),
        relayP99Ms: percentile(relay, 99),
        failure: failure ? String(failure.message ?? failure) : null,
      };
    },
  };
}

/** GET /health every 25 ms until stopped; its latency percentiles and failures. */
function healthProbe(url) {
  const samples = [];
  let failures = 0;
  let running = true;
  let result = null;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      } catch {
        failures++;
      }
      samples.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      result ??= {
        requests: samples.length,
        failures,
        p50Ms: percentile(samples, 50),
        p99Ms: percentile(samples, 99),
        maxMs: Math.max(...samples),
      };
      return result;
    },
  };
}

/**
 * `count` TCP connections from 127.0.2.1 that never send a byte; how many the service closed, and when. A client
 * socket can be open without the service ever having had it: when the listen queue overflows, the kernel answers
 * with a SYN cookie and drops the handshake's last ACK, and a client that never sends cannot find out. So what the
 * service still holds at the deadline is read from the kernel's own table (/proc/net/tcp), and the client sockets
 * it never held are counted apart.
 */
async function silentConnections(port, count) {
  const started = performance.now();
  const closedAt = [];
  const sockets = [];
  let refused = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve) => {
          const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.2.1' });
          sockets.push(socket);
          socket.resume();
          socket.once('close', () => closedAt.push(performance.now() - started));
          socket.once('connect', resolve);
          socket.once('error', () => {
            refused++;
            resolve();
          });
        }),
    ),
  );
  const deadline = performance.now() + 15_000;
  while (closedAt.length < count && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const heldByService = serviceSocketsFrom(port, '127.0.2.1');
  for (const socket of sockets) socket.destroy();
  const sorted = [...closedAt].sort((x, y) => x - y);
  const neverHeld = heldByService === null ? null : count - sorted.length - heldByService;
  return {
    opened: count,
    closedByService: sorted.length - refused,
    refused,
    heldByService,
    neverHeld,
    allClosedWithinMs: sorted.length === count ? sorted.at(-1) : null,
  };
}

/** The sockets the service has not closed (its port; established, half-open or closed by the peer) whose peer is `address`; null where /proc/net/tcp is not there. */
function serviceSocketsFrom(port, address) {
  let table;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return null;
  }
  const hex = (ip) =>
    ip
      .split('.')
      .reverse()
      .map((n) => Number(n).toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  const local = `${hex('127.0.0.1')}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
  const peer = `${hex(address)}:`;
  const OPEN = new Set(['01', '03', '08']); // ESTABLISHED, SYN_RECV, CLOSE_WAIT
  return table
    .split('\n')
    .slice(1)
    .filter((line) => {
      const [, localAddress, remoteAddress, state] = line.trim().split(/\s+/);
      return localAddress === local && remoteAddress?.startsWith(peer) && OPEN.has(state);
    }).length;
}

function peakRssMb(pid) {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Prints every figure beside its goal; whether all goals were met. */
export function printFigures(f) {
  const met = (ok) => (ok ? 'met' : 'NOT met');
  const sizes = Object.keys(f.enterMs).map(Number);
  const lines = [
    `\nbench/abuse: ${f.visitors} visitors, ${f.silent.opened} silent connections, default limits; machine load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.availableParallelism()} CPUs`,
    `random enter ms     ${sizes.map((n) => `${n} waiting ${f.enterMs[n].toFixed(2)}`).join('   ')}   ratio ${f.enterRatio.toFixed(2)} (goal <= ${GOALS.enterRatio}: ${met(f.enterRatio <= GOALS.enterRatio)})`,
    `control pair        ${f.pairs.cycles} cycles${f.pairs.failure ? ` (stopped early: ${f.pairs.failure})` : ''}   pairing p99 ${f.pairs.pairingP99Ms.toFixed(1)} ms   relay p99 ${f.pairs.relayP99Ms.toFixed(1)} ms (goal <= ${GOALS.controlP99Ms} ms: ${met(Math.max(f.pairs.pairingP99Ms, f.pairs.relayP99Ms) <= GOALS.controlP99Ms)})`,
    `agent received      ${(f.agent.bytes / 1024).toFixed(0)} KiB in 1 snapshot and ${f.agent.snapshots} queue:changes (goal <= ${GOALS.agentBytes / 1024 / 1024} MB: ${met(f.agent.bytes <= GOALS.agentBytes)}); the last customer was told position ${f.agent.customerPosition}`,
    `silent connections  ${f.silent.closedByService}/${f.silent.opened} closed by the service (${f.silent.refused} refused by the kernel), all within ${f.silent.allClosedWithinMs === null ? '—' : `${(f.silent.allClosedWithinMs / 1000).toFixed(1)} s`}; after 15 s the service held ${f.silent.heldByService ?? '?'}, and ${f.silent.neverHeld ?? '?'} client sockets were never accepted by the kernel (goal: 0 held: ${met(f.silent.heldByService === 0)})`,
    `GET /health         ${f.health.requests} requests   p50 ${f.health.p50Ms.toFixed(1)} ms   p99 ${f.health.p99Ms.toFixed(1)} ms   max ${f.health.maxMs.toFixed(0)} ms   failures ${f.health.failures} (goal p99 <= ${GOALS.healthP99Ms} ms: ${met(f.health.p99Ms <= GOALS.healthP99Ms && f.health.failures === 0)})`,
    `service peak RSS    ${f.peakRssMb ?? '?'} MB`,
  ];
  console.log(lines.join('\n'));
}

if (!isMainThread && workerData?.role === 'probes') await runProbes(workerData);
else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const small = process.argv.includes('--small');
  const figures = await runAbuseBench({
    visitors: small ? 300 : 2000,
    silent: small ? 500 : 3000,
    log: (line) => console.log(line),
  });
  printFigures(figures);
}
