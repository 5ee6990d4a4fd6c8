// End to end: the call summary partners get (`room.session.ended`) says how the network fared, from what the
// widgets of a real call between two Chromium pages measured and reported (`call:quality`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionWhen } from './support/call-history.mjs';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

describe('the call summary of a real call', () => {
  const suite = suiteStack();

  it('room.session.ended carries the worst network quality the widgets measured, and that no relay was used', async () => {
    const { stack } = suite;
    const ended = new Promise((resolve) => {
      const stop = stack.app.serviceEvents.subscribe((event) => {
        if (event.type !== 'room.session.ended' || event.data.room !== 'summary') return;
        stop();
        resolve(event.data);
      });
    });
    const [ada, grace] = await Participant.inCall(stack, 'summary', ['Ada', 'Grace'], {}, suite.opened);

    // Once a link has settled its widget rates it and reports; the call in the store holds it.
    const live = await sessionWhen(stack, 'summary', (s) => s.worstNetworkQuality !== null);
    assert.equal(live.relayUsed, false, 'browsers on one machine talk directly');
    await grace.leave();
    await ada.leave();

    const summary = await ended;
    assert.ok(
      ['good', 'fair', 'poor'].includes(summary.worstNetworkQuality),
      `worstNetworkQuality: ${summary.worstNetworkQuality}`,
    );
    assert.equal(summary.relayUsed, false);
    assert.deepEqual(
      summary.participants.map((p) => [p.displayName, p.leaveReason]),
      [
        ['Ada', 'hangup'],
        ['Grace', 'hangup'],
      ],
    );
  });
});
