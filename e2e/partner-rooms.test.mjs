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

  it('ending a room through REST ends the call in every widget, which says so', async () => {
    const created = await rest('POST', '/rooms', { name: 'webinar', privacy: 'public', maxParticipants: 3 });
    assert.equal(created.status, 201);
    for (const name of ['Ada', 'Grace']) {
      const p = await Participant.open(stack, { room: 'webinar', name });
      people.push(p);
      await p.join();
      await p.waitForEvent('vc-join');
    }
    await people[1].seesRemoteVideos(1);
    assert.equal((await rest('GET', `/rooms/${created.body.id}`)).body.participantCount, 2);

    const ended = await rest('DELETE', `/rooms/${created.body.id}`);
    assert.equal(ended.status, 200);
    for (const p of people) {
      const left = await p.waitForEvent('vc-leave');
      assert.deepEqual(left.detail, { reason: 'room-ended' });
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
