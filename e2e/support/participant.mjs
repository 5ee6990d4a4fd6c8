// One person on the partner site: their own browser context (cookies, devices, permissions) and page.
import assert from 'node:assert/strict';

export class Participant {
  /** Opens the partner page for `name` in `room` (or with a join `token`), ready to click Join. */
  static async open(stack, { room = '', name, token = '', quality = '', browser = stack.browser }) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    const query = new URLSearchParams({ service: stack.serviceUrl, key: stack.apiKey, room, name, token, quality });
    await page.goto(`${stack.siteOrigin}/call.html?${query}`);
    const participant = new Participant(name, context, page, errors);
    await participant.button('join-button').waitFor({ state: 'visible' });
    return participant;
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

  /** Clicks Join; resolves with the page time of the click. */
  async join() {
    const at = await this.page.evaluate(() => Date.now());
    await this.button('join-button').click();
    return at;
  }

  async leave() {
    const at = await this.page.evaluate(() => Date.now());
    await this.button('leave-button').click();
    return at;
  }

  /** The widget's events so far: `{type, detail, at}`. */
  events(type) {
    return this.page.evaluate((t) => window.vcEvents.filter((e) => !t || e.type === t), type);
  }

  /** Waits for the first event of `type` whose detail matches `predicate`, and returns it. */
  async waitForEvent(type, predicate = () => true, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = (await this.events(type)).find((e) => predicate(e.detail));
      if (match) return match;
      assert.ok(Date.now() < deadline, `${this.name}: no ${type} within ${timeoutMs} ms; events: ${JSON.stringify(await this.events())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Waits until the widget shows exactly `count` remote videos, each with decoded frames that keep coming:
   * a size (`videoWidth > 0`) and playback time that advances. Returns their sizes.
   */
  async seesRemoteVideos(count, timeoutMs = 20_000) {
    await this.page.waitForFunction(
      (n) => {
        const videos = [...document.querySelector('video-chat-widget').shadowRoot.querySelectorAll('video[part="remote-video"]')];
        return videos.length === n && videos.every((v) => v.videoWidth > 0 && v.currentTime > 0);
      },
      count,
      { timeout: timeoutMs, polling: 100 },
    );
    return this.page.evaluate(async () => {
      const videos = [...document.querySelector('video-chat-widget').shadowRoot.querySelectorAll('video[part="remote-video"]')];
      const before = videos.map((v) => v.currentTime);
      await new Promise((r) => setTimeout(r, 700));
      return videos.map((v, i) => ({ peerId: v.dataset.peerId, width: v.videoWidth, height: v.videoHeight, advanced: v.currentTime - before[i] }));
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
