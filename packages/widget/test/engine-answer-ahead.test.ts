/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { RelayedSignal } from '@vcw/shared';
import type { OutgoingSignal } from '../src/engine/peer-link.js';
import { CallEngine } from '../src/engine/call-engine.js';
import type { LinkFactory } from '../src/engine/link-factory.js';
import { service, uniqueRoom, until, videoLink } from './helpers.js';

/** The engine's link factory (private), to see the link it made ahead. */
const linksOf = (engine: CallEngine) => (engine as unknown as { links: LinkFactory }).links;

/**
 * Engines in this page, on the test service, with real links: a participant seated in a room keeps a link made
 * ahead for the next newcomer (tracks attached, sender settings applied), and answers the newcomer's offer on it;
 * the page hears of the newcomer once the answer went.
 */
describe('CallEngine: the link made ahead for the next newcomer', () => {
  const engines: CallEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.leave();
  });

  async function participant(room: string): Promise<CallEngine> {
    const { serviceUrl, publishableKey } = await service();
    const engine = new CallEngine({ serverUrl: serviceUrl, credential: { apiKey: publishableKey } });
    engines.push(engine);
    await engine.prepare();
    await engine.openDevices();
    // As a visitor looking at their preview: the offer for the first participant met is made (it goes with the join).
    await until(() => linksOf(engine).warm?.connection.localDescription, 'the offer made before joining');
    await engine.join(room);
    return engine;
  }

  it('answers the newcomer on the link made ahead, and tells the page of them after the answer went', async () => {
    const room = uniqueRoom();
    const a = await participant(room);
    // Alone in the room: the link for the next newcomer is made.
    await until(() => linksOf(a).answering, 'the link made ahead');
    const ahead = linksOf(a).answering!.connection;
    const kinds = ahead.getSenders().map((sender) => sender.track?.kind);
    expect(kinds).to.have.members(['audio', 'video'], 'its tracks attached before any offer');
    const video = ahead.getSenders().find((sender) => sender.track?.kind === 'video')!;
    expect(video.getParameters().degradationPreference).to.equal('maintain-resolution', 'sender settings applied');
    expect(ahead.signalingState).to.equal('stable', 'no offer of its own');

    // What A's engine sends, and when its page hears of the newcomer.
    const told: string[] = [];
    const signaling = a.service!;
    const signal = signaling.signal.bind(signaling);
    signaling.signal = (request) => {
      if ('description' in request) told.push(request.description.type);
      signal(request);
    };
    a.on('participant-join', () => told.push('participant-join'));

    const b = await participant(room);
    const bPeerId = b.service!.session!.peerId;
    await until(() => told.includes('participant-join'), 'A hears of B');
    expect(a.peerConnection(bPeerId)).to.equal(ahead, 'the newcomer answered on the link made ahead');
    expect(told).to.deep.equal(['answer', 'participant-join'], 'the answer went before the page heard of B');
    await until(
      () => a.participants[0]?.connectionState === 'connected' && b.participants[0]?.connectionState === 'connected',
      'A and B connected',
    );
    expect(linksOf(a).answering?.connection, 'not the one in use').to.not.equal(ahead);

    // Both steady: each has a link ready for the third, and answers them on it.
    await until(() => linksOf(a).answering && linksOf(b).answering, 'links made ahead on both sides');
    const aheadOfA = linksOf(a).answering!.connection;
    const aheadOfB = linksOf(b).answering!.connection;
    const c = await participant(room);
    const cPeerId = c.service!.session!.peerId;
    await until(
      () => c.participants.length === 2 && c.participants.every((p) => p.connectionState === 'connected'),
      'C connected with A and B',
    );
    expect(a.peerConnection(cPeerId)).to.equal(aheadOfA);
    expect(b.peerConnection(cPeerId)).to.equal(aheadOfB);
  });
});

describe('CallEngine: a newcomer whose offer went with the join', () => {
  const engines: CallEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.leave();
  });

  it('shows the call (state connected, joined) once the answer to that offer is applied', async () => {
    const { serviceUrl, publishableKey } = await service();
    const room = uniqueRoom();
    const [a, b] = [0, 1].map(() => {
      const engine = new CallEngine({ serverUrl: serviceUrl, credential: { apiKey: publishableKey } });
      engines.push(engine);
      return engine;
    }) as [CallEngine, CallEngine];
    for (const engine of [a, b]) {
      await engine.prepare();
      await engine.openDevices();
      await until(() => linksOf(engine).warm?.connection.localDescription, 'the offer made before joining');
    }
    await a.join(room);
    // What B's link to A had applied, and B had of A's media, when B's call was shown.
    const seen: string[] = [];
    const look = () =>
      `${b.peerConnection(a.service!.session!.peerId)?.remoteDescription?.type} ${b.participants[0]?.stream?.getVideoTracks().length}`;
    b.on('state', (state) => state === 'connected' && seen.push(look()));
    b.on('joined', () => seen.push(look()));
    await b.join(room);
    expect(seen, "A's answer applied, and A's video told, before B's call is shown").to.deep.equal([
      'answer 1',
      'answer 1',
    ]);
  });
});

describe('PeerLink: a link made ahead to answer', () => {
  it('makes no offer of its own, and answers the first one with the tracks it attached', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    const ahead = videoLink(stream, false, { tracksAhead: true });
    try {
      const pc = ahead.connection;
      // Its tracks ask for a negotiation at once; the link's handler runs before this listener.
      await new Promise((resolve) => pc.addEventListener('negotiationneeded', resolve, { once: true }));
      // An ordering barrier: an offer the handler started (setLocalDescription) would be done before this one.
      await pc.createOffer();
      expect(pc.signalingState).to.equal('stable', 'no offer of its own');

      const offering = videoLink(stream, true);
      try {
        offering.bind({
          peerId: 'ahead',
          polite: false,
          send: (s) => void ahead.receive({ from: 'o', ...s } as RelayedSignal),
        });
        ahead.bind({
          peerId: 'o',
          polite: true,
          send: (s) => void offering.receive({ from: 'ahead', ...s } as RelayedSignal),
        });
        await until(() => ahead.state === 'connected' && offering.state === 'connected', 'both connected');
        const video = pc.getTransceivers().filter((t) => t.receiver.track.kind === 'video');
        expect(video.length, 'the track attached ahead took the offered video section').to.equal(1);
        expect(video[0]!.currentDirection).to.equal('sendrecv');
      } finally {
        offering.close();
      }
    } finally {
      ahead.close();
      stream.getTracks().forEach((t) => t.stop());
    }
  });
  it('offers what the first offer left out, once it has answered it', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    const ahead = videoLink(stream, false, { tracksAhead: true });
    const other = new RTCPeerConnection();
    try {
      other.addTransceiver('audio'); // an offer with no video section: the video track attached ahead is left out
      await other.setLocalDescription();
      const sent: OutgoingSignal[] = [];
      ahead.bind({ peerId: 'other', polite: true, send: (signal) => void sent.push(signal) });
      await ahead.receive({ from: 'other', description: { type: 'offer', sdp: other.localDescription!.sdp } });
      const descriptions = () => sent.flatMap((s) => ('description' in s ? [s.description] : []));
      await until(() => descriptions().length === 2, 'an offer after the answer');
      expect(descriptions().map((d) => d.type)).to.deep.equal(['answer', 'offer']);
      expect(descriptions()[1]!.sdp).to.match(/\nm=video /, 'the offer brings the video');
    } finally {
      other.close();
      ahead.close();
      stream.getTracks().forEach((t) => t.stop());
    }
  });
});
