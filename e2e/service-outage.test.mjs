// End to end with the service as a process of its own: killed mid-call, media keeps flowing browser to
// browser; back up (same store), the room works again by itself. And how a departure reaches the others:
// a closed tab within 5 s, an explicit leave as `hangup`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { startProcessStack, suiteStack } from './support/stack.mjs';

/** How far the remote video's playback has come, in seconds. */
const playedSeconds = (p) =>
  p.page.evaluate(
    () =>
      document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]')?.currentTime ??
      0,
  );

describe('the service goes away mid-call', () => {
  const suite = suiteStack(() => startProcessStack());

  it('SIGKILLed: frames keep coming during the outage; restarted: the room works again within 10 s, for a newcomer too', async () => {
    const [ada, grace] = await Participant.inCall(suite.stack, 'outage', ['Ada', 'Grace'], {}, suite.opened);
    await suite.stack.killService('SIGKILL');
    const before = await Promise.all([ada, grace].map(playedSeconds));
    await new Promise((r) => setTimeout(r, 3000));
    const during = await Promise.all([ada, grace].map(playedSeconds));
    for (const i of [0, 1])
      assert.ok(
        during[i] - before[i] > 2,
        `media kept flowing while the service was down (${(during[i] - before[i]).toFixed(2)} s of 3)`,
      );
    // The visitors read a plain "Reconnecting…", never the transport's words.
    for (const p of [ada, grace]) {
      const status = p.part('[part="status"]');
      await status.waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await status.innerText(), 'Reconnecting…');
      assert.equal(await p.part('[part="notice"]').count(), 0, 'no notice meant for the site owner');
    }

    await suite.stack.startService();
    const restarted = Date.now();
    // The room works again: the two who were in it joined it again and see each other's video, timed from the
    // restart (their old calls' videos stay shown until they join again: media kept flowing meanwhile).
    let backAfter = 0;
    for (const p of [ada, grace]) {
      await p.waitForEvent('vc-join', () => true, 10_000, { after: restarted });
      backAfter = Math.max(backAfter, (await p.remoteVideosShownAt(1, 10_000)) - restarted);
    }
    // And for a newcomer: timed from its Join (its page loads only once the service serves the widget again).
    const lin = await Participant.open(suite.stack, { room: 'outage', name: 'Lin' });
    suite.opened.push(lin);
    const clickedAt = await lin.join();
    await lin.waitForEvent('vc-join', () => true, 10_000);
    const newcomerAfter = (await lin.remoteVideosShownAt(2, 10_000)) - clickedAt;
    console.log(
      `# service restart: the two back in a call ${backAfter} ms after the service was back; a newcomer saw both ${newcomerAfter} ms after its Join (its page opened ${clickedAt - restarted} ms after the restart)`,
    );
    assert.ok(backAfter <= 10_000, `room usable again after ${backAfter} ms`);
    assert.ok(newcomerAfter <= 10_000, `the newcomer saw both after ${newcomerAfter} ms`);
    const videos = await lin.seesRemoteVideos(2, 10_000);
    assert.ok(
      videos.every((v) => v.advanced > 0),
      `the newcomer's videos play: ${JSON.stringify(videos)}`,
    );
    for (const p of [ada, grace]) {
      await p.seesRemoteVideos(2, 10_000);
      await p.part('[part="status"]').waitFor({ state: 'detached', timeout: 10_000 }); // no stale "Reconnecting…"
    }
  });

  it('a closed tab reaches the others within 5 s; an explicit leave is a hangup at once', async () => {
    const [ada, grace, lin] = await Participant.inCall(
      suite.stack,
      'departures',
      ['Ada', 'Grace', 'Lin'],
      {},
      suite.opened,
    );
    const { detail: linSeat } = await lin.waitForEvent('vc-join');
    const closedAt = Date.now();
    await lin.page.close();
    const gone = await ada.waitForEvent('vc-participant-leave', (d) => d.peerId === linSeat.peerId, 5000);
    assert.ok(gone.at - closedAt <= 5000, `noticed after ${gone.at - closedAt} ms`);
    await lin.close();

    const { detail: graceSeat } = await grace.waitForEvent('vc-join');
    const leftAt = await grace.leave();
    const hungUp = await ada.waitForEvent('vc-participant-leave', (d) => d.peerId === graceSeat.peerId, 5000);
    assert.equal(hungUp.detail.reason, 'hangup');
    assert.ok(hungUp.at - leftAt < 2000, `seen after ${hungUp.at - leftAt} ms`);
  });
});
