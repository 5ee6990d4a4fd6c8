/// <reference types="mocha" />
// Chromium's fake capture shares an 800-pixel-wide "screen" when asked (no picker under
// --use-fake-ui-for-media-stream); the fake camera sends 1280×720 at the default quality, so the receiver can
// tell which one it gets.
import { expect } from '@esm-bundle/chai';
import { clickPart, countOffers, engineOf, remoteVideo, twoInCall, videoSender } from './call-helpers.js';
import { part, until } from './helpers.js';

/** The size of the screen being shared, as captured. */
const screenSize = (widget: Parameters<typeof engineOf>[0]) => engineOf(widget).outgoing.screen.track!.getSettings();

describe('<video-chat-widget> screen share', () => {
  it('sends the screen in place of the camera without renegotiating, and the camera again when it stops', async () => {
    const { a, b } = await twoInCall({}, {}, ['vc-error']);
    const toB = engineOf(a.widget).peerConnection(b.peerId)!;
    const toA = engineOf(b.widget).peerConnection(a.peerId)!;
    const offers = [countOffers(toB), countOffers(toA)];
    const seen = await remoteVideo(b.widget, a.peerId);
    await until(() => seen.videoWidth === 1280, 'the camera at 1280×720');
    const camera = videoSender(toB)!.track!;

    await a.widget.startScreenShare();
    await until(
      () => seen.videoWidth === screenSize(a.widget).width && seen.videoHeight === screenSize(a.widget).height,
      'the shared screen at Grace',
    );
    expect(seen.videoWidth).to.not.equal(1280);
    expect(videoSender(toB)!.track!.label).to.match(/^screen:/);
    await until(() => b.widget.participants[0]!.screen, 'Grace told that Ada shares her screen', 1000);
    await a.widget.updateComplete;
    const self = part<HTMLVideoElement>(a.widget, '[part="call"] video[part="local-video"]')!;
    expect((self.srcObject as MediaStream).getVideoTracks()[0]!.label).to.match(/^screen:/);
    expect(part<HTMLButtonElement>(a.widget, '[part="screen-share-button"]')!.getAttribute('aria-pressed')).to.equal(
      'true',
    );

    // The button stops it, as a user would.
    await clickPart(a.widget, '[part="screen-share-button"]');
    await until(() => seen.videoWidth === 1280, 'the camera back at Grace');
    expect(videoSender(toB)!.track).to.equal(camera);
    await until(() => !b.widget.participants[0]!.screen, 'Grace told the share stopped', 1000);
    expect(offers.map((count) => count())).to.deep.equal([0, 0]);
    expect(a.events.filter((e) => e.type === 'vc-error')).to.deep.equal([]);
  });

  it("puts the camera back when the browser's own Stop sharing ends the capture", async () => {
    const { a, b } = await twoInCall();
    const seen = await remoteVideo(b.widget, a.peerId);
    await a.widget.startScreenShare();
    await until(() => seen.videoWidth === screenSize(a.widget).width, 'the shared screen');
    const screen = engineOf(a.widget).outgoing.screen.track!;
    // The browser's "Stop sharing" bar ends the source: the track fires `ended` (a script's stop() would not).
    screen.stop();
    screen.dispatchEvent(new Event('ended'));
    await until(() => seen.videoWidth === 1280, 'the camera back');
    expect(engineOf(a.widget).outgoing.screen.active).to.equal(false);
    await until(() => !b.widget.participants[0]!.screen, 'Grace told the share stopped', 1000);
  });
});
