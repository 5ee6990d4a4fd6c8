// The link a partner sends: the `url` of `POST /v1/rooms` opens the service's join page, and two people who
// open it hold a call (video both ways), with nothing built or hosted by the partner.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

const EVENTS = ['vc-join', 'vc-leave', 'vc-participant-join', 'vc-participant-leave', 'vc-error'];

/** Opens `url` in a browser context of its own, recording the widget's events as the partner site does. */
async function openLink(stack, url, name) {
  const context = await stack.browser.newContext();
  await context.addInitScript((types) => {
    window.vcEvents = [];
    for (const type of types)
      addEventListener(type, (e) => window.vcEvents.push({ type, detail: e.detail, at: Date.now() }), true);
  }, EVENTS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(url);
  const person = new Participant(name, context, page, errors);
  await person.button('join-button').waitFor({ state: 'visible' });
  return person;
}

describe('join links', () => {
  const suite = suiteStack();

  it('the url of a new room opens the join page, and two people who open it see and hear each other', async () => {
    const { stack } = suite;
    const { plaintext } = await stack.app.projects.createApiKey(stack.projectId, 'secret');
    const auth = { authorization: `Bearer ${plaintext}`, 'content-type': 'application/json' };
    const branding = await fetch(`${stack.serviceUrl}/v1/project/branding`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ displayName: 'Acme Care', accentColor: '#0f766e' }),
    });
    assert.equal(branding.status, 200);
    const res = await fetch(`${stack.serviceUrl}/v1/rooms`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'follow-up', privacy: 'private' }),
    });
    assert.equal(res.status, 201);
    const room = await res.json();
    assert.ok(room.url.startsWith(`${stack.serviceUrl}/join/follow-up?token=`), room.url);

    const people = [];
    for (const name of ['first', 'second']) {
      const person = await openLink(stack, room.url, name);
      suite.opened.push(person);
      people.push(person);
      assert.equal(await person.page.title(), 'follow-up · Acme Care');
      assert.equal(await person.page.locator('header .room').textContent(), 'follow-up');
      await person.join();
      const joined = await person.waitForEvent('vc-join');
      assert.equal(joined.detail.room, 'follow-up');
    }
    for (const person of people) {
      const [video] = await person.seesRemoteVideos(1);
      assert.ok(video.width > 0 && video.advanced > 0, `${person.name} sees the other's video playing`);
      assert.deepEqual(person.pageErrors, []);
    }
    // Full-window: the widget takes the page below the slim bar.
    const size = await people[0].page.evaluate(() => {
      const widget = document.querySelector('video-chat-widget').getBoundingClientRect();
      return {
        widget: widget.height + document.querySelector('header').getBoundingClientRect().height,
        window: innerHeight,
        width: widget.width,
        windowWidth: innerWidth,
      };
    });
    assert.ok(Math.abs(size.widget - size.window) <= 1 && size.width === size.windowWidth, JSON.stringify(size));
    const accent = await people[0].page.evaluate(() =>
      getComputedStyle(document.querySelector('video-chat-widget')).getPropertyValue('--vc-accent').trim(),
    );
    assert.equal(accent, '#0f766e');
  });
});
