// End to end: real Chromium pages on a partner's origin, the real service, real WebRTC over loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { startStack } from './support/stack.mjs';

/** Asserts that every remote video shows moving pictures. */
function assertMoving(videos, who) {
  for (const v of videos) {
    assert.ok(v.width > 0 && v.height > 0, `${who}: remote video ${v.peerId} has no size`);
    assert.ok(v.advanced > 0.2, `${who}: remote video ${v.peerId} is not playing (advanced ${v.advanced}s)`);
  }
}

describe('a call between browsers on a partner site', () => {
  let stack;
  const people = {};
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    for (const p of Object.values(people)) await p.close().catch(() => undefined);
    await stack?.stop();
  });

  it('loads widget.js by script tag from another origin; two participants see each other', async () => {
    assert.notEqual(new URL(stack.siteOrigin).origin, new URL(stack.serviceUrl).origin);
    people.ada = await Participant.open(stack, { room: 'standup', name: 'Ada' });
    people.grace = await Participant.open(stack, { room: 'standup', name: 'Grace' });
    await people.ada.join();
    await people.ada.waitForEvent('vc-join');
    await people.grace.join();
    await people.grace.waitForEvent('vc-join');

    assertMoving(await people.ada.seesRemoteVideos(1), 'Ada');
    assertMoving(await people.grace.seesRemoteVideos(1), 'Grace');
    const seenByAda = await people.ada.waitForEvent('vc-participant-join');
    assert.equal(seenByAda.detail.displayName, 'Grace');
  });

  it('a third joins and all three see two remote videos', async () => {
    people.linus = await Participant.open(stack, { room: 'standup', name: 'Linus' });
    await people.linus.join();
    for (const p of [people.ada, people.grace, people.linus]) assertMoving(await p.seesRemoteVideos(2), p.name);
  });

  it('one leaves and the others get vc-participant-leave within 2 s', async () => {
    const { detail: grace } = await people.grace.waitForEvent('vc-join');
    const clickedAt = await people.grace.leave();
    for (const p of [people.ada, people.linus]) {
      const left = await p.waitForEvent('vc-participant-leave', (d) => d.peerId === grace.peerId, 5000);
      assert.equal(left.detail.reason, 'hangup');
      assert.ok(left.at - clickedAt <= 2000, `${p.name} heard of it after ${left.at - clickedAt} ms`);
      assertMoving(await p.seesRemoteVideos(1), p.name);
    }
    assert.deepEqual((await people.grace.events('vc-leave')).map((e) => e.detail), [{ reason: 'hangup' }]);
  });

  it('refuses a fifth participant from a room of four with a clear error', async () => {
    for (const name of ['Grace', 'Barbara']) {
      people[name] = await Participant.open(stack, { room: 'standup', name });
      await people[name].join();
      await people[name].waitForEvent('vc-join');
    }
    const fifth = (people.edsger = await Participant.open(stack, { room: 'standup', name: 'Edsger' }));
    await fifth.join();
    const refused = await fifth.waitForEvent('vc-error', (d) => d.code === 'room_full');
    assert.equal(refused.detail.message, 'The room is full (4 participants).');
    // The site owner's detail is in vc-error; the visitor reads plain words, with a way to try again.
    const notice = fifth.page.locator('video-chat-widget [part="notice"]');
    assert.equal((await notice.innerText()).split('\n')[0], 'This call is full.');
    assert.equal(await fifth.button('retry-button').innerText(), 'Try again');
    assert.equal(await fifth.button('join-button').innerText(), 'Join', 'never "Join anyway" for a full room');
    assert.equal(await fifth.page.evaluate(() => document.querySelector('video-chat-widget').state), 'prejoin');
    assert.equal((await fifth.events('vc-join')).length, 0);
  });

  it('raised no page errors', () => {
    for (const p of Object.values(people)) assert.deepEqual(p.pageErrors, [], p.name);
  });
});
