// The product as `npm start` runs it: the service process with its SQLite store, serving the demo page with
// the dev project's key. Two tabs of the demo page hold a call. Each test stands alone: those that look at a
// first start or a restart start their own process on a store of their own.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { freePort, spawnService } from '../scripts/service-process.mjs';

/** A fresh DATA_DIR, removed after the suite. */
const dataDirs = [];
async function freshDataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'vcw-demo-'));
  dataDirs.push(dir);
  return dir;
}

/** Starts the service as `npm start` does on `dataDir` (a first start on an empty one); stopped after the suite. */
const started = [];
async function startService(dataDir) {
  const port = await freePort();
  const service = await spawnService({ ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  started.push(service.child);
  return { ...service, port };
}

/** Sends `signal` and resolves with the exit code. */
function stop(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return exited;
}

/** Waits until the page's widget shows a remote video that plays. */
function seesRemoteVideo(page) {
  return page.waitForFunction(
    () => {
      const v = document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]');
      return v && v.videoWidth > 0 && v.currentTime > 0.3;
    },
    undefined,
    { timeout: 20_000 },
  );
}

describe('the demo pages of a started service', () => {
  let service;
  let base;
  let browser;
  before(async () => {
    service = await startService(await freshDataDir());
    base = service.demoUrl.replace(/\/demo\/$/, '');
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs() });
  });
  after(async () => {
    await browser?.close();
    for (const child of started) await stop(child);
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it('prints the dev key on first start, and two tabs of the demo page hold a call', async () => {
    const { port, demoUrl } = service;
    assert.equal(demoUrl, `http://127.0.0.1:${port}/demo/`);
    assert.match(
      service.output(),
      new RegExp(
        `dev project publishable key \\(works on http://127\\.0\\.0\\.1:${port} and http://localhost:${port}\\): pk_test_[0-9A-Za-z]{28}`,
      ),
    );
    // The secret key is printed this once, and works on the REST API at once.
    const secretKey = /dev project secret key.*: (sk_test_[0-9A-Za-z]{28})/.exec(service.output())?.[1];
    assert.ok(secretKey, service.output());
    const rooms = await fetch(`http://127.0.0.1:${port}/v1/rooms`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    assert.equal(rooms.status, 200);

    const context = await browser.newContext();
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(demoUrl);
      await tab.locator('video-chat-widget [part="join-button"]').click();
    }
    for (const tab of tabs) {
      await seesRemoteVideo(tab);
    }
    await context.close();
  });

  it('the support demo: a customer on the help page calls, the agent console takes the call', async () => {
    const [customer, agent] = [await browser.newContext(), await browser.newContext()];
    try {
      const console = await agent.newPage();
      await console.goto(`${base}/demo/support/agent.html`);
      await console.locator('video-chat-widget [part="join-button"]').click();
      await console.locator('video-chat-widget [part="agent-console"]').waitFor({ state: 'visible', timeout: 10_000 });
      const help = await customer.newPage();
      await help.goto(`${base}/demo/support/`);
      await help.locator('video-chat-widget [part="join-button"]').click();
      await console.locator('video-chat-widget [part="take-next-button"]').click();
      for (const page of [help, console]) {
        await seesRemoteVideo(page);
      }
    } finally {
      await customer.close();
      await agent.close();
    }
  });

  it('the random demo: two visitors are paired', async () => {
    const visitors = [await browser.newContext(), await browser.newContext()];
    try {
      const pages = [];
      for (const visitor of visitors) {
        const page = await visitor.newPage();
        await page.goto(`${base}/demo/random/`);
        await page.locator('video-chat-widget [part="join-button"]').click();
        pages.push(page);
      }
      for (const page of pages) {
        await seesRemoteVideo(page);
      }
    } finally {
      for (const visitor of visitors) await visitor.close();
    }
  });

  it('on a phone every demo page fits the screen, its event log too: no sideways scrolling, no zooming out', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    try {
      for (const pagePath of ['/demo/', '/demo/support/', '/demo/support/agent.html', '/demo/random/']) {
        const page = await phone.newPage();
        await page.goto(`${base}${pagePath}`);
        await page.locator('video-chat-widget [part="join-button"]').waitFor({ state: 'visible' });
        // Events as a call logs them, with details long enough to wrap (ids, messages, a long name).
        await page.evaluate(() => {
          const widget = document.querySelector('video-chat-widget');
          for (let i = 0; i < 5; i++) {
            widget.dispatchEvent(
              new CustomEvent('vc-participant-join', {
                detail: {
                  peerId: `p${'x'.repeat(40)}${i}`,
                  displayName: 'Someone-with-a-very-long-name-that-does-not-break-anywhere-at-all',
                },
              }),
            );
            widget.dispatchEvent(
              new CustomEvent('vc-error', {
                detail: {
                  code: 'media_permission_denied',
                  message: 'The camera or microphone was refused: allow them in the browser settings and try again.',
                  fatal: false,
                },
              }),
            );
          }
        });
        const fit = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth,
          scale: visualViewport.scale,
          log: document.querySelector('#log').textContent.length,
        }));
        assert.ok(fit.log > 500, `${pagePath}: the log filled`);
        assert.deepEqual(
          { scrollWidth: fit.scrollWidth, innerWidth: fit.innerWidth, scale: fit.scale },
          { scrollWidth: 390, innerWidth: 390, scale: 1 },
          pagePath,
        );
        await page.close();
      }
    } finally {
      await phone.close();
    }
  });

  it('exits cleanly on SIGTERM', async () => {
    const own = await startService(await freshDataDir());
    assert.equal(await stop(own.child), 0);
  });

  it("a second start on the same store prints the publishable key's file, never a secret key", async () => {
    const dataDir = await freshDataDir();
    const first = await startService(dataDir);
    assert.match(first.output(), /dev project secret key/, 'the first start minted the dev project');
    assert.equal(await stop(first.child), 0);
    const second = await startService(dataDir);
    // The banner is written in one go: everything it says is in the output once the demo URL is.
    assert.match(second.output(), /dev project publishable key: see .*dev-publishable-key/);
    assert.doesNotMatch(second.output(), /sk_test_/);
  });
});
