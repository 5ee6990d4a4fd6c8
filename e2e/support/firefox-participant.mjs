// One person on the partner site in Firefox: a browser context of its own in the suite's Firefox (puppeteer-core
// over WebDriver BiDi). The same waits and reads as a Chromium Participant; only driving the page differs.
import { Participant } from './participant.mjs';

/** What `seesRemoteVideos` reads, in the page: each remote video's size and playback time. */
function remoteVideos() {
  return [...document.querySelector('video-chat-widget').shadowRoot.querySelectorAll('video[part="remote-video"]')].map(
    (v) => ({
      peerId: v.dataset.peerId,
      width: v.videoWidth,
      height: v.videoHeight,
      time: v.currentTime,
    }),
  );
}

export class FirefoxParticipant extends Participant {
  /** Opens the partner page in Firefox (`firefox`: the suite's puppeteer Browser), ready to click Join. */
  static async openIn(firefox, stack, { name, ...attributes }) {
    const context = await firefox.createBrowserContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(Participant.pageUrl(stack, { name, ...attributes }));
    const participant = new FirefoxParticipant(name, context, page, errors);
    await participant.part('[part="join-button"]').wait();
    return participant;
  }

  /** A part inside the widget's shadow root (puppeteer's `>>>` pierces open shadow roots). */
  part(selector) {
    return this.page.locator(`video-chat-widget >>> ${selector}`);
  }

  button(part) {
    return this.part(`[part="${part}"]`);
  }

  async seesRemoteVideos(count, timeoutMs = 20_000) {
    const playing = (videos) => videos.length === count && videos.every((v) => v.width > 0 && v.time > 0);
    const before = await this.until(remoteVideos, undefined, playing, `${count} remote video(s) playing`, timeoutMs);
    await new Promise((r) => setTimeout(r, 700));
    const after = await this.page.evaluate(remoteVideos);
    return after.map((v, i) => ({
      peerId: v.peerId,
      width: v.width,
      height: v.height,
      advanced: v.time - before[i].time,
    }));
  }

  async chat(text) {
    const input = this.part('[part="chat-input"]');
    const open = await this.page.evaluate(
      () => !!document.querySelector('video-chat-widget').shadowRoot.querySelector('[part="chat-input"]'),
    );
    if (!open) await this.button('chat-button').click();
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }
}
