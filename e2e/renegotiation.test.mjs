// End to end, two browsers in a call renegotiate fifty times each, both at the same instants, so most offers
// cross in flight ("glare"). Perfect negotiation must settle every one: no negotiation left stuck, and both
// sides keep receiving video throughout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { recordPeerConnections } from './support/peer-connections.mjs';
import { suiteStack } from './support/stack.mjs';

/**
 * In the page: `steps` renegotiations, alternately adding an audio transceiver and stopping it (so the offers
 * do not grow), step k starting at `startAt + k * spacingMs` on both sides, each waited for until it is
 * negotiated. Resolves with what happened, or rejects naming the step that got stuck.
 */
function renegotiate({ steps, startAt, spacingMs, stuckMs }) {
  const pc = window.peerConnections.find((c) => c.connectionState === 'connected');
  const until = async (done, what) => {
    const deadline = Date.now() + stuckMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`stuck: ${what} (signaling ${pc.signalingState})`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return (async () => {
    let added = null;
    for (let k = 0; k < steps; k++) {
      const wait = startAt + k * spacingMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!added) {
        const t = pc.addTransceiver('audio', { direction: 'recvonly' });
        await until(
          () => pc.signalingState === 'stable' && t.mid !== null && t.currentDirection !== null,
          `step ${k}: adding a transceiver`,
        );
        added = t;
      } else {
        const t = added;
        t.stop();
        await until(
          () => pc.signalingState === 'stable' && !pc.getTransceivers().includes(t),
          `step ${k}: stopping a transceiver`,
        );
        added = null;
      }
    }
    // A collision shows as an offer of ours replaced by theirs: have-local-offer, rolled back, have-remote-offer.
    const s = pc.states.join(' ');
    return {
      signalingState: pc.signalingState,
      rollbacks: (s.match(/have-local-offer stable have-remote-offer/g) ?? []).length,
    };
  })();
}

describe('renegotiation from both sides at once', () => {
  const suite = suiteStack();

  it('fifty back-to-back renegotiations each, crossing in flight: none stuck, both keep receiving', async () => {
    const people = await Participant.inCall(
      suite.stack,
      'glare',
      ['Ada', 'Grace'],
      { initScript: recordPeerConnections },
      suite.opened,
    );

    const plan = { steps: 50, startAt: Date.now() + 500, spacingMs: 120, stuckMs: 10_000 };
    const results = await Promise.all(people.map((p) => p.page.evaluate(renegotiate, plan)));
    const rollbacks = results.reduce((sum, r) => sum + r.rollbacks, 0);
    console.log(
      `# 2 × ${plan.steps} renegotiations settled; ${rollbacks} offers crossed in flight and were rolled back by the polite side`,
    );
    for (const r of results) assert.equal(r.signalingState, 'stable');
    assert.ok(rollbacks > 0, 'offers did cross: the collision path was exercised');

    for (const p of people) {
      const [video] = await p.seesRemoteVideos(1, 10_000);
      assert.ok(video.advanced > 0.3, `${p.name} still receives video (${video.advanced.toFixed(2)} s in 0.7 s)`);
      assert.deepEqual(
        (await p.events('vc-error')).map((e) => e.detail.code),
        [],
        `${p.name} reported no error`,
      );
    }
  });
});
