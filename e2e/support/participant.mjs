// One person on the partner site: their own browser context (cookies, devices, permissions) and page.
import assert from 'node:assert/strict';

export class Participant {
  /**
   * Opens one participant per name in `room`, joins them one after the other, and waits until each sees
   * every other's video. `options` go to `open` (quality, initScript…).
   */
  static async inCall(stack, room, names, options = {}, opened = []) {
    const people = [];
    for (const name of names) {
      const p = await Participant.open(stack, { room, name, ...options });
      opened.push(p);
      await p.join();
      await p.waitForEvent('vc-join');
      people.push(p);
    }
    for (const p of people) await p.seesRemoteVideos(names.length - 1);
    return people;
  }

  /** This participant's seat: `{peerId, room}` from its `vc-join`. */
  async seat() {
    return (await this.waitForEvent('vc-join')).detail;
  }

  /**
   * Opens the partner page for `name` in `room` (or with a join `token`), ready to click Join. `initScript`
   * runs in the page before any of its own scripts (to observe what the widget does). `context` are Playwright's
   * context options (a phone's viewport and touch screen…); `fallback` is light-DOM content of the element.
   * `network` is called with the new context before the page loads (to cut the page off from some address).
   * `service` is the service URL the page loads the widget from, and so talks to (default: the stack's).
   */
  static async open(
    stack,
    {
      room = '',
      name,
      token = '',
      quality = '',
      mode = '',
      queue = '',
      effects = '',
      notify = '',
      fallback = '',
      browser = stack.browser,
      initScript = null,
      network = null,
      context: contextOptions = {},
      service = stack.serviceUrl,
    },
  ) {
    const context = await browser.newContext(contextOptions);
    if (initScript) await context.addInitScript(initScript);
    if (network) await network(context);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(
      Participant.pageUrl(stack, { service, room, name, token, quality, mode, queue, effects, notify, fallback }),
    );
    const participant = new Participant(name, context, page, errors);
    await participant.button('join-button').waitFor({ state: 'visible' });
    return participant;
  }

  /** The partner page's address for these attributes. */
  static pageUrl(stack, attributes) {
    return `${stack.siteOrigin}/call.html?${new URLSearchParams({ service: stack.serviceUrl, key: stack.apiKey, ...attributes })}`;
  }

  constructor(name, context, page, errors) {
    this.name = name;
    this.context = context;
    this.page = page;
    this.pageErrors = errors;
  }

  /** A control inside the widget's shadow root (Playwright's CSS pierces open shadow roots). */
  button(part) {
    return this.page.locator(`video-chat-widget [part="${part}"]`);
  }

  /** The page's clock, which stamps its events (`at`). */
  pageTime() {
    return this.page.evaluate(() => Date.now());
  }

  /** Clicks Join; resolves with the page time of the click. */
  async join() {
    const at = await this.pageTime();
    await this.button('join-button').click();
    return at;
  }

  async leave() {
    // Stamped by the page as the click comes down to the Leave button (capture, before the widget's handler), so a
    // loaded test driver's own wait before clicking is not counted; pages of one machine share its clock.
    await this.page.evaluate(() => {
      window.leaveClickedAt = undefined;
      const root = document.querySelector('video-chat-widget').shadowRoot;
      const stamp = (e) =>
        e.composedPath().some((n) => n.getAttribute?.('part')?.split(' ').includes('leave-button')) &&
        (window.leaveClickedAt ??= Date.now());
      root.addEventListener('click', stamp, { capture: true });
    });
    await this.button('leave-button').click();
    return this.page.evaluate(() => window.leaveClickedAt);
  }

  /** The widget's events so far: `{type, detail, at}`. */
  events(type) {
    return this.page.evaluate((t) => window.vcEvents.filter((e) => !t || e.type === t), type);
  }

  /** Waits for the first event of `type` (at or after page time `after`) whose detail matches `predicate`. */
  async waitForEvent(type, predicate = () => true, timeoutMs = 15_000, { after = 0 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = (await this.events(type)).find((e) => e.at >= after && predicate(e.detail));
      if (match) return match;
      assert.ok(
        Date.now() < deadline,
        `${this.name}: no ${type} within ${timeoutMs} ms; events: ${JSON.stringify(await this.events())}`,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * An ordering barrier: sends a marker command on the widget's service connection and waits for its answer. The
   * answer comes on the same connection after everything the service sent this page before reading the marker,
   * so after it an event that has not arrived was not sent.
   */
  async barrier() {
    await this.page.evaluate(() => document.querySelector('video-chat-widget').engine.service.iceServers());
  }

  /**
   * Runs `probe(arg)` in the page every 200 ms until `check` accepts what it returns, and returns that. Fails
   * after `timeoutMs`, naming `what` and the last value seen.
   */
  async until(probe, arg, check, what, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = await this.page.evaluate(probe, arg);
      if (check(seen)) return seen;
      assert.ok(Date.now() < deadline, `${this.name}: ${what}: last seen ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Page time (the machine's clock) at which this page first shows `count` remote videos with decoded frames. */
  async remoteVideosShownAt(count, timeoutMs = 20_000) {
    const handle = await this.page.waitForFunction(
      (n) => {
        const root = document.querySelector('video-chat-widget').shadowRoot;
        const videos = [...root.querySelectorAll('video[part="remote-video"]')];
        return videos.length === n && videos.every((v) => v.videoWidth > 0 && v.currentTime > 0) && Date.now();
      },
      count,
      { timeout: timeoutMs, polling: 100 },
    );
    return handle.jsonValue();
  }

  /**
   * Waits until the widget shows exactly `count` remote videos, each with decoded frames that keep coming:
   * a size (`videoWidth > 0`) and playback time that advances. Returns their sizes.
   */
  async seesRemoteVideos(count, timeoutMs = 20_000) {
    await this.page.waitForFunction(
      (n) => {
        const videos = [
          ...document.querySelector('video-chat-widget').shadowRoot.querySelectorAll('video[part="remote-video"]'),
        ];
        return videos.length === n && videos.every((v) => v.videoWidth > 0 && v.currentTime > 0);
      },
      count,
      { timeout: timeoutMs, polling: 100 },
    );
    return this.page.evaluate(async () => {
      const videos = [
        ...document.querySelector('video-chat-widget').shadowRoot.querySelectorAll('video[part="remote-video"]'),
      ];
      const before = videos.map((v) => v.currentTime);
      await new Promise((r) => setTimeout(r, 700));
      return videos.map((v, i) => ({
        peerId: v.dataset.peerId,
        width: v.videoWidth,
        height: v.videoHeight,
        advanced: v.currentTime - before[i],
      }));
    });
  }

  /** An element of the widget's shadow root, e.g. `[part="chat-input"]` (Playwright's CSS pierces it). */
  part(selector) {
    return this.page.locator(`video-chat-widget ${selector}`);
  }

  /** The remote tile showing `peerId`. */
  tileOf(peerId) {
    return this.page.locator(`video-chat-widget div.tile[data-peer-id="${peerId}"]`);
  }

  /** Sends a chat message through the chat panel, as a user would. */
  async chat(text) {
    if (!(await this.part('[part="chat-input"]').isVisible())) await this.button('chat-button').click();
    await this.part('[part="chat-input"]').fill(text);
    await this.part('[part="chat-input"]').press('Enter');
  }

  async close() {
    await this.context.close();
  }
}

/**
 * Closes every participant in `opened` and empties it. Suites call it after each test, so that a test's calls end
 * with it: open calls left behind load the two cores and starve the tests that follow.
 */
export async function closeAll(opened) {
  for (const participant of opened.splice(0)) await participant.close().catch(() => undefined);
}
