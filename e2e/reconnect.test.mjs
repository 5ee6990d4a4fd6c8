// A widget whose signaling connection drops, or whose service restarts, reconnects by itself, takes a seat
// again, and the call is set up again.
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

  it('the widget reconnects, rejoins the room, and both sides see video again', async () => {
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

    const lost = await grace.waitForEvent('vc-participant-leave', (d) => d.peerId === adaSeat.peerId);
    assert.equal(lost.detail.reason, 'network');
    await ada.waitForEvent('vc-connection-state-change', (d) => d.state === 'reconnecting');
    const rejoined = await ada.waitForEvent('vc-join', (d) => d.peerId !== adaSeat.peerId, 20_000);
    assert.equal(rejoined.detail.room, 'flaky');
    await grace.waitForEvent('vc-participant-join', (d) => d.peerId === rejoined.detail.peerId);

    for (const p of [ada, grace]) {
      const [video] = await p.seesRemoteVideos(1);
      assert.ok(video.width > 0 && video.advanced > 0.2, `${p.name} sees moving video again`);
    }
    assert.equal(await ada.page.evaluate(() => document.querySelector('video-chat-widget').state), 'connected');
  });

  it('after a service restart, every widget reconnects by itself and the call is set up again', async () => {
    const [ada, grace] = people;
    const seatsBefore = await Promise.all(people.map(async (p) => (await p.events('vc-join')).length));
    await stack.restartService();
    for (const [i, p] of people.entries()) {
      await p.waitForEvent('vc-connection-state-change', (d) => d.state === 'reconnecting');
      const deadline = Date.now() + 20_000;
      while ((await p.events('vc-join')).length === seatsBefore[i]) {
        assert.ok(Date.now() < deadline, `${p.name} did not rejoin after the restart`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (const p of [ada, grace]) {
      const [video] = await p.seesRemoteVideos(1);
      assert.ok(video.width > 0 && video.advanced > 0.2, `${p.name} sees moving video after the restart`);
    }
  });
});
