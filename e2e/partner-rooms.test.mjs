// A partner manages rooms through the REST API while people are in them, in real browsers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { startStack } from './support/stack.mjs';

describe('partner REST and the widget', () => {
  let stack;
  let rest;
  const people = [];
  before(async () => {
    stack = await startStack();
    const { plaintext } = await stack.app.projects.createApiKey(stack.projectId, 'secret');
    rest = (method, path, body) =>
      fetch(`${stack.serviceUrl}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${plaintext}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
  });
  after(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await stack?.stop();
  });

  it('a private room: token holders on another origin hold a call; the page without a token is refused', async () => {
    const room = await rest('POST', '/rooms', { name: 'clinic', privacy: 'private' });
    assert.equal(room.status, 201);
    const doctor = await rest('POST', `/rooms/${room.body.id}/tokens`, { role: 'host', displayName: 'Dr. Ada' });
    const patient = await rest('POST', `/rooms/${room.body.id}/tokens`, { role: 'guest', displayName: 'Grace' });
    assert.equal(doctor.status, 201);
    const holders = [];
    for (const [name, token] of [
      ['Dr. Ada', doctor.body.token],
      ['Grace', patient.body.token],
    ]) {
      const p = await Participant.open(stack, { name, token });
      people.push(p);
      holders.push(p);
      await p.join();
      const joined = await p.waitForEvent('vc-join');
      assert.equal(joined.detail.room, 'clinic');
    }
    for (const p of holders) await p.seesRemoteVideos(1);
    const seen = await holders[0].waitForEvent('vc-participant-join');
    assert.equal(seen.detail.displayName, 'Grace', 'the name comes from the token');

    const outsider = await Participant.open(stack, { room: 'clinic', name: 'Mallory' });
    people.push(outsider);
    await outsider.join();
    const refused = await outsider.waitForEvent('vc-error', (d) => d.code === 'room_private');
    assert.match(refused.detail.message, /private: join it with a join token/);
    // The visitor reads plain words; the detail is the site owner's, in vc-error.
    assert.equal(
      (await outsider.page.locator('video-chat-widget [part="notice"] p').textContent()).trim(),
      "Video chat isn't available right now.",
    );
    assert.equal((await outsider.events('vc-join')).length, 0);
    for (const p of [...holders, outsider]) await p.close();
  });

  it('ending a room through REST ends the call in every widget, which says so', async () => {
    const inRoom = [];
    const created = await rest('POST', '/rooms', { name: 'webinar', privacy: 'public', maxParticipants: 3 });
    assert.equal(created.status, 201);
    for (const name of ['Ada', 'Grace']) {
      const p = await Participant.open(stack, { room: 'webinar', name });
      people.push(p);
      inRoom.push(p);
      await p.join();
      await p.waitForEvent('vc-join');
    }
    await inRoom[1].seesRemoteVideos(1);
    assert.equal((await rest('GET', `/rooms/${created.body.id}`)).body.participantCount, 2);

    const ended = await rest('DELETE', `/rooms/${created.body.id}`);
    assert.equal(ended.status, 200);
    const seats = await Promise.all(inRoom.map(async (p) => (await p.waitForEvent('vc-join')).detail.peerId));
    for (const [i, p] of inRoom.entries()) {
      const left = await p.waitForEvent('vc-leave');
      assert.deepEqual(left.detail, { reason: 'room-ended' });
      const other = await p.waitForEvent('vc-participant-leave');
      assert.deepEqual(other.detail, { peerId: seats[1 - i], reason: 'room-ended' }, 'the other went with the room');
      assert.ok(other.at <= left.at, 'the others leave before this widget does');
      const screen = p.page.locator('video-chat-widget [part="left"]');
      assert.equal((await screen.locator('[role="status"]').textContent()).trim(), 'The call has been ended.');
      assert.equal(await p.page.locator('video-chat-widget [part="left"] [part="join-button"]').count(), 0);
    }

    const late = await Participant.open(stack, { room: 'webinar', name: 'Linus' });
    people.push(late);
    await late.join();
    const refused = await late.waitForEvent('vc-error', (d) => d.code === 'room_ended');
    assert.equal(refused.detail.message, 'This call has been ended.');
  });
});
