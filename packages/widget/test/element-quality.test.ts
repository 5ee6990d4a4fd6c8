/// <reference types="mocha" />
// The fake camera delivers up to 3840×2160, so every level's capture size is reachable; what the receiver
// decodes (`videoWidth`) is what a user would see.
import { expect } from '@esm-bundle/chai';
import { engineOf, ofType, remoteVideo, twoInCall, videoSender } from './call-helpers.js';
import { connectedAttributes, mount, until } from './helpers.js';

const QUALITY = ['vc-quality-change', 'vc-error', 'vc-participant-leave'];

describe('<video-chat-widget> quality', () => {
  it('sends 1080p with quality="high" and at most 640 wide with quality="low"', async () => {
    const { a, b } = await twoInCall({ quality: 'high' }, { quality: 'low' });
    const fromHigh = await remoteVideo(b.widget, a.peerId);
    const fromLow = await remoteVideo(a.widget, b.peerId);
    await until(() => fromHigh.videoWidth >= 1280, 'high-quality video at 1280 wide or more', 15_000);
    expect(fromHigh.videoWidth).to.equal(1920);
    expect(fromLow.videoWidth).to.be.at.most(640).and.above(0);
    const { maxBitrate } = videoSender(engineOf(a.widget).peerConnection(b.peerId)!)!.getParameters().encodings[0]!;
    expect(maxBitrate).to.equal(3_000_000);
  });

  it('applies a new quality mid-call without rejoining, and reports it', async () => {
    const { a, b } = await twoInCall({}, {}, QUALITY);
    const seen = await remoteVideo(b.widget, a.peerId);
    await until(() => seen.videoWidth === 1280, 'medium (720p) at first');
    a.widget.setAttribute('quality', 'low');
    await until(() => seen.videoWidth > 0 && seen.videoWidth <= 640, 'low quality at Grace');
    expect(ofType(a.events, 'vc-quality-change').map((e) => e.detail)).to.deep.equal([
      { from: 'medium', to: 'low', reason: 'attribute' },
    ]);
    const sender = videoSender(engineOf(a.widget).peerConnection(b.peerId)!)!;
    expect(sender.getParameters().encodings[0]!.maxBitrate).to.equal(500_000);
    expect(b.widget.participants[0]!.peerId).to.equal(a.peerId); // same seat: no rejoin
    expect(ofType(b.events, 'vc-participant-leave')).to.deep.equal([]);
  });

  it('reports an unknown quality as a non-fatal configuration_invalid, and uses medium', async () => {
    const { widget, events } = mount(await connectedAttributes({ quality: 'ultra', autojoin: true }), QUALITY);
    const error = await until(() => ofType(events, 'vc-error')[0], 'vc-error');
    expect(error.detail).to.include({ code: 'configuration_invalid', fatal: false });
    expect(error.detail.message).to.contain('ultra');
    await until(() => widget.state === 'connected', 'connected all the same');
    expect(engineOf(widget).outgoing.level).to.equal('medium');
    expect(engineOf(widget).media.videoTrack!.getSettings().width).to.equal(1280);
  });

  it('with quality="auto", steps down when the bandwidth cannot carry the level, and says why', async function () {
    this.timeout(40_000);
    const { a, b } = await twoInCall({ quality: 'auto' }, {}, QUALITY);
    const seen = await remoteVideo(b.widget, a.peerId);
    await until(() => seen.videoWidth === 1280, 'auto starts at medium (720p)');
    // A congested uplink: the encoder may only send 80 kbit/s, far too little for 720p.
    const sender = videoSender(engineOf(a.widget).peerConnection(b.peerId)!)!;
    const parameters = sender.getParameters();
    parameters.encodings[0]!.maxBitrate = 80_000;
    await sender.setParameters(parameters);

    const change = await until(() => ofType(a.events, 'vc-quality-change')[0], 'auto to step down', 20_000);
    expect(change.detail).to.deep.equal({ from: 'medium', to: 'low', reason: 'bandwidth' });
    await until(() => seen.videoWidth > 0 && seen.videoWidth <= 640, 'the lower quality at Grace');
    expect(ofType(a.events, 'vc-error')).to.deep.equal([]);
  });
});
