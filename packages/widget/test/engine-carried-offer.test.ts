/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { RelayedSignal } from '@vcw/shared';
import type { OutgoingSignal } from '../src/engine/peer-link.js';
import { until, videoLink } from './helpers.js';

/**
 * The warm link's offer goes with the join (`offerToCarry`), holding the candidates gathered by then: once bound,
 * the link sends neither that offer nor those candidates again, and the other side connects from the offer alone.
 * Real peer links in this page, the join's news stood in for by handing the carried offer over.
 */
describe('PeerLink: the offer carried with the join', () => {
  it('sends again none of the candidates its carried offer holds, and the call connects', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    const a = videoLink(stream, true);
    const b = videoLink(stream, false);
    try {
      // The visitor looks at their preview: the offer is made and its candidates gathered.
      await until(() => a.connection.iceGatheringState === 'complete', 'candidates gathered');
      const offer = a.offerToCarry();
      expect(offer?.sdp).to.match(/\na=candidate:/, 'the carried offer holds its candidates');
      const sent: OutgoingSignal[] = [];
      b.bind({
        peerId: 'a',
        polite: true,
        send: (signal) => void a.receive({ from: 'b', ...signal } as RelayedSignal),
      });
      void b.receive({ from: 'a', description: offer! });
      a.bind(
        {
          peerId: 'b',
          polite: false,
          send: (signal) => {
            sent.push(signal);
            void b.receive({ from: 'a', ...signal } as RelayedSignal);
          },
        },
        { offerDelivered: true },
      );
      await until(() => a.state === 'connected' && b.state === 'connected', 'both links connected');
      expect(sent, 'nothing of what the join carried').to.deep.equal([]);
    } finally {
      a.close();
      b.close();
      stream.getTracks().forEach((t) => t.stop());
    }
  });

  it('sends the candidates gathered after the offer was carried', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    const a = videoLink(stream, true);
    try {
      // Carried as soon as it is made: what it did not hold yet is sent once bound; the offer is not.
      await until(() => a.connection.localDescription?.type === 'offer', 'the offer made');
      const offer = a.offerToCarry();
      const held = (offer?.sdp.match(/\na=candidate:/g) ?? []).length;
      await until(() => a.connection.iceGatheringState === 'complete', 'candidates gathered');
      const gathered = (a.connection.localDescription?.sdp.match(/\na=candidate:/g) ?? []).length;
      const sent: OutgoingSignal[] = [];
      a.bind({ peerId: 'b', polite: false, send: (signal) => void sent.push(signal) }, { offerDelivered: true });
      expect(sent.filter((s) => 'description' in s)).to.deep.equal([]);
      expect(sent.filter((s) => 'candidate' in s).length, `${held} of ${gathered} held by the offer`).to.equal(
        gathered - held,
      );
    } finally {
      a.close();
      stream.getTracks().forEach((t) => t.stop());
    }
  });
});
