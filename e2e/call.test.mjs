// End to end: real Chromium pages on a partner's origin, the real service, real WebRTC over loopback. Each test
// opens its own room and participants, so any one of them runs alone (`--test-name-pattern`) or in any order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

/** Asserts that every remote video shows moving pictures. */
function assertMoving(videos, who) {
  for (const v of videos) {
    assert.ok(v.width > 0 && v.height > 0, `${who}: remote video ${v.peerId} has no size`);
    assert.ok(v.advanced > 0.2, `${who}: remote video ${v.peerId} is not playing (advanced ${v.advanced}s)`);
  }
}

/** Asserts that none of `people`'s pages raised an error. */
function assertNoPageErrors(people) {
  for (const p of people) assert.deepEqual(p.pageErrors, [], p.name);
}

describe('a call between browsers on a partner site', () => {
  const suite = suiteStack();
  /** Opens `name` in `room`, closed after the test. */
  const open = async (room, name) => {
    const p = await Participant.open(suite.stack, { room, name });
    suite.opened.push(p);
    return p;
  };

  it('loads widget.js by script tag from another origin; two participants see each other', async () => {
    const { stack } = suite;
    assert.notEqual(new URL(stack.siteOrigin).origin, new URL(stack.serviceUrl).origin);
    const ada = await open('standup', 'Ada');
    const grace = await open('standup', 'Grace');
    await ada.join();
    await ada.waitForEvent('vc-join');
    await grace.join();
    await grace.waitForEvent('vc-join');

    assertMoving(await ada.seesRemoteVideos(1), 'Ada');
    assertMoving(await grace.seesRemoteVideos(1), 'Grace');
    const seenByAda = await ada.waitForEvent('vc-participant-join');
    assert.equal(seenByAda.detail.displayName, 'Grace');
    assertNoPageErrors([ada, grace]);
  });

  it('a third joins and all three see two remote videos', async () => {
    const [ada, grace] = await Participant.inCall(suite.stack, 'third', ['Ada', 'Grace'], {}, suite.opened);
    const linus = await open('third', 'Linus');
    await linus.join();
    for (const p of [ada, grace, linus]) assertMoving(await p.seesRemoteVideos(2), p.name);
    assertNoPageErrors([ada, grace, linus]);
  });

  it('one leaves and the others get vc-participant-leave within 2 s', async () => {
    const [ada, grace, linus] = await Participant.inCall(
      suite.stack,
      'leaving',
      ['Ada', 'Grace', 'Linus'],
      {},
      suite.opened,
    );
    const { peerId } = await grace.seat();
    const clickedAt = await grace.leave();
    for (const p of [ada, linus]) {
      const left = await p.waitForEvent('vc-participant-leave', (d) => d.peerId === peerId, 5000);
      assert.equal(left.detail.reason, 'hangup');
      assert.ok(left.at - clickedAt <= 2000, `${p.name} heard of it after ${left.at - clickedAt} ms`);
      assertMoving(await p.seesRemoteVideos(1), p.name);
    }
    assert.deepEqual(
      (await grace.events('vc-leave')).map((e) => e.detail),
      [{ reason: 'hangup' }],
    );
    assertNoPageErrors([ada, grace, linus]);
  });

  it('refuses a fifth participant from a room of four with a clear error', async () => {
    const four = [];
    for (const name of ['Ada', 'Grace', 'Linus', 'Barbara']) {
      const p = await open('full', name);
      await p.join();
      await p.waitForEvent('vc-join');
      four.push(p);
    }
    const fifth = await open('full', 'Edsger');
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
    assertNoPageErrors([...four, fifth]);
  });
});
