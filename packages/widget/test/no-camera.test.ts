/// <reference types="mocha" />
// Runs in a browser that has a microphone but no usable camera.
import { expect } from '@esm-bundle/chai';
import { connectedAttributes, mount, part, until, uniqueRoom } from './helpers.js';

describe('<video-chat-widget> without a camera', () => {
  it('says so, and joins with the microphone only; the other side still gets the audio', async () => {
    const room = uniqueRoom();
    const { widget, events } = mount(await connectedAttributes({ room }), ['vc-error', 'vc-participant-join']);
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
    const remote = await until(() => part<HTMLVideoElement>(other.widget, 'video[part="remote-video"]'), 'the remote tile');
    const stream = await until(() => remote.srcObject as MediaStream | null, 'the remote stream');
    const audio = await until(() => stream.getAudioTracks()[0], 'a remote audio track');
    await until(() => !audio.muted, 'audio to flow');
    expect(stream.getVideoTracks().every((t) => t.muted)).to.equal(true);
  });
});
