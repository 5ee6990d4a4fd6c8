#!/usr/bin/env node
// bench/page-weight: what a visitor's browser downloads from the service before the widget's pre-join screen
// shows (Join button visible, camera preview open), by resource type, as transferred (compressed, with
// headers) and as decoded; and which lazy chunks were fetched by then or in the second after it (a chunk is
// fetched when it is used, and a visitor who only looks at the pre-join uses none). Cold cache, one page.
// Goal: JavaScript transferred before the pre-join <= 45 KB, every script compressed, no lazy chunk fetched.
// Usage: node scripts/in-loopback-netns.mjs node bench/page-weight.mjs [runs (default 3)] [lang]
import { Participant } from '../e2e/support/participant.mjs';
import { startStack } from '../e2e/support/stack.mjs';

const runs = Math.max(1, Number(process.argv[2] ?? 3) || 3);
const lang = process.argv[3] ?? '';
const GOAL_JS_BYTES = 45 * 1024;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Follows one page's network through the DevTools protocol: per request its type, URL, encoding and sizes. */
async function recordNetwork(page) {
  const cdp = await page.context().newCDPSession(page);
  const requests = new Map();
  const entry = (id) =>
    requests.get(id) ??
    requests.set(id, { type: 'Other', url: '', encoding: '', wire: 0, decoded: 0, done: false }).get(id);
  cdp.on('Network.requestWillBeSent', ({ requestId, request, type }) =>
    Object.assign(entry(requestId), { url: request.url, type: type ?? 'Other' }),
  );
  cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    Object.assign(entry(requestId), { type, url: response.url, encoding: headers['content-encoding'] ?? '' });
  });
  cdp.on('Network.dataReceived', ({ requestId, dataLength }) => (entry(requestId).decoded += dataLength));
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) =>
    Object.assign(entry(requestId), { wire: encodedDataLength, done: true }),
  );
  cdp.on('Network.webSocketCreated', ({ requestId, url }) =>
    Object.assign(entry(requestId), { type: 'WebSocket', url }),
  );
  const frame = ({ requestId, response }) => {
    const e = entry(requestId);
    e.wire += response.payloadData.length;
    e.decoded += response.payloadData.length;
  };
  cdp.on('Network.webSocketFrameReceived', frame);
  cdp.on('Network.webSocketFrameSent', frame);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return {
    snapshot: () => [...requests.values()].map((r) => ({ ...r })),
    detach: () => cdp.detach().catch(() => undefined),
  };
}

async function measure(stack, run) {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  const network = await recordNetwork(page);
  try {
    const query = new URLSearchParams({
      service: stack.serviceUrl,
      key: stack.apiKey,
      room: `weight-${run}`,
      name: 'Ada',
    });
    await page.goto(`${stack.siteOrigin}/call.html?${query}`);
    if (lang) await page.evaluate((l) => document.querySelector('video-chat-widget').setAttribute('lang', l), lang);
    const widget = new Participant('Ada', context, page, []);
    await widget.button('join-button').waitFor({ state: 'visible' });
    // The pre-join is shown: nothing opens a camera before the visitor asks (issue 12), so there is no preview to wait for.
    await page.waitForFunction(() => document.querySelector('video-chat-widget').state === 'prejoin');
    const atPrejoin = network.snapshot();
    await new Promise((r) => setTimeout(r, 1000)); // the visitor looks at the pre-join for a second
    const idle = network.snapshot().filter((r) => !atPrejoin.some((seen) => seen.url === r.url));
    return { atPrejoin, idle };
  } finally {
    await network.detach();
    await context.close();
  }
}

const fromService = (stack, requests) =>
  requests.filter(
    (r) => r.url.startsWith(stack.serviceUrl) || r.url.startsWith(stack.serviceUrl.replace(/^http/, 'ws')),
  );
const isChunk = (r) => /\/chunks\//.test(r.url);

const stack = await startStack();
try {
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await measure(stack, run));
  const last = results.at(-1);
  console.log(
    `bench/page-weight: ${runs} cold page load(s)${lang ? `, lang=${lang}` : ''}; bytes from the service until the pre-join shows (last run):`,
  );
  const byType = new Map();
  for (const r of fromService(stack, last.atPrejoin)) {
    const t = byType.get(r.type) ?? { count: 0, wire: 0, decoded: 0, encodings: new Set() };
    t.count++;
    t.wire += r.wire;
    t.decoded += r.decoded;
    t.encodings.add(r.encoding || (r.type === 'WebSocket' ? 'frames' : 'none'));
    byType.set(r.type, t);
  }
  for (const [type, t] of byType) {
    console.log(
      `  ${type.padEnd(10)} ${String(t.count).padStart(3)} request(s)  ${kb(t.wire).padStart(9)} transferred  ${kb(t.decoded).padStart(9)} decoded  encoding: ${[...t.encodings].join(', ')}`,
    );
  }
  const scripts = (r) => fromService(stack, r.atPrejoin).filter((x) => x.type === 'Script');
  const jsWire = results.map((r) => scripts(r).reduce((sum, x) => sum + x.wire, 0));
  const uncompressed = scripts(last)
    .filter((x) => !x.encoding)
    .map((x) => x.url);
  const lazyEarly = [
    ...fromService(stack, last.atPrejoin).filter(isChunk),
    ...fromService(stack, last.idle).filter(isChunk),
  ].map((x) => x.url.replace(/.*\//, ''));
  const jsMax = Math.max(...jsWire);
  console.log(
    `JavaScript transferred before the pre-join: ${jsWire.map(kb).join(', ')}   goal <= ${kb(GOAL_JS_BYTES)}: ${jsMax <= GOAL_JS_BYTES ? 'met' : 'NOT met'}`,
  );
  console.log(
    `scripts sent uncompressed: ${uncompressed.length ? uncompressed.join(', ') : 'none'}   goal none: ${uncompressed.length ? 'NOT met' : 'met'}`,
  );
  console.log(
    `lazy chunks fetched by the pre-join or in the second after: ${lazyEarly.length ? lazyEarly.join(', ') : 'none'}   goal none${lang ? ' (but the language table)' : ''}: ${lazyEarly.filter((f) => !lang || !f.startsWith(`strings-${lang}`)).length ? 'NOT met' : 'met'}`,
  );
} finally {
  await stack.stop();
}
