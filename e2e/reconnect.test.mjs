// A widget whose signaling connection drops resumes its seat (the call never stops); one whose service
// restarts reconnects by itself, takes a seat again, and the call is set up again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { startStack } from './support/stack.mjs';

describe('signaling lost mid-call', () => {
  let stack;
  const people = [];
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await stack?.stop();
  });

  it('a transport cut keeps the seat: the widget resumes under the same id, the others see no leave, video goes on', async () => {
    const ada = await Participant.open(stack, { room: 'flaky', name: 'Ada' });
    const grace = await Participant.open(stack, { room: 'flaky', name: 'Grace' });
    people.push(ada, grace);
    await ada.join();
    const { detail: adaSeat } = await ada.waitForEvent('vc-join');
    await grace.join();
    await grace.seesRemoteVideos(1);

    // Cut Ada's connection at the transport, as a network change would (not a clean disconnect).
    const socket = [...stack.app.io.sockets.sockets.values()].find((s) => s.data.peerId === adaSeat.peerId);
    assert.ok(socket, "Ada's socket is on the service");
    socket.conn.close();

    await ada.waitForEvent('vc-connection-state-change', (d) => d.state === 'reconnecting');
    const cutAt = Date.now();
    const back = await ada.page.waitForFunction(
      () => document.querySelector('video-chat-widget').state === 'connected',
      null,
      { timeout: 10_000 },
    );
    assert.ok(await back.jsonValue());
    console.log(`# signaling resumed ${Date.now() - cutAt} ms after the cut`);
    assert.equal((await grace.events('vc-participant-leave')).length, 0, 'Grace saw nobody leave');
    assert.equal((await ada.events('vc-join')).length, 1, 'Ada kept her seat: no second join');
    const resumed = [...stack.app.io.sockets.sockets.values()].find((s) => s.data.peerId === adaSeat.peerId);
    assert.ok(resumed, 'the service has Ada under the same peer id');

    for (const p of [ada, grace]) {
      const [video] = await p.seesRemoteVideos(1);
      assert.ok(video.width > 0 && video.advanced > 0.2, `${p.name} still sees moving video`);
    }
    // The resumed connection works for signaling: a chat message goes through.
    await ada.chat('still here');
    assert.equal((await grace.waitForEvent('vc-chat-message', (d) => !d.self)).detail.text, 'still here');
  });

  it('after a service restart, every widget reconnects by itself and the call is set up again', async () => {
    const [ada, grace] = people;
    const since = await Promise.all(people.map((p) => p.pageTime()));
    await stack.restartService();
    for (const [i, p] of people.entries()) {
      await p.waitForEvent('vc-connection-state-change', (d) => d.state === 'reconnecting', 15_000, {
        after: since[i],
      });
      await p.waitForEvent('vc-join', () => true, 20_000, { after: since[i] });
    }
    for (const p of [ada, grace]) {
      const [video] = await p.seesRemoteVideos(1);
      assert.ok(video.width > 0 && video.advanced > 0.2, `${p.name} sees moving video after the restart`);
    }
  });
});
