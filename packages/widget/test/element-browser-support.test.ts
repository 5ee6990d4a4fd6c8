/// <reference types="mocha" />
// What other browsers do differently, reproduced in Chromium by taking away what they lack: a camera that keeps
// the size it was opened at (Firefox), no insertable streams (Firefox, Safari), no WebRTC at all.
import { expect } from '@esm-bundle/chai';
import { engineOf, ofType, remoteVideo, twoInCall, videoSender } from './call-helpers.js';
import { connectedAttributes, mount, part, until, uniqueRoom } from './helpers.js';

const EVENTS = ['vc-error', 'vc-chat-message', 'vc-join', 'vc-quality-change'];

/** Takes `name` off the window until the returned function puts it back. */
function withoutGlobal(name: string): () => void {
  const scope = globalThis as unknown as Record<string, unknown>;
  const saved = Object.getOwnPropertyDescriptor(scope, name)!;
  delete scope[name];
  return () => Object.defineProperty(scope, name, saved);
}

describe('<video-chat-widget> in every browser', () => {
  const { applyConstraints } = MediaStreamTrack.prototype;
  let restore: (() => void) | null = null;
  afterEach(() => {
    MediaStreamTrack.prototype.applyConstraints = applyConstraints;
    restore?.();
    restore = null;
  });

  it('sends quality="low" at 640 wide or less through the sender when the camera keeps its larger size', async () => {
    const { a, b } = await twoInCall({}, {}, EVENTS);
    const seen = await remoteVideo(b.widget, a.peerId);
    await until(() => seen.videoWidth === 1280, 'medium (720p) at first');
    // A camera that cannot be resized while it runs, as Firefox's: the capture stays 1280×720.
    MediaStreamTrack.prototype.applyConstraints = () => Promise.resolve();
    a.widget.setAttribute('quality', 'low');
    await until(() => seen.videoWidth > 0 && seen.videoWidth <= 640, 'Grace to receive 640 wide or less', 15_000);
    expect(engineOf(a.widget).media.videoTrack!.getSettings().width).to.equal(1280);
    const encoding = videoSender(engineOf(a.widget).peerConnection(b.peerId)!)!.getParameters().encodings[0]!;
    expect(encoding).to.include({ scaleResolutionDownBy: 2, maxBitrate: 500_000 });

    // Back to high: the sender stops scaling (the capture follows where it can).
    MediaStreamTrack.prototype.applyConstraints = applyConstraints;
    a.widget.setAttribute('quality', 'high');
    await until(() => seen.videoWidth >= 1280, 'Grace to receive the full size again', 15_000);
    expect(ofType(a.events, 'vc-error')).to.deep.equal([]);
  });

  it('reports effects set in markup that cannot run here as effect_unavailable, once per camera, and sends the camera as it is', async () => {
    restore = withoutGlobal('MediaStreamTrackProcessor');
    const { widget, events } = mount(await connectedAttributes({ effects: 'grayscale' }), EVENTS);
    // The camera opens when the visitor asks ("Check camera" here, else Join), not on load.
    (await until(() => part<HTMLButtonElement>(widget, '[part="check-camera-button"]'), '"Check camera"')).click();
    const error = await until(() => ofType(events, 'vc-error')[0], 'vc-error when the camera opens');
    expect(error.detail).to.include({ code: 'effect_unavailable', fatal: false });
    expect(error.detail.message).to.contain('MediaStreamTrackProcessor');
    const engine = engineOf(widget);
    expect(engine.outgoing.videoTrack).to.equal(engine.media.videoTrack);

    // Toggling the devices (each a media change) does not say it again; the next effect asked for is the barrier.
    widget.setMicrophoneEnabled(false);
    widget.setCameraEnabled(false);
    widget.setCameraEnabled(true);
    await widget.join();
    widget.setAttribute('effects', 'sepia');
    await until(() => ofType(events, 'vc-error').length >= 2, 'the error of sepia');
    expect(ofType(events, 'vc-error').map((e) => e.detail.code)).to.deep.equal([
      'effect_unavailable',
      'effect_unavailable',
    ]);
    expect(ofType(events, 'vc-error')[1]!.detail.message).to.contain('MediaStreamTrackProcessor');
  });

  it('without WebRTC, says plainly that video calls are not supported, opens no camera, and chats in the room', async function () {
    this.timeout(30_000);
    const room = uniqueRoom();
    restore = withoutGlobal('RTCPeerConnection');
    const old = mount(await connectedAttributes({ room, 'display-name': 'Old browser' }), EVENTS);
    const error = await until(() => ofType(old.events, 'vc-error')[0], 'vc-error');
    restore();
    restore = null;
    expect(error.detail).to.deep.equal({
      code: 'webrtc_unsupported',
      message: "Video calls aren't supported in this browser. You can still chat with the others.",
      fatal: false,
    });
    await old.widget.updateComplete;
    expect(part(old.widget, '[part="notice"]')!.textContent!.trim()).to.equal(
      "Video calls aren't supported in this browser. You can still chat with the others.",
    );
    expect(part(old.widget, '[part="join-button"]')!.textContent!.trim()).to.equal('Join');
    expect(engineOf(old.widget).media.stream).to.equal(null);
    expect(
      part(old.widget, '[part="check-camera-button"]'),
      'no "Check camera" where no camera would be opened',
    ).to.equal(null);

    part<HTMLButtonElement>(old.widget, '[part="join-button"]')!.click();
    await until(() => old.widget.state === 'connected', 'the old browser in the room');
    const modern = mount(await connectedAttributes({ room, 'display-name': 'Modern', autojoin: true }), EVENTS);
    await until(() => old.widget.participants[0] && modern.widget.participants[0], 'both see each other');
    expect(old.widget.participants[0]!.textOnly).to.equal(true);
    await old.widget.updateComplete;
    expect(part(old.widget, '[part="text-only-banner"]')!.textContent).to.contain(
      "Video calls aren't supported in this browser",
    );

    await old.widget.sendChatMessage('hello from an old browser');
    await until(
      () => ofType(modern.events, 'vc-chat-message').some((e) => e.detail.text === 'hello from an old browser'),
      'the modern browser to read it',
    );
    await modern.widget.sendChatMessage('hello back');
    await until(
      () => ofType(old.events, 'vc-chat-message').some((e) => e.detail.text === 'hello back'),
      'the old browser to read the answer',
    );
    // The modern side gives up on a media path after its deadline and shows the old browser as chat only.
    await until(() => modern.widget.participants[0]!.textOnly, 'the modern side to show chat only', 15_000);
    expect(ofType(old.events, 'vc-error').map((e) => e.detail.code)).to.deep.equal(['webrtc_unsupported']);
  });
});
