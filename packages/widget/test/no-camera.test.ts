/// <reference types="mocha" />
// Runs in a browser that has a microphone but no usable camera.
import { expect } from '@esm-bundle/chai';
import { countOffers, engineOf, remoteVideo } from './call-helpers.js';
import { connectedAttributes, mount, part, showsFrames, until, uniqueRoom } from './helpers.js';

describe('<video-chat-widget> without a camera', () => {
  it('says so, and joins with the microphone only; the other side still gets the audio', async () => {
    const room = uniqueRoom();
    const { widget, events } = mount(await connectedAttributes({ room, preview: true }), [
      'vc-error',
      'vc-participant-join',
    ]);
    const error = await until(() => events.find((e) => e.type === 'vc-error'), 'vc-error');
    expect(error.detail.code).to.equal('media_unavailable');
    expect(error.detail.fatal).to.equal(false);
    expect(error.detail.message).to.match(/camera/);
    await widget.updateComplete;
    expect(part<HTMLButtonElement>(widget, '[part="camera-button"]')!.disabled).to.equal(true);
    expect(part<HTMLButtonElement>(widget, '[part="microphone-button"]')!.disabled).to.equal(false);

    await widget.join();
    const other = mount(await connectedAttributes({ room, autojoin: true }));
    await until(() => events.some((e) => e.type === 'vc-participant-join'), 'the other participant');
    const remote = await until(
      () => part<HTMLVideoElement>(other.widget, 'video[part="remote-video"]'),
      'the remote tile',
    );
    const stream = await until(() => remote.srcObject as MediaStream | null, 'the remote stream');
    const audio = await until(() => stream.getAudioTracks()[0], 'a remote audio track');
    await until(() => !audio.muted, 'audio to flow');
    expect(stream.getVideoTracks().every((t) => t.muted)).to.equal(true);
  });

  it('shares a screen from a participant without a camera: one renegotiation, then the others see it', async () => {
    const room = uniqueRoom();
    const { widget } = mount(await connectedAttributes({ room, autojoin: true }));
    await until(() => widget.state === 'connected', 'connected');
    const other = mount(await connectedAttributes({ room, autojoin: true }));
    const sharerId = await until(() => other.widget.participants[0]?.peerId, 'the other to see the sharer');
    const otherId = await until(() => widget.participants[0]?.peerId, 'the sharer to see the other');
    const link = engineOf(widget).peerConnection(otherId)!;
    await until(() => link.connectionState === 'connected' && link.signalingState === 'stable', 'the call to settle');
    const offers = countOffers(link);

    await widget.startScreenShare();
    const seen = await remoteVideo(other.widget, sharerId);
    const screen = engineOf(widget).outgoing.screen.track!;
    const showsScreen = () =>
      seen.videoWidth === screen.getSettings().width && seen.videoHeight === screen.getSettings().height;
    await until(showsScreen, 'the shared screen at the other side');
    await showsFrames(seen);
    expect(offers()).to.equal(1);
    expect(other.widget.participants[0]!.screen).to.equal(true);
  });
});
