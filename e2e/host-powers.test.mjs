// Host powers in real browsers: a host (join token with role `host`) mutes and removes guests from the
// participants panel, locks the room from the control bar, and ends the call; the others see each of it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

describe('host powers in the widget', () => {
  const suite = suiteStack();
  let rest;
  before(async () => {
    const { plaintext } = await suite.stack.app.projects.createApiKey(suite.stack.projectId, 'secret');
    rest = (method, path, body) =>
      fetch(`${suite.stack.serviceUrl}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${plaintext}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
  });

  /** A join token for the room. */
  const tokenFor = async (roomId, role, displayName) =>
    (await rest('POST', `/rooms/${roomId}/tokens`, { role, displayName })).body.token;

  /** Opens `name`'s page with `token` and joins; resolves with its seat. */
  const joined = async (name, token) => {
    const p = await Participant.open(suite.stack, { name, token });
    suite.opened.push(p);
    await p.join();
    return { p, peerId: (await p.seat()).peerId };
  };

  /** Clicks a control of the bar, through the "More" menu when the widget is too narrow to show it. */
  const clickControl = async (p, part) => {
    if (!(await p.button(part).isVisible())) await p.button('more-button').click();
    await p.button(part).click();
  };

  it('a host mutes and removes a guest, locks the room against a newcomer, and ends the call', async () => {
    const room = await rest('POST', '/rooms', { name: 'surgery', privacy: 'private', maxParticipants: 4 });
    assert.equal(room.status, 201);
    const roomId = room.body.id;
    const host = await joined('Dr. Ada', await tokenFor(roomId, 'host', 'Dr. Ada'));
    const grace = await joined('Grace', await tokenFor(roomId, 'guest', 'Grace'));
    const malloryToken = await tokenFor(roomId, 'guest', 'Mallory');
    const mallory = await joined('Mallory', malloryToken);
    await host.p.waitForEvent('vc-participant-join', (d) => d.peerId === mallory.peerId);

    // A guest has no host buttons, and the methods refuse it.
    await clickControl(grace.p, 'participants-button');
    await grace.p.part('[part="participants-panel"] li[data-peer-id]').first().waitFor();
    assert.equal(await grace.p.part('[part="remove-participant-button"]').count(), 0);
    assert.equal(await grace.p.part('[part="lock-room-button"]').count(), 0);
    const refused = await grace.p.page.evaluate(() =>
      document
        .querySelector('video-chat-widget')
        .lockRoom(true)
        .then(
          () => 'ok',
          (e) => e.code,
        ),
    );
    assert.equal(refused, 'host_only');

    // Mute: Grace's microphone goes off, she is told, and the host sees it off.
    await clickControl(host.p, 'participants-button');
    const row = (peerId) => host.p.part(`[part="participants-panel"] li[data-peer-id="${peerId}"]`);
    await row(grace.peerId).locator('[part="mute-participant-button"]').click();
    const note = grace.p.part('[part="host-notice"]');
    await note.waitFor();
    assert.match(await note.textContent(), /The host muted you/);
    assert.equal(await grace.p.button('microphone-button').getAttribute('aria-label'), 'Turn microphone on');
    await host.p.until(
      () => document.querySelector('video-chat-widget').participants.find((p) => p.displayName === 'Grace')?.microphone,
      null,
      (on) => on === false,
      "Grace's microphone off",
    );
    // She may turn it on again; the notice goes.
    await grace.p.button('microphone-button').click();
    await note.waitFor({ state: 'detached' });
    await host.p.until(
      () => document.querySelector('video-chat-widget').participants.find((p) => p.displayName === 'Grace')?.microphone,
      null,
      (on) => on === true,
      "Grace's microphone on again",
    );

    // Remove: Mallory leaves as kicked, says so plainly, and stays out.
    await row(mallory.peerId).locator('[part="remove-participant-button"]').click();
    const kicked = await mallory.p.waitForEvent('vc-leave');
    assert.deepEqual(kicked.detail, { reason: 'kicked' });
    for (const other of [host, grace]) {
      const left = await other.p.waitForEvent('vc-participant-leave', (d) => d.peerId === mallory.peerId);
      assert.equal(left.detail.reason, 'kicked');
    }
    const leftScreen = mallory.p.part('[part="left"]');
    assert.equal(
      (await leftScreen.locator('[role="status"]').textContent()).trim(),
      'The host removed you from this call.',
    );
    assert.equal(await leftScreen.getAttribute('data-reason'), 'kicked');
    assert.equal(await mallory.p.part('[part="left"] [part="join-button"]').count(), 0, 'no Join again');
    assert.equal(await mallory.p.part('[part="notice"]').count(), 0, 'a removal is no error');
    assert.equal(await mallory.p.page.evaluate(() => document.querySelector('video-chat-widget').state), 'left');
    assert.deepEqual(
      (await mallory.p.events('vc-error')).map((e) => e.detail.code),
      [],
    );
    // Back with the same token (a reload): refused, in plain words.
    await mallory.p.page.reload();
    await mallory.p.button('join-button').click();
    const again = await mallory.p.waitForEvent('vc-error', (d) => d.code === 'participant_removed');
    assert.ok(again);
    assert.equal(
      (await mallory.p.part('[part="notice"] p').textContent()).trim(),
      'The host removed you from this call.',
    );
    assert.equal((await mallory.p.events('vc-join')).length, 0);

    // Lock: Grace is told; a newcomer is refused, plainly.
    await clickControl(host.p, 'lock-room-button');
    await grace.p.until(
      () =>
        document.querySelector('video-chat-widget').shadowRoot.querySelector('[part="host-notice"]')?.textContent ?? '',
      null,
      (t) => /locked this call/.test(t),
      'the lock notice',
    );
    // The host's own button follows the service's answer, which may come after the room heard of the lock.
    await host.p.until(
      () =>
        document
          .querySelector('video-chat-widget')
          .shadowRoot.querySelector('[part="lock-room-button"]')
          ?.getAttribute('aria-pressed'),
      null,
      (pressed) => pressed === 'true',
      "the host's lock button pressed",
    );
    const late = await Participant.open(suite.stack, { name: 'Late', token: await tokenFor(roomId, 'guest', 'Late') });
    suite.opened.push(late);
    await late.join();
    await late.waitForEvent('vc-error', (d) => d.code === 'room_locked');
    assert.equal(
      (await late.part('[part="notice"] p').textContent()).trim(),
      'This call is locked: nobody new can join right now.',
    );
    assert.equal((await rest('GET', `/rooms/${roomId}`)).body.participantCount, 2);

    // End for everyone.
    await clickControl(host.p, 'end-call-button');
    for (const p of [host.p, grace.p])
      assert.deepEqual((await p.waitForEvent('vc-leave')).detail, { reason: 'room-ended' });
    assert.ok((await rest('GET', `/rooms/${roomId}`)).body.endedAt);
  });

  it('knock to enter: a guest waits (no host yet), the host admits it, and denies another with a reason it reads', async () => {
    const room = await rest('POST', '/rooms', { name: 'porch', privacy: 'private', knock: true });
    assert.equal(room.status, 201);
    const roomId = room.body.id;
    // Grace knocks before any host is in the call: she waits, and is told nobody is there yet.
    const grace = await Participant.open(suite.stack, {
      name: 'Grace',
      token: await tokenFor(roomId, 'guest', 'Grace'),
    });
    suite.opened.push(grace);
    await grace.join();
    assert.deepEqual((await grace.waitForEvent('vc-knock-waiting')).detail, { hostsPresent: 0 });
    const status = grace.part('[part="knock-status"]');
    assert.equal(
      (await status.textContent()).replace(/\s+/g, ' ').trim(),
      'Waiting for the host to let you in… No host is in the call yet: you will get in once one arrives and lets you in.',
    );
    assert.equal((await grace.events('vc-join')).length, 0);

    // The host comes in at once, is told of Grace's knock, and lets her in.
    const host = await joined('Dr. Ada', await tokenFor(roomId, 'host', 'Dr. Ada'));
    const knock = await host.p.waitForEvent('vc-knock');
    assert.equal(knock.detail.displayName, 'Grace');
    await host.p
      .part(`[part="knock-requests"] li[data-peer-id="${knock.detail.peerId}"] [part="admit-button"]`)
      .click();
    assert.equal((await grace.seat()).peerId, knock.detail.peerId);
    await host.p.part('[part="knock-requests"]').waitFor({ state: 'detached' });
    assert.equal(await status.count(), 0);

    // Mallory knocks while the host is there; the host turns her away, and she reads why.
    const mallory = await Participant.open(suite.stack, {
      name: 'Mallory',
      token: await tokenFor(roomId, 'guest', 'Mallory'),
    });
    suite.opened.push(mallory);
    await mallory.join();
    assert.deepEqual((await mallory.waitForEvent('vc-knock-waiting')).detail, { hostsPresent: 1 });
    assert.equal(
      (await mallory.part('[part="knock-status"]').textContent()).trim(),
      'Waiting for the host to let you in…',
    );
    const second = await host.p.waitForEvent('vc-knock', (d) => d.displayName === 'Mallory');
    await host.p
      .part(`[part="knock-requests"] li[data-peer-id="${second.detail.peerId}"] [part="deny-button"]`)
      .click();
    const denied = await mallory.waitForEvent('vc-error', (d) => d.code === 'knock_denied');
    assert.equal(denied.detail.message, 'The host cannot let you in right now.');
    assert.equal(
      (await mallory.part('[part="notice"] p').textContent()).trim(),
      'The host did not let you in: The host cannot let you in right now.',
    );
    assert.equal((await mallory.events('vc-join')).length, 0);
    assert.equal((await rest('GET', `/rooms/${roomId}`)).body.participantCount, 2);
  });
});
