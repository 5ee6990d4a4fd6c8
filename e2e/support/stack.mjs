// The end-to-end stack: the real service (in-memory SQLite) on one port, a site on another origin that embeds
// the widget by script tag, and Debian's Chromium with fake devices. Everything listens on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build, loadConfig, openSqlite } from '@vcw/service';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { startServiceProcess } from '../../scripts/service-process.mjs';
import { after, afterEach, before } from 'node:test';
import { startBalancer } from './balancer.mjs';
import { startSharedStores } from './cluster.mjs';
import { closeAll } from './participant.mjs';

const EVENTS = [
  'vc-join',
  'vc-leave',
  'vc-participant-join',
  'vc-participant-leave',
  'vc-connection-state-change',
  'vc-chat-message',
  'vc-quality-change',
  'vc-queue-update',
  'vc-customer-waiting',
  'vc-availability',
  'vc-recording-ready',
  'vc-knock',
  'vc-knock-waiting',
  'vc-error',
];

/** The embedding site's page: one script tag, one element, and a log of the element's events. */
function sitePage({ serviceUrl, fallback = '', ...attributes }) {
  const attr = (v) => String(v).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  const names = {
    key: 'api-key',
    room: 'room',
    name: 'display-name',
    token: 'token',
    quality: 'quality',
    mode: 'mode',
    queue: 'queue',
    effects: 'effects',
    notify: 'notify',
  };
  // With a token the widget needs no key, room or name: the token says them.
  const given = Object.entries(attributes).filter(
    ([k, v]) => v && !(attributes.token && ['key', 'room', 'name'].includes(k)),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"><title>Partner site</title></head>
<body>
  <h1>A partner's page</h1>
  <script>
    window.vcEvents = [];
    addEventListener('DOMContentLoaded', () => {
      const widget = document.querySelector('video-chat-widget');
      for (const type of ${JSON.stringify(EVENTS)}) widget.addEventListener(type, (e) => vcEvents.push({ type, detail: e.detail, at: Date.now() }));
    });
  </script>
  <script type="module" src="${attr(serviceUrl)}/widget.js"></script>
  <video-chat-widget ${given.map(([k, v]) => `${names[k]}="${attr(v)}"`).join(' ')}>${fallback ? `<p class="fallback">${attr(fallback)}</p>` : ''}</video-chat-widget>
</body></html>`;
}

/** The partner's site: `/call.html?service&key&room&name&token&quality&mode&queue&effects&notify&fallback`, on an origin of its own. */
async function startSite() {
  const site = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    if (url.pathname !== '/call.html') return res.writeHead(404).end();
    const q = (name) => url.searchParams.get(name) ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      sitePage({
        serviceUrl: q('service'),
        key: q('key'),
        room: q('room'),
        name: q('name'),
        token: q('token'),
        quality: q('quality'),
        mode: q('mode'),
        queue: q('queue'),
        effects: q('effects'),
        notify: q('notify'),
        fallback: q('fallback'),
      }),
    );
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { site, siteOrigin: `http://127.0.0.1:${site.address().port}` };
}

async function stopSite(site) {
  site.closeAllConnections();
  await new Promise((resolve) => site.close(resolve));
}

/**
 * The same stack with the service as a process of its own (`scripts/service-process.mjs`), for what needs one
 * to kill: `killService(signal)` and `startService()` (same port, same store). There is no `app` to reach into.
 * With `nodes: 2`, a second node shares the first one's store behind a load balancer (`support/balancer.mjs`)
 * that prefers the first: `nodes[i].kill(signal)` takes one away, and the widgets find the other.
 * With `redis: true` the nodes are a deployment on several machines: one Redis and one PostgreSQL started for
 * the stack (`support/cluster.mjs`), the same REDIS_URL, DATABASE_URL and TOKEN_SECRET for every node.
 */
export async function startProcessStack({ env: given = {}, nodes: count = 1, redis = false } = {}) {
  const shared = redis ? await startSharedStores() : null;
  const env = { LOG_LEVEL: 'silent', ...shared?.env, ...given };
  const { site, siteOrigin } = await startSite();
  const nodes = [];
  try {
    nodes.push(await startServiceProcess({ env, origins: [siteOrigin], name: 'partner site' }));
    while (nodes.length < count) nodes.push(await startServiceProcess({ env, sameStoreAs: nodes[0] }));
  } catch (error) {
    // Redis and PostgreSQL would outlive this process: end what started before failing.
    for (const node of nodes.reverse()) await node.stop();
    await stopSite(site);
    await shared?.stop();
    throw error;
  }
  const [first] = nodes;
  const balancer = count > 1 ? await startBalancer(nodes.map((node) => node.port)) : null;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs() });
  return {
    serviceUrl: balancer?.url ?? first.url,
    siteOrigin,
    apiKey: first.publishableKey,
    browser,
    nodes,
    killService: first.kill,
    startService: first.start,
    async stop() {
      await browser.close();
      await stopSite(site);
      await balancer?.stop();
      for (const node of nodes.slice().reverse()) await node.stop();
      await shared?.stop();
    },
  };
}

/**
 * Starts service, site and browser; `stop()` ends all three. The store is an SQLite file in a temporary
 * directory, so `restartService()` brings the service back on the same port with the same projects and keys.
 */
export async function startStack({ env = {} } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vcw-e2e-'));
  const startService = async (port) => {
    const service = await build({
      config: loadConfig({ LOG_LEVEL: 'silent', ...env, PORT: String(port) }),
      db: await openSqlite(path.join(dataDir, 'vcw.sqlite')),
      logger: false,
    });
    await service.listen({ port, host: '127.0.0.1' });
    return service;
  };
  let app = await startService(0);
  const port = app.server.address().port;
  const serviceUrl = `http://127.0.0.1:${port}`;

  const { site, siteOrigin } = await startSite();

  const project = await app.projects.createProject({ name: 'partner site', allowedOrigins: [siteOrigin] });
  const { plaintext: apiKey } = await app.projects.createApiKey(project.id, 'publishable');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs() });

  const stack = {
    app,
    projectId: project.id,
    serviceUrl,
    siteOrigin,
    apiKey,
    browser,
    /** Stops the service gracefully (every client is disconnected) and starts it again on the same port. */
    async restartService() {
      await app.close();
      app = stack.app = await startService(port);
    },
    async stop() {
      await browser.close();
      await stopSite(site);
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/**
 * A browser suite's hooks: `start()` (an in-process stack by default) before its tests, the participants each
 * test pushes to `suite.opened` closed after it, the stack stopped at the end. Tests read `suite.stack`.
 */
export function suiteStack(start = () => startStack()) {
  const suite = { stack: null, opened: [] };
  before(async () => {
    suite.stack = await start();
  });
  afterEach(() => closeAll(suite.opened));
  after(async () => {
    await suite.stack?.stop();
  });
  return suite;
}
