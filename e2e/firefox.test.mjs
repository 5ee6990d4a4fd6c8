// End to end across browsers: Debian's Firefox (puppeteer-core over WebDriver BiDi) in a call with Chromium
// through the real service. Firefox sends at the quality asked for whatever size its camera opened at, and
// says when an effect cannot run there (it lacks MediaStreamTrackProcessor).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firefoxAvailable, firefoxMissing, launchFirefox } from '../scripts/firefox.mjs';
import { FirefoxParticipant } from './support/firefox-participant.mjs';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

/** In the page: the width of the remote video of the widget (0 before its first frame). */
const remoteWidth = () =>
  document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]')?.videoWidth ?? 0;

// Without Firefox a newcomer gets one skipped test saying why; under CI it is a failure (the `before` below).
const skip = !firefoxAvailable() && process.env.CI !== 'true';
if (skip) it('Firefox beside Chromium', { skip: firefoxMissing() }, () => undefined);
else
  describe('Firefox beside Chromium', () => {
    const suite = suiteStack();
    let firefox = null;
    before(async () => {
      assert.ok(firefoxAvailable(), firefoxMissing());
      firefox = await launchFirefox();
    });
    after(() => firefox?.close());

    it('a Firefox ↔ Chromium call decodes video both ways and chats; quality="low" on Firefox arrives 640 wide or less after its camera opened larger', async () => {
      const { stack, opened } = suite;
      const ada = await Participant.open(stack, { room: 'across-browsers', name: 'Ada' });
      opened.push(ada);
      await ada.join();
      await ada.waitForEvent('vc-join');
      const fox = await FirefoxParticipant.openIn(firefox.browser, stack, {
        room: 'across-browsers',
        name: 'Fox',
        quality: 'high',
      });
      opened.push(fox);
      await fox.join();
      await fox.waitForEvent('vc-join');

      const [fromAda] = await fox.seesRemoteVideos(1);
      assert.ok(
        fromAda.width > 0 && fromAda.advanced > 0.2,
        `Firefox decodes Chromium's video: ${JSON.stringify(fromAda)}`,
      );
      await ada.until(
        remoteWidth,
        undefined,
        (w) => w > 640,
        "Firefox's video larger than 640 at first (quality high)",
        20_000,
      );
      // Firefox cannot shrink a camera while it runs: the sender has to scale what it gets.
      await fox.page.evaluate(() => document.querySelector('video-chat-widget').setAttribute('quality', 'low'));
      await ada.until(
        remoteWidth,
        undefined,
        (w) => w > 0 && w <= 640,
        "Firefox's low-quality video at 640 wide or less",
        20_000,
      );
      const [fromFox] = await ada.seesRemoteVideos(1);
      assert.ok(
        fromFox.width > 0 && fromFox.width <= 640 && fromFox.advanced > 0.2,
        `Chromium decodes Firefox's video at low quality: ${JSON.stringify(fromFox)}`,
      );

      await fox.chat('hello from Firefox');
      await ada.waitForEvent('vc-chat-message', (m) => m.text === 'hello from Firefox' && !m.self);
      await ada.chat('hello from Chromium');
      await fox.waitForEvent('vc-chat-message', (m) => m.text === 'hello from Chromium' && !m.self);
      assert.deepEqual(await fox.events('vc-error'), []);
      assert.deepEqual(fox.pageErrors, []);
    });

    it('effects="grayscale" in markup on Firefox is a vc-error effect_unavailable, and the call goes on', async () => {
      const { stack, opened } = suite;
      const fox = await FirefoxParticipant.openIn(firefox.browser, stack, {
        room: 'firefox-effects',
        name: 'Fox',
        effects: 'grayscale',
      });
      opened.push(fox);
      await fox.join();
      const { detail } = await fox.waitForEvent('vc-error', (e) => e.code === 'effect_unavailable', 20_000);
      assert.equal(detail.fatal, false);
      await fox.waitForEvent('vc-join');
      assert.deepEqual(
        (await fox.events('vc-error')).map((e) => e.detail.code),
        ['effect_unavailable'],
      );
    });
  });
