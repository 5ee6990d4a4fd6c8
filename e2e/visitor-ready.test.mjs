// Ready for real visitors: nothing opens before the visitor asks, the call fits the box (desktop and phone),
// a participant without camera is shown for what they are, a blocked permission can be fixed without a
// reload, and a widget that was joining while the service was away joins by itself. Each run writes
// screenshots to test-results/screenshots/ (ignored by git) for a person to look at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, it } from 'node:test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { Participant } from './support/participant.mjs';
import { startProcessStack, suiteStack } from './support/stack.mjs';

const SHOTS = new URL('../test-results/screenshots/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });
/** The widget itself, whole (the page may scroll it partly out of the window). */
const screenshot = (p, name) =>
  p.page.locator('video-chat-widget').screenshot({ path: new URL(`${name}.png`, SHOTS).pathname });

const DESKTOP = { viewport: { width: 1280, height: 720 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const PHONE_LANDSCAPE = { viewport: { width: 844, height: 390 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Counts getUserMedia calls, with the page time of each, from before the page's own scripts run. */
const COUNT_CAMERA_REQUESTS = () => {
  window.cameraRequests = [];
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.cameraRequests.push(Date.now());
    return original(constraints);
  };
};

/**
 * The widget's layout as its shadow root's boxes say: whether every visible control and tile lies inside the
 * element, the controls sit in one row, Leave is visible, no two tiles overlap, and each tile's size.
 */
function layoutOf(page) {
  return page.evaluate(() => {
    const widget = document.querySelector('video-chat-widget');
    const root = widget.shadowRoot;
    const box = widget.getBoundingClientRect();
    const inside = (r) =>
      r.left >= box.left - 0.5 && r.top >= box.top - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5;
    const controls = [...root.querySelectorAll('[part="controls"] button')].filter((b) => b.checkVisibility());
    const tiles = [...root.querySelectorAll('[part~="tile"]')].map((t) => t.getBoundingClientRect());
    let overlaps = 0;
    for (const [i, a] of tiles.entries()) {
      for (const b of tiles.slice(i + 1)) {
        if (
          Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1
        )
          overlaps++;
      }
    }
    const leave = root.querySelector('[part="leave-button"]');
    return {
      box: { width: box.width, height: box.height },
      controls: controls.map((c) => c.getAttribute('part')),
      controlsInside: controls.every((c) => inside(c.getBoundingClientRect())),
      rows: new Set(
        controls.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)),
      ).size,
      leaveVisible: !!leave && leave.checkVisibility() && inside(leave.getBoundingClientRect()),
      tilesInside: tiles.every(inside),
      overlaps,
      tiles: tiles.map((t) => ({ width: Math.round(t.width), height: Math.round(t.height) })),
    };
  });
}

function assertFits(layout, what) {
  assert.ok(layout.controlsInside, `${what}: every control inside the widget ${JSON.stringify(layout)}`);
  assert.equal(layout.rows, 1, `${what}: one row of controls ${JSON.stringify(layout)}`);
  assert.ok(layout.leaveVisible, `${what}: Leave visible`);
  assert.ok(layout.tilesInside, `${what}: every tile inside ${JSON.stringify(layout)}`);
  assert.equal(layout.overlaps, 0, `${what}: no two tiles overlap ${JSON.stringify(layout)}`);
}

/**
 * Emulates a notched phone's safe areas (`env(safe-area-inset-*)`, in CSS pixels) and checks that every visible
 * control and tile of the call lies inside the widget's box less those insets.
 */
async function assertClearOfSafeArea(p, insets, what) {
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets });
  const outside = await p.page.evaluate(async (inset) => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const widget = document.querySelector('video-chat-widget');
    const box = widget.getBoundingClientRect();
    const root = widget.shadowRoot;
    const items = [
      ...root.querySelectorAll('[part="controls"] button'),
      ...root.querySelectorAll('[part~="tile"]'),
    ].filter((e) => e.checkVisibility());
    return items
      .map((e) => [e.getAttribute('part'), e.getBoundingClientRect()])
      .filter(
        ([, r]) =>
          r.left < box.left + inset.left - 0.5 ||
          r.right > box.right - inset.right + 0.5 ||
          r.top < box.top + inset.top - 0.5 ||
          r.bottom > box.bottom - inset.bottom + 0.5,
      )
      .map(
        ([part, r]) =>
          `${part} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`,
      );
  }, insets);
  assert.deepEqual(outside, [], `${what}: nothing in the safe-area insets ${JSON.stringify(insets)}`);
  await cdp.detach();
}

describe('ready for real visitors', () => {
  const suite = suiteStack();

  it('opens no camera before the visitor asks; Join then starts the call', async () => {
    const ada = await Participant.open(suite.stack, {
      room: 'intent',
      name: 'Ada',
      initScript: COUNT_CAMERA_REQUESTS,
      context: DESKTOP,
    });
    suite.opened.push(ada);
    await ada.until(
      () => document.querySelector('video-chat-widget').state,
      null,
      (state) => state === 'prejoin',
      'the pre-join screen',
    );
    await ada.page.waitForTimeout(5000); // a visitor reading the page
    await ada.part('[part="check-camera-button"]').waitFor({ state: 'visible' });
    assert.equal(await ada.part('[part="device-pickers"]').count(), 0, 'no device pickers before permission');
    await screenshot(ada, 'prejoin-desktop');
    const clickedAt = await ada.join();
    await ada.waitForEvent('vc-join');
    const requests = await ada.page.evaluate(() => window.cameraRequests);
    assert.ok(requests.length >= 1, 'Join opened the camera');
    assert.ok(requests[0] >= clickedAt, `the first getUserMedia came after the click (${requests[0] - clickedAt} ms)`);
    await ada.until(
      () => {
        const video = document
          .querySelector('video-chat-widget')
          .shadowRoot.querySelector('[part="call"] video[part="local-video"]');
        return video?.videoWidth ?? 0;
      },
      null,
      (width) => width > 0,
      'the camera in the call',
    );
  });

  it('a 3-person call and a shared screen on the stage fit a desktop box', async () => {
    const people = await Participant.inCall(
      suite.stack,
      'three',
      ['Ada', 'Grace', 'Lin'],
      { context: DESKTOP },
      suite.opened,
    );
    const [ada, grace] = people;
    assertFits(await layoutOf(ada.page), '3-person call, 1280×720');
    await screenshot(ada, 'call-3-people-desktop');
    // The page gives the widget a smaller box: everything still fits it.
    for (const [width, height] of [
      [320, 240],
      [800, 480],
    ]) {
      await ada.page.evaluate(
        ([w, h]) =>
          Object.assign(document.querySelector('video-chat-widget').style, { width: `${w}px`, height: `${h}px` }),
        [width, height],
      );
      await ada.page.waitForFunction(
        ([w, h]) => {
          const box = document.querySelector('video-chat-widget').getBoundingClientRect();
          return box.width === w && box.height === h;
        },
        [width, height],
      );
      assertFits(await layoutOf(ada.page), `3-person call in a ${width}×${height} box`);
      await screenshot(ada, `call-3-people-${width}x${height}`);
    }
    await ada.page.evaluate(() => document.querySelector('video-chat-widget').removeAttribute('style'));

    await grace.button('screen-share-button').click();
    const { detail: graceSeat } = await grace.waitForEvent('vc-join');
    const stage = ada.page.locator(
      `video-chat-widget [part~="remote-tile"][data-peer-id="${graceSeat.peerId}"].on-stage`,
    );
    await stage.waitFor({ state: 'visible', timeout: 10_000 });
    const layout = await layoutOf(ada.page);
    assertFits(layout, 'screen share on the stage');
    const [largest, ...rest] = layout.tiles.map((t) => t.width * t.height).sort((a, b) => b - a);
    assert.ok(
      rest.every((area) => area * 4 < largest),
      `the stage is much larger than the strip: ${JSON.stringify(layout.tiles)}`,
    );
    await ada.page.waitForTimeout(500); // let the shared screen's first frames paint for the screenshot
    await screenshot(ada, 'screen-share-on-stage');
  });

  it('on a phone, portrait and landscape: one row of controls, full-height tiles, the chat as a sheet', async () => {
    const grace = await Participant.open(suite.stack, { room: 'phone', name: 'Grace', context: DESKTOP });
    suite.opened.push(grace);
    await grace.join();
    await grace.waitForEvent('vc-join');
    const ada = await Participant.open(suite.stack, { room: 'phone', name: 'Ada', context: PHONE });
    suite.opened.push(ada);
    await screenshot(ada, 'prejoin-phone');
    await ada.join();
    await ada.seesRemoteVideos(1);
    const portrait = await layoutOf(ada.page);
    assertFits(portrait, 'phone portrait');
    assert.deepEqual(portrait.controls, ['microphone-button', 'camera-button', 'more-button', 'leave-button']);
    assert.ok(portrait.box.height > 600, `a portrait box on a portrait screen: ${portrait.box.height}`);
    const stacked = portrait.tiles.reduce((sum, t) => sum + t.height, 0);
    assert.ok(
      portrait.tiles.every((t) => t.width > 350) && stacked > 0.8 * portrait.box.height,
      `stacked tiles fill the box: ${JSON.stringify(portrait)}`,
    );
    await screenshot(ada, 'call-phone-portrait');

    await ada.button('more-button').tap();
    await ada.button('chat-button').tap();
    await ada.part('[part="chat-input"]').waitFor({ state: 'visible' });
    const sheet = await ada.page.evaluate(() => {
      const root = document.querySelector('video-chat-widget').shadowRoot;
      const panel = root.querySelector('[part~="panel"]').getBoundingClientRect();
      const remote = root.querySelector('[part~="remote-tile"]').getBoundingClientRect();
      return { panelTop: panel.top, remoteTop: remote.top, remoteBottom: remote.bottom, remoteHeight: remote.height };
    });
    assert.ok(
      sheet.remoteHeight > 100 && sheet.remoteBottom <= sheet.panelTop + 1,
      `the speaker stays in view above the chat: ${JSON.stringify(sheet)}`,
    );
    await screenshot(ada, 'call-phone-chat-sheet');

    await ada.page.setViewportSize(PHONE_LANDSCAPE.viewport);
    await ada.button('close-panel-button').tap();
    await ada.page.waitForFunction(
      () => !document.querySelector('video-chat-widget').shadowRoot.querySelector('[part~="panel"]'),
    );
    const landscape = await layoutOf(ada.page);
    assertFits(landscape, 'phone landscape');
    assert.ok(
      landscape.tiles.every((t) => t.height > 250),
      `full-height tiles side by side: ${JSON.stringify(landscape.tiles)}`,
    );
    await screenshot(ada, 'call-phone-landscape');

    // A notched phone (the page has viewport-fit=cover): the call keeps clear of the safe areas, sideways and upright.
    await assertClearOfSafeArea(ada, { top: 0, right: 47, bottom: 21, left: 47 }, 'phone landscape');
    await ada.page.setViewportSize(PHONE.viewport);
    await assertClearOfSafeArea(ada, { top: 47, right: 0, bottom: 34, left: 0 }, 'phone portrait');
    await screenshot(ada, 'call-phone-portrait-notch');
  });

  it('a participant whose camera is blocked is a named "no camera" tile within 2 s, chats, and "Try again" brings the camera in', async () => {
    // A browser that asks, as a real one does; this context's visitor has not allowed camera and microphone.
    const asking = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs().filter((a) => !a.startsWith('--use-fake-ui-for-media-stream')),
    });
    try {
      const ada = await Participant.open(suite.stack, { room: 'blocked', name: 'Ada', context: DESKTOP });
      suite.opened.push(ada);
      await ada.join();
      await ada.waitForEvent('vc-join');
      const bob = await Participant.open(suite.stack, {
        room: 'blocked',
        name: 'Bob',
        browser: asking,
        context: DESKTOP,
      });
      suite.opened.push(bob);
      await bob.join();
      const joined = await bob.waitForEvent('vc-join');
      const error = await bob.waitForEvent('vc-error', (d) => d.code === 'media_permission_denied');
      assert.equal(error.detail.fatal, false);
      const notice = bob.part('[part="notice"]');
      assert.match(await notice.innerText(), /blocked/);
      assert.match(await notice.innerText(), /site settings/, 'how to allow it in this browser');
      assertFits(await layoutOf(bob.page), 'the call under the notice');
      await screenshot(bob, 'blocked-permission-notice');

      const seen = await ada.waitForEvent('vc-participant-join', (d) => d.peerId === joined.detail.peerId);
      const tile = await ada.until(
        (peerId) => {
          const t = document
            .querySelector('video-chat-widget')
            .shadowRoot.querySelector(`[part~="remote-tile"][data-peer-id="${peerId}"]`);
          return (
            t && {
              name: t.querySelector('[part="tile-name"]')?.textContent,
              avatar: !!t.querySelector('[part="avatar"]'),
              cameraOff: !!t.querySelector('[part="camera-off"]'),
              text: t.textContent,
              at: Date.now(),
            }
          );
        },
        joined.detail.peerId,
        (t) => t?.name === 'Bob' && t.avatar && t.cameraOff,
        "Bob's tile",
      );
      assert.ok(tile.at - seen.at <= 2000, `shown ${tile.at - seen.at} ms after Bob joined`);
      assert.doesNotMatch(tile.text, /Connecting/);
      await screenshot(ada, 'no-camera-participant');
      // Bob sends nothing but still watches and hears Ada: his call is not "Text chat only".
      await bob.seesRemoteVideos(1);
      assert.equal(await bob.part('[part="text-only-banner"]').count(), 0, 'watching Ada, not told "text chat only"');
      await screenshot(bob, 'blocked-permission-watching');

      await bob.chat('my camera is blocked');
      await ada.waitForEvent('vc-chat-message', (d) => d.text === 'my camera is blocked' && d.displayName === 'Bob');
      await ada.chat('hello Bob');
      await bob.waitForEvent('vc-chat-message', (d) => d.text === 'hello Bob' && !d.self);

      await bob.context.grantPermissions(['camera', 'microphone'], { origin: suite.stack.siteOrigin });
      await bob.button('retry-button').click();
      await ada.seesRemoteVideos(1, 20_000);
      await bob.part('[part="notice"]').waitFor({ state: 'detached', timeout: 10_000 });
    } finally {
      await asking.close();
    }
  });

  it('shows light-DOM fallback content while the script has not loaded, and hides it once upgraded', async () => {
    const upgraded = await Participant.open(suite.stack, {
      room: 'fallback',
      name: 'Ada',
      fallback: 'Video chat is loading…',
    });
    suite.opened.push(upgraded);
    assert.equal(await upgraded.page.locator('p.fallback').isVisible(), false, 'hidden once the element upgraded');

    const context = await suite.stack.browser.newContext();
    const page = await context.newPage();
    try {
      await page.route('**/widget.js', (route) => route.abort()); // a blocked script, or the service unreachable
      const query = new URLSearchParams({
        service: suite.stack.serviceUrl,
        key: suite.stack.apiKey,
        room: 'fallback',
        fallback: 'Video chat is loading…',
      });
      await page.goto(`${suite.stack.siteOrigin}/call.html?${query}`);
      assert.equal(await page.locator('p.fallback').innerText(), 'Video chat is loading…');
      assert.equal(await page.locator('p.fallback').isVisible(), true);
    } finally {
      await context.close();
    }
  });

  it("a join token's display name is its holder's own name in the pre-join and on their tile", async () => {
    const { plaintext } = await suite.stack.app.projects.createApiKey(suite.stack.projectId, 'secret');
    const rest = (path, body) =>
      fetch(`${suite.stack.serviceUrl}/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${plaintext}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const room = await rest('/rooms', { name: 'named', privacy: 'private' });
    const { token } = await rest(`/rooms/${room.id}/tokens`, { role: 'guest', displayName: 'Dr. Ada' });
    const ada = await Participant.open(suite.stack, { token, name: 'Ada' });
    suite.opened.push(ada);
    assert.equal(await ada.part('[part="name-input"]').inputValue(), 'Dr. Ada');
    await ada.join();
    await ada.waitForEvent('vc-join');
    assert.equal(await ada.part('[part~="local-tile"] [part="tile-name"]').innerText(), 'Dr. Ada (you)');
  });
});

describe('the service is away when the visitor joins', () => {
  const suite = suiteStack(() => startProcessStack());

  it('joins by itself within 10 s of the service coming back, and no stale notice stays', async () => {
    // The worst case: the call's views (a lazy chunk, asked for as the visitor goes to Join) fail to arrive, the service being away.
    let cutOff;
    const viewsCutOff = new Promise((resolve) => (cutOff = resolve));
    const cutOffViews = (context) =>
      context.route('**/chunks/call-view-*.js', (route) => {
        if (!cutOff) return route.continue();
        cutOff();
        cutOff = null;
        return route.abort('connectionrefused');
      });
    const ada = await Participant.open(suite.stack, {
      room: 'away',
      name: 'Ada',
      context: DESKTOP,
      network: cutOffViews,
    });
    suite.opened.push(ada);
    const consoleLines = [];
    ada.page.on('console', (message) => consoleLines.push(message.text()));
    await ada.until(
      () => document.querySelector('video-chat-widget').state,
      null,
      (state) => state === 'prejoin',
      'the pre-join screen',
    );
    await suite.stack.killService('SIGKILL');
    await ada.join();
    await viewsCutOff;
    // Down long enough for the join to fail once: "did not answer room:join" when the click beat the widget to
    // noticing the dead connection, "Could not reach the video chat service" when it had noticed first.
    const notice = ada.part('[part="notice"]');
    await notice.waitFor({ state: 'visible', timeout: 20_000 });
    const said = await notice.innerText();
    assert.match(said, /Trying again/);
    assert.doesNotMatch(said, /xhr|poll|room:join|websocket/i, 'no words meant for the site owner');
    await ada.waitForEvent(
      'vc-error',
      (d) => d.code === 'connection_failed' && /did not answer room:join|Could not reach/.test(d.message),
      20_000,
    );
    assert.ok(
      consoleLines.some(
        (line) => line.includes('connection_failed') && line.includes('docs/errors.md#connection_failed'),
      ),
      'one console line for the site owner',
    );
    await screenshot(ada, 'service-away');

    await suite.stack.startService();
    const back = Date.now();
    const joined = await ada.waitForEvent('vc-join', () => true, 15_000);
    const after = joined.at - back;
    console.log(`# service back: the widget joined by itself ${after} ms later`);
    assert.ok(after <= 10_000, `joined ${after} ms after the service was back`);
    await ada.part('[part="notice"]').waitFor({ state: 'detached', timeout: 5000 });
    await ada.button('leave-button').waitFor({ state: 'visible', timeout: 5000 }); // the call's views came after all
  });
});
