/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { RelayedSignal } from '@vcw/shared';
import type { OutgoingSignal, PeerLink } from '../src/engine/peer-link.js';
import { until, videoLink } from './helpers.js';

/**
 * Two real peer links in this page, each delivering its signals straight to the other (the service only
 * relays them) and keeping a copy, so a test can deliver any of them again, late.
 */
async function linkedPair() {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  const a = videoLink(stream, true);
  const b = videoLink(stream, false);
  const toA: RelayedSignal[] = [];
  const toB: RelayedSignal[] = [];
  const failures: Error[] = [];
  const deliver = (to: PeerLink, log: RelayedSignal[], from: string) => (signal: OutgoingSignal) => {
    const relayed = { from, ...signal } as RelayedSignal;
    log.push(relayed);
    void to.receive(relayed);
  };
  a.on('failure', (e) => failures.push(e));
  b.on('failure', (e) => failures.push(e));
  a.bind({ peerId: 'b', polite: false, send: deliver(b, toB, 'a') });
  b.bind({ peerId: 'a', polite: true, send: deliver(a, toA, 'b') });
  await until(() => a.state === 'connected' && b.state === 'connected', 'both links connected');
  const close = () => {
    a.close();
    b.close();
    stream.getTracks().forEach((t) => t.stop());
  };
  return { a, b, toA, toB, failures, close };
}

const stable = (link: PeerLink) => link.connection.signalingState === 'stable';
const descriptions = (log: RelayedSignal[], from = 0) =>
  log.slice(from).flatMap((s) => ('description' in s ? [s.description.type] : []));

/**
 * An ordering marker through both links' inboxes: `a` opens a data channel, offers it, `b` answers. `b` takes
 * the offer after every signal delivered to it before, and `a` the answer after every signal delivered to it
 * before (what `b` sent while handling earlier ones included): once `a` holds the answer, all of them were handled.
 */
async function negotiateMarker(a: PeerLink): Promise<void> {
  a.connection.createDataChannel('marker');
  await until(
    () => stable(a) && a.connection.remoteDescription?.sdp.includes('m=application'),
    'the marker offer answered',
  );
}

describe('PeerLink with duplicate and stale signals', () => {
  it('ignores every signal delivered twice: the link neither fails nor renegotiates', async () => {
    const { a, b, toA, toB, failures, close } = await linkedPair();
    try {
      const [sentToA, sentToB] = [toA.length, toB.length];
      for (const signal of [...toB]) await b.receive(signal);
      for (const signal of [...toA]) await a.receive(signal);
      await negotiateMarker(a);
      expect(failures.map((e) => e.message)).to.deep.equal([]);
      expect(descriptions(toB, sentToB), 'no new offer came of it, only the marker').to.deep.equal(['offer']);
      expect(descriptions(toA, sentToA), 'no answer but the marker').to.deep.equal(['answer']);
      expect(stable(a) && stable(b)).to.equal(true);
      expect([a.state, b.state]).to.deep.equal(['connected', 'connected']);
    } finally {
      close();
    }
  });

  it('ignores a late offer, answer and candidates from before an ICE restart', async () => {
    const { a, b, toA, toB, failures, close } = await linkedPair();
    try {
      const before = { toA: [...toA], toB: [...toB] };
      const ufragOf = (link: PeerLink) => /a=ice-ufrag:(\S+)/.exec(link.connection.remoteDescription!.sdp)![1];
      const oldUfrag = ufragOf(b);
      a.restartIce();
      await until(
        () => ufragOf(b) !== oldUfrag && stable(a) && stable(b) && a.state === 'connected',
        'the restart is through',
      );
      const [sentToA, sentToB] = [toA.length, toB.length];
      for (const signal of before.toB) await b.receive(signal);
      for (const signal of before.toA) await a.receive(signal);
      await negotiateMarker(a);
      expect(failures.map((e) => e.message)).to.deep.equal([]);
      expect(descriptions(toB, sentToB), 'no offer but the marker').to.deep.equal(['offer']);
      expect(descriptions(toA, sentToA), 'no answer but the marker').to.deep.equal(['answer']);
      expect(ufragOf(b)).to.not.equal(oldUfrag, 'the old offer was not applied again');
      expect(stable(a) && stable(b)).to.equal(true);
      expect([a.state, b.state]).to.deep.equal(['connected', 'connected']);
    } finally {
      close();
    }
  });
});
