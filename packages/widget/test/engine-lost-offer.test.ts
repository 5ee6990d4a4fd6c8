/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { RelayedSignal } from '@vcw/shared';
import { OFFER_UNANSWERED_MS, type OutgoingSignal, type Schedule } from '../src/engine/peer-link.js';
import { until, videoLink } from './helpers.js';

/** Timers the test runs by hand: each one a link scheduled, in order, and whether it was cancelled. */
function handTimers() {
  const scheduled: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const schedule: Schedule = (run, ms) => {
    const entry = { run, ms, cancelled: false };
    scheduled.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  return { scheduled, schedule };
}

/**
 * Two real peer links in this page: `a` offers (on hand-run timers), `b` answers. What `a` sends reaches `b`
 * only while `delivering()` says so; the rest is lost, as on a service node that died.
 */
async function offeringPair(delivering: () => boolean) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  const timers = handTimers();
  const a = videoLink(stream, true, { schedule: timers.schedule });
  const b = videoLink(stream, false);
  const delivered: RelayedSignal[] = [];
  const lost: RelayedSignal[] = [];
  a.bind({
    peerId: 'b',
    polite: false,
    send: (signal: OutgoingSignal) => {
      const relayed = { from: 'a', ...signal } as RelayedSignal;
      if (!delivering()) return void lost.push(relayed);
      delivered.push(relayed);
      void b.receive(relayed);
    },
  });
  b.bind({ peerId: 'a', polite: true, send: (signal) => void a.receive({ from: 'b', ...signal } as RelayedSignal) });
  const close = () => {
    a.close();
    b.close();
    stream.getTracks().forEach((t) => t.stop());
  };
  return { a, b, timers, delivered, lost, close };
}

const offers = (log: RelayedSignal[]) => log.flatMap((s) => ('description' in s ? [s.description.sdp] : []));
const candidates = (log: RelayedSignal[]) => log.flatMap((s) => ('candidate' in s ? [s.candidate.candidate] : []));

describe('PeerLink: an offer lost on the way', () => {
  it('is sent again with its candidates when no answer comes in time, and the call connects', async () => {
    let delivering = false;
    const { a, b, timers, delivered, lost, close } = await offeringPair(() => delivering);
    try {
      await until(() => offers(lost).length === 1 && candidates(lost).length > 0, 'the offer and candidates lost');
      expect(timers.scheduled.map((t) => t.ms)).to.deep.equal([OFFER_UNANSWERED_MS]);
      expect(a.connection.signalingState).to.equal('have-local-offer');
      delivering = true;
      timers.scheduled[0]!.run(); // no answer came in time
      await until(() => a.state === 'connected' && b.state === 'connected', 'both links connected');
      expect(offers(delivered), 'the same offer, once').to.deep.equal(offers(lost));
      expect(candidates(delivered)).to.include.members(candidates(lost));
      expect(
        timers.scheduled.map((t) => [t.ms, t.cancelled]),
        'the next wait, twice as long, was called off by the answer',
      ).to.deep.equal([
        [OFFER_UNANSWERED_MS, false],
        [OFFER_UNANSWERED_MS * 2, true],
      ]);
    } finally {
      close();
    }
  });

  it('is not sent again once answered', async () => {
    const { a, b, timers, delivered, close } = await offeringPair(() => true);
    try {
      await until(() => a.state === 'connected' && b.state === 'connected', 'both links connected');
      expect(timers.scheduled.map((t) => t.cancelled)).to.deep.equal([true]);
      timers.scheduled[0]!.run(); // had the timer fired anyway: nothing waits for an answer
      expect(offers(delivered)).to.have.length(1);
    } finally {
      close();
    }
  });
});
